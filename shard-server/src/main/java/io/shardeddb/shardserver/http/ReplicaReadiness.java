package io.shardeddb.shardserver.http;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.shardserver.replication.ReplicaContext;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** {@code /health/readiness}: UP only when the replica holds a role and is caught up. */
@Singleton
@Readiness
public class ReplicaReadiness implements HealthIndicator {
  private final ReplicaContext ctx;

  public ReplicaReadiness(ReplicaContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    Heartbeat hb = ctx.heartbeat();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", hb.state().name());
    details.put("role", hb.role().name());
    details.put("epoch", hb.epoch());
    details.put("appliedLsn", hb.appliedLsn());
    details.put("lagLsn", hb.lagLsn());
    return Mono.just(
        HealthResult.builder("replica", hb.ready() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}
