package io.shardeddb.protocol.quorum;

import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaWeight;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cabinet's weights, as the course seed writes them: per replica {@code weight = 1 / (latency + lag
 * + 1)}, latency the replica's acknowledgement round trip in milliseconds as its primary measures
 * it, lag the LSNs of the primary's log it is not known to hold; the best-weighted majority is the
 * primary and the {@code ⌊n/2⌋} secondaries of highest weight, {@code ⌊n/2⌋+1} of the {@code n}
 * voters in all — always a majority (DESIGN §5 rule 5). The primary's own weight is 1 (no round
 * trip, nothing behind). A secondary that has not answered in this term weighs 0: nothing was
 * measured. With {@code writeQuorum: Cabinet} the primary acknowledges a write once its
 * best-weighted majority holds it ({@code QuorumTracker}); otherwise the weights are only shown.
 * Pure.
 */
public final class CabinetWeights {
  private CabinetWeights() {}

  /** {@code 1 / (latencyMillis + lagLsn + 1)}; 0 when the latency is unknown (null). */
  public static double weight(Double latencyMillis, long lagLsn) {
    if (latencyMillis == null) {
      return 0;
    }
    return 1.0 / (Math.max(0, latencyMillis) + Math.max(0, lagLsn) + 1);
  }

  /** A replica's weight record from what its primary measured. */
  public static ReplicaWeight of(String name, Double latencyMillis, long lagLsn) {
    long lag = Math.max(0, lagLsn);
    return new ReplicaWeight(name, latencyMillis, lag, weight(latencyMillis, lag));
  }

  /** The primary's own weight: no round trip, nothing behind, 1. */
  public static ReplicaWeight primary(String name) {
    return of(name, 0.0, 0);
  }

  /** Heaviest first, ties by name (so the choice is the same wherever it is computed). */
  public static final Comparator<ReplicaWeight> HEAVIEST_FIRST =
      Comparator.comparingDouble(ReplicaWeight::weight)
          .reversed()
          .thenComparing(ReplicaWeight::name);

  /**
   * The best-weighted majority of {@code voters} replicas: {@code primary} first, then the heaviest
   * of the other {@code weights} until there are {@code ⌊voters/2⌋+1} names. Fewer when fewer
   * replicas are weighed (then no majority is available).
   */
  public static List<String> bestWeightedMajority(
      String primary, List<ReplicaWeight> weights, int voters) {
    int size = FailoverPlanner.majority(voters);
    List<String> chosen = new ArrayList<>();
    if (primary != null) {
      chosen.add(primary);
    }
    weights.stream()
        .filter(w -> !w.name().equals(primary))
        .sorted(HEAVIEST_FIRST)
        .limit(Math.max(0, size - chosen.size()))
        .forEach(w -> chosen.add(w.name()));
    return List.copyOf(chosen);
  }

  /**
   * A shard's Cabinet as its primary reported it: each weighed replica by name, and the
   * best-weighted majority (null when there are no weights).
   */
  public record Cabinet(Map<String, ReplicaWeight> weights, List<String> bestWeightedMajority) {
    /** Nothing reported. */
    public static final Cabinet NONE = new Cabinet(Map.of(), null);

    /** {@code name}'s weight, or null when the primary did not weigh it. */
    public ReplicaWeight of(String name) {
      return weights.get(name);
    }
  }

  /**
   * The Cabinet in {@code primaryBeat}, the heartbeat of the shard's {@code primary}: {@link
   * Cabinet#NONE} when there is none, it is not a primary's, or it predates the weights.
   */
  public static Cabinet reported(String primary, Heartbeat primaryBeat) {
    if (primary == null || primaryBeat == null || primaryBeat.role() != Role.Primary) {
      return Cabinet.NONE;
    }
    QuorumState q = primaryBeat.quorum();
    if (q == null || q.weights() == null || q.weights().isEmpty()) {
      return Cabinet.NONE;
    }
    Map<String, ReplicaWeight> byName = new LinkedHashMap<>();
    q.weights().forEach(w -> byName.put(w.name(), w));
    return new Cabinet(byName, bestWeightedMajority(primary, q.weights(), q.replicas()));
  }
}
