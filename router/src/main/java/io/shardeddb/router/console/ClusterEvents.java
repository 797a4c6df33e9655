package io.shardeddb.router.console;

import io.micronaut.scheduling.annotation.Scheduled;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.console.ConsoleStatus.EventView;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this router saw happen, for the console's event list in every mode (Kubernetes Events need
 * the API and a permission the router may not have): each topology change ({@link TopologyChanges})
 * and each replica that stopped or started answering its heartbeats. Kept in memory, the last
 * {@value #KEPT}; a restarted router starts empty.
 */
@Singleton
public class ClusterEvents {
  static final int KEPT = 100;

  private final TopologyHolder topology;
  private final ReplicaHealth health;
  private final Clock clock;
  private final Deque<EventView> recent = new ArrayDeque<>();
  private final Map<String, Boolean> reachable = new HashMap<>();

  @Inject
  public ClusterEvents(TopologyHolder topology, ReplicaHealth health) {
    this(topology, health, Clock.systemUTC());
  }

  ClusterEvents(TopologyHolder topology, ReplicaHealth health, Clock clock) {
    this.topology = topology;
    this.health = health;
    this.clock = clock;
    follow(topology.current());
  }

  /**
   * Records the change from {@code from} to the next table the holder installs, then waits for the
   * one after. Each install completes the future of the one before, so every change is seen (a
   * table replaced again before this runs is compared as the net change). One callback waits at a
   * time.
   */
  private void follow(RoutingTable from) {
    topology
        .newerThan(from.version())
        .thenAccept(
            next -> {
              changed(from.topology(), next.topology());
              follow(next);
            });
  }

  private synchronized void changed(Topology before, Topology after) {
    for (TopologyChanges.Change c : TopologyChanges.between(before, after)) {
      record(c.type(), c.reason(), c.message());
    }
  }

  /** Records each replica that stopped or started answering the router's heartbeats. */
  @Scheduled(fixedDelay = "1s", initialDelay = "1s")
  public synchronized void observeHealth() {
    Map<String, String> names = new HashMap<>();
    for (ShardTopology s : topology.current().shards()) {
      for (Replica r : s.replicas()) {
        names.put(r.url(), r.name());
      }
    }
    reachable.keySet().retainAll(names.keySet());
    for (Map.Entry<String, String> replica : names.entrySet()) {
      String url = replica.getKey();
      if (!health.observed(url)) {
        continue;
      }
      boolean up = health.reachable(url);
      Boolean before = reachable.put(url, up);
      if (before != null && before != up) {
        record(
            up ? "Normal" : "Warning",
            up ? "ReplicaReachable" : "ReplicaUnreachable",
            replica.getValue()
                + (up ? " answers heartbeats again" : " does not answer heartbeats")
                + " ("
                + url
                + ")");
      }
    }
  }

  /** The recorded events, newest first. */
  public synchronized List<EventView> recent() {
    return new ArrayList<>(recent);
  }

  private void record(String type, String reason, String message) {
    String time = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    recent.addFirst(new EventView(time, "router", type, reason, message));
    while (recent.size() > KEPT) {
      recent.removeLast();
    }
  }
}
