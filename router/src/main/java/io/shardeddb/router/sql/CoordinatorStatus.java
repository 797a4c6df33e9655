package io.shardeddb.router.sql;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.failover.Candidate;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.quorum.CabinetWeights;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaWeight;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The coordinator's status shape ({@code GET /query/status}): per shard the current primary,
 * whether it is the original (the first primary this router saw for the shard), the replicas with
 * their lag, and where the failover rule would rank each one now. The rank reuses the operator's
 * own ordering ({@link FailoverPlanner#BEST_FIRST}) over the inputs the router has: each replica's
 * last heartbeat ({@code lastEntryEpoch}, {@code appliedLsn}, state). The operator ranks fence
 * answers, not heartbeats, and among equal positions weighs the SEER score's answer latency,
 * restarts and uptime, which the router does not observe (treated as equal here), so the rank is a
 * preview, not the election. Cabinet's weights (issue 51 item 2) are the primary's: its heartbeat
 * reports each voter's weight ({@code QuorumState.weights}), shown per replica, with the
 * best-weighted majority ({@link CabinetWeights#bestWeightedMajority}) per shard; absent when the
 * primary did not answer or predates them. Pure.
 */
public final class CoordinatorStatus {
  private CoordinatorStatus() {}

  /** What the inputs to the rank were, shown with every status. */
  public static final String RANKING =
      "FailoverPlanner.BEST_FIRST over each replica's last heartbeat (lastEntryEpoch, appliedLsn;"
          + " only replicas that hold their data are eligible); the SEER score's latency, restarts"
          + " and uptime are not observed by the router and count as equal";

  /** The whole reply. */
  @Serdeable
  public record Response(boolean success, List<Shard> shards, String ranking) {}

  /** One shard. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Shard(
      String shard,
      long epoch,
      String primary,
      @JsonProperty("original_primary") String originalPrimary,
      @JsonProperty("is_original") boolean isOriginal,
      List<ReplicaStatus> replicas,
      @JsonProperty("best_weighted_majority") List<String> bestWeightedMajority) {}

  /** One replica as the router last saw it; heartbeat fields are null when it did not answer. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ReplicaStatus(
      String name,
      String role,
      boolean reachable,
      String state,
      @JsonProperty("applied_lsn") Long appliedLsn,
      @JsonProperty("last_entry_epoch") Long lastEntryEpoch,
      Long lag,
      Boolean eligible,
      Integer rank,
      @JsonProperty("ack_latency_ms") Double ackLatencyMillis,
      @JsonProperty("lag_behind_primary") Long lagBehindPrimary,
      Double weight) {}

  /**
   * Builds the status of {@code topology}; {@code firstPrimaries} from {@link PrimaryHistory},
   * {@code heartbeats} the last heartbeat per replica URL (empty when unreachable or not polled).
   */
  public static Response of(
      Topology topology,
      Map<String, String> firstPrimaries,
      Function<String, Optional<Heartbeat>> heartbeats) {
    List<Shard> shards = new ArrayList<>();
    for (ShardTopology s : topology.shards()) {
      Map<String, Heartbeat> seen = new HashMap<>();
      List<Candidate> candidates = new ArrayList<>();
      for (Replica r : s.replicas()) {
        heartbeats
            .apply(r.url())
            .ifPresent(
                hb -> {
                  seen.put(r.name(), hb);
                  candidates.add(
                      new Candidate(
                          r.name(),
                          hb.epoch(),
                          hb.lastEntryEpoch(),
                          hb.appliedLsn(),
                          hb.state(),
                          Duration.ZERO,
                          0,
                          Duration.ZERO));
                });
      }
      List<Candidate> ranked =
          candidates.stream()
              .filter(Candidate::holdsItsData)
              .sorted(FailoverPlanner.BEST_FIRST)
              .toList();
      // Cabinet's weights as the primary measured them (its heartbeat's quorum state).
      CabinetWeights.Cabinet cabinet =
          CabinetWeights.reported(s.primary(), s.primary() == null ? null : seen.get(s.primary()));
      List<ReplicaStatus> replicas = new ArrayList<>();
      for (Replica r : s.replicas()) {
        Heartbeat hb = seen.get(r.name());
        ReplicaWeight w = cabinet.of(r.name());
        Integer rank = null;
        for (int i = 0; i < ranked.size(); i++) {
          if (ranked.get(i).name().equals(r.name())) {
            rank = i + 1;
          }
        }
        replicas.add(
            new ReplicaStatus(
                r.name(),
                r.role() == null ? null : r.role().name(),
                hb != null,
                hb == null || hb.state() == null ? null : hb.state().name(),
                hb == null ? null : hb.appliedLsn(),
                hb == null ? null : hb.lastEntryEpoch(),
                hb == null ? null : hb.lagLsn(),
                hb == null ? null : rank != null,
                rank,
                w == null ? null : w.ackLatencyMillis(),
                w == null ? null : w.lagLsn(),
                w == null ? null : w.weight()));
      }
      String original = firstPrimaries.get(s.id());
      shards.add(
          new Shard(
              s.id(),
              s.epoch(),
              s.primary(),
              original,
              s.primary() != null && s.primary().equals(original),
              replicas,
              cabinet.bestWeightedMajority()));
    }
    return new Response(true, shards, RANKING);
  }
}
