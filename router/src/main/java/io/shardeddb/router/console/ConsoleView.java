package io.shardeddb.router.console;

import io.fabric8.kubernetes.api.model.Condition;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.protocol.quorum.CabinetWeights;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaWeight;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.console.ConsoleStatus.ConditionView;
import io.shardeddb.router.console.ConsoleStatus.EventView;
import io.shardeddb.router.console.ConsoleStatus.MoveView;
import io.shardeddb.router.console.ConsoleStatus.ReplicaView;
import io.shardeddb.router.console.ConsoleStatus.RouterView;
import io.shardeddb.router.console.ConsoleStatus.ShardView;
import io.shardeddb.router.console.ConsoleStatus.WritesView;
import io.shardeddb.router.routing.ReplicaHealth.Observation;
import io.shardeddb.router.routing.WriteHistogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the console's document from what the router holds, with no I/O: the topology it routes by,
 * its last heartbeat of each replica, the ShardedDatabase it follows (null outside Kubernetes mode)
 * and the recent events. The same rows {@code kubectl-sdb status} prints.
 */
public final class ConsoleView {
  static final String HEALTHY = "healthy";
  static final String NOT_READY = "not ready";
  static final String UNREACHABLE = "unreachable";
  static final String UNKNOWN = "unknown";

  /** Where the router is and where its topology comes from. */
  public record Origin(String namespace, String source) {}

  private ConsoleView() {}

  /** The console's document, without write counts (no write seen by this router). */
  public static ConsoleStatus of(
      Origin origin,
      Topology topology,
      Function<String, Observation> observations,
      ShardedDatabase resource,
      List<EventView> events,
      String eventsNote) {
    return of(origin, topology, observations, shard -> null, resource, events, eventsNote);
  }

  /**
   * The console's document.
   *
   * @param observations the router's last heartbeat observation of a replica URL, or null when it
   *     has not polled that URL
   * @param writes what the router counted of its writes to a shard (by id), or null before any
   */
  public static ConsoleStatus of(
      Origin origin,
      Topology topology,
      Function<String, Observation> observations,
      Function<String, WriteHistogram.Snapshot> writes,
      ShardedDatabase resource,
      List<EventView> events,
      String eventsNote) {
    ShardedDatabaseStatus status = resource == null ? null : resource.getStatus();
    Map<String, ShardStatus> byId = new LinkedHashMap<>();
    if (status != null) {
      for (ShardStatus s : status.shardsOrEmpty()) {
        byId.put(s.id(), s);
      }
    }
    List<ShardView> shards = new ArrayList<>();
    for (ShardTopology shard : topology.shards()) {
      shards.add(
          shard(shard, byId.remove(shard.id()), observations, writesView(writes, shard.id())));
    }
    // Shards the operator reports but the router does not route to yet (not yet published).
    for (ShardStatus s : byId.values()) {
      shards.add(unpublished(s, observations, writesView(writes, s.id())));
    }
    return new ConsoleStatus(
        topology.database(),
        origin.namespace(),
        origin.source(),
        topology.version(),
        topology.sharding().name(),
        topology.writeQuorum().name(),
        topology.schema(),
        resource == null ? null : resource.getMetadata().getGeneration(),
        status == null ? null : status.observedGeneration(),
        status == null ? List.of() : conditions(status.conditionsOrEmpty()),
        shards,
        status == null ? List.of() : moves(status.reshardingOrEmpty().movesOrEmpty()),
        status == null || status.router() == null
            ? null
            : new RouterView(status.router().readyReplicas(), status.router().endpoint()),
        List.copyOf(events),
        eventsNote);
  }

  private static WritesView writesView(
      Function<String, WriteHistogram.Snapshot> writes, String shard) {
    WriteHistogram.Snapshot w = writes.apply(shard);
    return w == null ? null : new WritesView(w.calls(), w.rows(), w.boundsMillis(), w.counts());
  }

