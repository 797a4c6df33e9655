package io.shardeddb.operator.failover;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses a new primary for a shard whose primary is gone: only with a majority of the shard's
 * replicas answering, the most up-to-date eligible replica by (last entry epoch, applied LSN), ties
 * broken by lower heartbeat latency, then fewer restarts, then name; the new epoch is one above
 * every epoch seen.
 */
public final class FailoverPlanner {

  /** Most up to date first; among equals the fastest, then the steadiest, then by name. */
  static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparingLong(Candidate::lastEntryEpoch)
          .reversed()
          .thenComparing(Comparator.comparingLong(Candidate::appliedLsn).reversed())
          .thenComparing(Candidate::latency)
          .thenComparingInt(Candidate::restarts)
          .thenComparing(Candidate::pod);

  /**
   * Plans a failover.
   *
   * @param currentEpoch the epoch recorded in status for the failed primary
   * @param replicas how many replicas the shard has (the majority is counted over these)
   * @param answered every replica that answered, the failed primary excluded
   */
  public FailoverDecision plan(long currentEpoch, int replicas, List<Candidate> answered) {
    int required = replicas / 2 + 1;
    if (answered.size() < required) {
      return new FailoverDecision.NoQuorum(answered.size(), required, replicas);
    }
    long highestEpoch = answered.stream().mapToLong(Candidate::epoch).max().orElse(0L);
    Optional<Candidate> best =
        answered.stream().filter(Candidate::eligible).sorted(BEST_FIRST).findFirst();
    if (best.isEmpty()) {
      return new FailoverDecision.NoCandidate(
          answered.size() + " replicas answered but every one is still copying its data");
    }
    Candidate winner = best.get();
    long epoch = Math.max(currentEpoch, highestEpoch) + 1;
    return new FailoverDecision.Promote(
        winner.pod(),
        epoch,
        winner.appliedLsn(),
        "most up to date of "
            + answered.size()
            + " answering replicas (last entry epoch "
            + winner.lastEntryEpoch()
            + ", lsn "
            + winner.appliedLsn()
            + ", latency "
            + winner.latency().toMillis()
            + " ms, restarts "
            + winner.restarts()
            + ")");
  }
}
