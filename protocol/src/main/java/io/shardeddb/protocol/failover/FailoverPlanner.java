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
 * choose among those answers the highest {@code (lastEntryEpoch, lastLsn)}; among the answers at
 * that position (the only ones safe to elect) the best {@link SeerScore} wins (latency, stability,
 * lag weighted 0.4/0.4/0.2), then the name. Pure: no I/O, no clock.
 */
public final class FailoverPlanner {

  /** Log position only, most up to date first. */
  private static final Comparator<Candidate> POSITION =
      Comparator.comparingLong(Candidate::lastEntryEpoch)
          .reversed()
          .thenComparing(Comparator.comparingLong(Candidate::lastLsn).reversed());

  /**
   * Most up to date first (rule 2: never weakened by a score); among equal positions the higher
   * {@link SeerScore}, then by name. Two candidates at the same position are equally far behind any
   * other, so their lag terms are equal and comparing their scores at 0 behind orders them as their
   * full scores would.
   */
  public static final Comparator<Candidate> BEST_FIRST =
      POSITION
          .thenComparing(
              Comparator.comparingDouble((Candidate c) -> SeerScore.of(c, 0).total()).reversed())
          .thenComparing(Candidate::name);

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
    SeerScore score = SeerScore.of(winner, best);
    Candidate runnerUp =
        counted.values().stream()
            .filter(c -> mayLead.test(c.name()) && !c.name().equals(winner.name()))
            .sorted(BEST_FIRST)
            .findFirst()
            .orElse(null);
    SeerScore runnerUpScore = runnerUp == null ? null : SeerScore.of(runnerUp, best);
    return new Election.Elected(
        winner,
        epoch,
        counted.size(),
        reason(winner, score, runnerUp, runnerUpScore, best, counted.size(), epoch),
        score,
        runnerUp,
        runnerUpScore);
  }

  private static String reason(
      Candidate winner,
      SeerScore score,
      Candidate runnerUp,
      SeerScore runnerUpScore,
      Candidate best,
      int counted,
      long epoch) {
    String why =
        "most up to date of "
            + counted
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
            + ", uptime "
            + winner.uptime().toSeconds()
            + " s), SEER score "
            + score.describe();
    if (runnerUp == null) {
      return why + "; no runner-up";
    }
    return why
        + "; runner-up "
        + runnerUp.name()
        + " SEER score "
        + runnerUpScore.describe()
        + (POSITION.compare(runnerUp, best) == 0
            ? ""
            : ", not safe to elect: "
                + SeerScore.behind(runnerUp, best)
                + " LSNs behind (last entry epoch "
                + runnerUp.lastEntryEpoch()
                + ", lsn "
                + runnerUp.lastLsn()
                + ")");
  }
}
