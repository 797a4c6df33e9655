package io.shardeddb.shardserver.backup;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;

/**
 * Gauges for {@code /prometheus} (docs/backup.md): the archived LSN, how long committed entries
 * have waited to be archived, bytes shipped, and whether archiving is stalled (1) past its bound.
 */
@Context
public class ArchiveMetrics {
  public ArchiveMetrics(ArchiveProgress progress, MeterRegistry registry) {
    Gauge.builder("shardeddb.archive.lsn", progress, ArchiveProgress::archivedLsn)
        .description("the last log entry known to be in the backup store's archive")
        .register(registry);
    Gauge.builder(
            "shardeddb.archive.lag",
            progress,
            p -> p.lagMillis(System.currentTimeMillis()) / 1000.0)
        .description("seconds committed entries have waited to be archived (0: caught up)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("shardeddb.archive.bytes", progress, ArchiveProgress::bytes)
        .description("bytes of archive segments this replica shipped")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder(
            "shardeddb.archive.stalled",
            progress,
            p -> p.stalled(System.currentTimeMillis()) ? 1 : 0)
        .description("1 while archiving has failed past its bound with entries waiting")
        .register(registry);
  }
}