  private static ShardView shard(
      ShardTopology shard,
      ShardStatus status,
      Function<String, Observation> observations,
      WritesView writes) {
    Map<String, ReplicaStatus> reported = new LinkedHashMap<>();
    if (status != null) {
      for (ReplicaStatus r : status.replicasOrEmpty()) {
        reported.put(r.pod(), r);
      }
    }
    // Cabinet's weights from the heartbeat of the primary the router routes by.
    Observation primarySeen =
        shard.replicas().stream()
            .filter(r -> r.name().equals(shard.primary()) && r.url() != null)
            .findFirst()
            .map(r -> observations.apply(r.url()))
            .orElse(null);
    CabinetWeights.Cabinet cabinet =
        CabinetWeights.reported(
            shard.primary(),
            primarySeen == null || !primarySeen.reachable() ? null : primarySeen.heartbeat());
    List<ReplicaView> replicas = new ArrayList<>();
    for (Replica r : shard.replicas()) {
      // The shard's primary is the one the router routes writes to; any other replica is shown
      // in the role the operator last saw it in, unless that is a primary's it no longer holds
      // (an old primary before it rejoined).
      String role =
          r.name().equals(shard.primary())
              ? "Primary"
              : Optional.ofNullable(reported.get(r.name()))
                  .map(ReplicaStatus::role)
                  .filter(x -> x != Role.Primary)
                  .map(Enum::name)
                  .orElse("Secondary");
      replicas.add(
          replica(
              r.name(),
              r.url(),
              role,
              reported.remove(r.name()),
              observations.apply(r.url()),
              cabinet.of(r.name())));
    }
    for (ReplicaStatus r : reported.values()) {
      replicas.add(
          replica(
              r.pod(), r.url(), roleOf(r), r, observe(observations, r.url()), cabinet.of(r.pod())));
    }
    return new ShardView(
        shard.id(),
        shard.low(),
        shard.size(),
        shard.epoch(),
        shard.primary(),
        status == null ? null : status.readyReplicas(),
        status == null ? null : status.primaryUnavailableSince(),
        replicas,
        cabinet.bestWeightedMajority(),
        writes);
  }

  private static ShardView unpublished(
      ShardStatus s, Function<String, Observation> observations, WritesView writes) {
    List<ReplicaView> replicas = new ArrayList<>();
    for (ReplicaStatus r : s.replicasOrEmpty()) {
      replicas.add(replica(r.pod(), r.url(), roleOf(r), r, observe(observations, r.url()), null));
    }
    return new ShardView(
        s.id(),
        0,
        0,
        s.epoch() == null ? 0 : s.epoch(),
        s.primary(),
        s.readyReplicas(),
        s.primaryUnavailableSince(),
        replicas,
        null,
        writes);
  }

  private static Observation observe(Function<String, Observation> observations, String url) {
    return url == null ? null : observations.apply(url);
  }

  private static String roleOf(ReplicaStatus r) {
    return r.role() == null ? "None" : r.role().name();
  }

  static ReplicaView replica(
      String name,
      String url,
      String role,
      ReplicaStatus reported,
      Observation seen,
      ReplicaWeight weight) {
    Heartbeat hb = seen == null || !seen.reachable() ? null : seen.heartbeat();
    String state =
        reported != null && reported.state() != null
            ? reported.state().name()
            : hb != null && hb.state() != null ? hb.state().name() : null;
    Long applied =
        reported != null && reported.appliedLsn() != null
            ? reported.appliedLsn()
            : hb == null ? null : hb.appliedLsn();
    Long lag =
        reported != null && reported.lagLsn() != null
            ? reported.lagLsn()
            : hb == null ? null : hb.lagLsn();
    return new ReplicaView(
        name,
        url,
        role,
        health(reported, seen),
        reported == null ? null : reported.ready(),
        state,
        hb == null ? null : hb.epoch(),
        applied,
        lag,
        reported == null ? null : reported.copyProgress(),
        weight == null ? null : weight.weight(),
        weight == null ? null : weight.ackLatencyMillis());
  }

  /**
   * One word for a replica: the router not reaching it wins (it is what clients would meet), then
   * the operator's readiness, then a heartbeat the router did get.
   */
  static String health(ReplicaStatus reported, Observation seen) {
    if (seen != null && !seen.reachable()) {
      return UNREACHABLE;
    }
    if (reported != null && Boolean.FALSE.equals(reported.ready())) {
      return NOT_READY;
    }
    if (reported != null && Boolean.TRUE.equals(reported.ready())) {
      return HEALTHY;
    }
    if (seen != null && seen.heartbeat() != null) {
      var state = seen.heartbeat().state();
      return state == null || state.name().equals("Ready") ? HEALTHY : NOT_READY;
    }
    return UNKNOWN;
  }

  private static List<ConditionView> conditions(List<Condition> conditions) {
    return conditions.stream()
        .map(
            c ->
                new ConditionView(
                    c.getType(),
                    c.getStatus(),
                    c.getReason(),
                    c.getMessage(),
                    c.getLastTransitionTime()))
        .toList();
  }

  private static List<MoveView> moves(List<MoveStatus> moves) {
    return moves.stream()
        .map(
            m ->
                new MoveView(
                    m.id(),
                    m.source(),
                    m.destination(),
                    m.low(),
                    m.size(),
                    m.phase() == null ? null : m.phase().name(),
                    m.phase() != null && m.phase().finished(),
                    m.rowsCopied(),
                    m.sourceLsn(),
                    m.pauseMillis(),
                    m.attempt(),
                    m.message()))
        .toList();
  }
}
