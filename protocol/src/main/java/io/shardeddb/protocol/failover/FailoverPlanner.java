package io.shardeddb.protocol.failover;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The one election rule (DESIGN §5 rule 2), shared by the operator and the router's standalone
 * admin: fence every replica at {@code e' = max(seen) + 1}; once a majority of the spec's replicas
 * that hold their data (not {@code Copying}, not {@code Unconfigured}) answered at {@code e'},
 * choose among those answers the highest {@code (lastEntryEpoch, lastLsn)}, ties broken by lower
 * latency, fewer restarts, longer uptime, then name. Pure: no I/O, no clock.
 */
public final class FailoverPlanner {

  /** Most up to date first; among equals the fastest, then the steadiest, then by name. */
  public static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparingLong(Candidate::lastEntryEpoch)
          .reversed()
          .thenComparing(Comparator.comparingLong(Candidate::lastLsn).reversed())
          .thenComparing(Candidate::latency)
          .thenComparingInt(Candidate::restarts)
          .thenComparing(Comparator.comparing(Candidate::uptime).reversed())
          .thenComparing(Candidate::name);

  /** Log position only, most up to date first. */
  private static final Comparator<Candidate> POSITION =
      Comparator.comparingLong(Candidate::lastEntryEpoch)
          .reversed()
          .thenComparing(Comparator.comparingLong(Candidate::lastLsn).reversed());

  private FailoverPlanner() {}

  /** The epoch to fence at: one above every epoch anyone has seen (recorded or reported). */
  public static long fenceEpoch(long recordedEpoch, Collection<Long> seenEpochs) {
    long max = recordedEpoch;
    for (long e : seenEpochs) {
      max = Math.max(max, e);
    }
    return max + 1;
  }

  /** How many answers a shard of {@code replicas} (the spec's count) needs: ⌊n/2⌋+1. */
  public static int majority(int replicas) {
    return Math.max(1, replicas) / 2 + 1;
  }

  /**
   * Chooses a primary from the answers to {@code /fence(epoch)}.
   *
   * @param epoch the epoch every replica was fenced at
   * @param replicas the replica count in the spec (never the replicas that happen to exist)
   * @param answers the fence answers received (any epoch; only those at {@code epoch} count)
   */
  public static Election choose(long epoch, int replicas, List<Candidate> answers) {
    return choose(epoch, replicas, answers, name -> true);
  }

  /**
   * Chooses a primary among the answers whose replica {@code mayLead} (all answers count toward the
   * majority). Used when some answering replicas are on their way out: they were part of the
   * replica set writes were acknowledged by, so they vote, but the winner must stay; if one of them
   * is strictly ahead of every replica that may lead, nobody is chosen ({@link Election.Behind}).
   */
  public static Election choose(
      long epoch, int replicas, List<Candidate> answers, Predicate<String> mayLead) {
    // One vote per replica, and only answers that persisted this very epoch and hold their data.
    Map<String, Candidate> counted = new LinkedHashMap<>();
    for (Candidate c : answers) {
      if (c.fencedEpoch() == epoch && c.holdsItsData()) {
        counted.putIfAbsent(c.name(), c);
      }
    }
    int required = majority(replicas);
    if (counted.size() < required) {
      return new Election.NoQuorum(epoch, counted.size(), required, replicas);
    }
    Candidate best = counted.values().stream().sorted(BEST_FIRST).findFirst().orElseThrow();
    Candidate winner =
        counted.values().stream()
            .filter(c -> mayLead.test(c.name()))
            .sorted(BEST_FIRST)
            .findFirst()
            .orElse(null);
    if (winner == null || POSITION.compare(best, winner) < 0) {
      return new Election.Behind(epoch, best, winner);
    }
    return new Election.Elected(
        winner,
        epoch,
        counted.size(),
        "most up to date of "
            + counted.size()
            + " replicas fenced at epoch "
            + epoch
            + " (last entry epoch "
            + winner.lastEntryEpoch()
            + ", lsn "
            + winner.lastLsn()
            + ", latency "
            + winner.latency().toMillis()
            + " ms, restarts "
            + winner.restarts()
            + ")");
  }
}
