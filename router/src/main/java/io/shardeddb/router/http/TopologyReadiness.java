package io.shardeddb.router.http;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Readiness: the router has a topology from its source, and every shard has a primary that answered
 * its last heartbeat. A database awaiting {@code /init} has no shards and is ready, so that {@code
 * /init} can reach the router.
 */
@Singleton
@Readiness
public class TopologyReadiness implements HealthIndicator {
  private final TopologyHolder topology;
  private final ReplicaHealth health;

  public TopologyReadiness(TopologyHolder topology, ReplicaHealth health) {
    this.topology = topology;
    this.health = health;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    RoutingTable table = topology.current();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("topologyVersion", table.version());
    List<String> problems = new ArrayList<>();
    if (!topology.loaded()) {
      problems.add("no topology from the source yet");
    }
    for (ShardTopology s : table.shards()) {
      Replica primary = s.primaryReplica().orElse(null);
      if (primary == null) {
        problems.add("shard " + s.id() + " has no primary");
      } else if (!health.observed(primary.url()) || !health.reachable(primary.url())) {
        problems.add("shard " + s.id() + " primary " + primary.name() + " is not reachable");
      }
    }
    details.put("problems", problems);
    return Mono.just(
        HealthResult.builder("topology", problems.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}
