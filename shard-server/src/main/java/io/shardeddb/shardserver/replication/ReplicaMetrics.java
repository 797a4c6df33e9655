package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;

/** Gauges for {@code /prometheus}: applied LSN, epoch and lag behind the primary. */
@Context
public class ReplicaMetrics {
  public ReplicaMetrics(ReplicaContext ctx, MeterRegistry registry) {
    Gauge.builder("shardeddb.replication.lag", ctx, c -> c.lagLsn())
        .description("log entries this replica is behind its primary")
        .baseUnit("entries")
        .register(registry);
    Gauge.builder("shardeddb.applied.lsn", ctx, c -> c.appliedLsn())
        .description("the last log entry applied on this replica")
        .register(registry);
    Gauge.builder(
            "shardeddb.replication.log", ctx, c -> Math.max(0, c.appliedLsn() - c.logStartLsn()))
        .description(
            "log entries this replica holds (kept until a quorum and, with backups, the archive has"
                + " them: grows while the backup store is unreachable)")
        .baseUnit("entries")
        .register(registry);
    Gauge.builder("shardeddb.epoch", ctx, c -> c.view().epoch())
        .description("the highest epoch this replica has seen")
        .register(registry);
  }
}
