package io.shardeddb.protocol.failover;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * SEER's score of one election candidate, as the course seed writes it: {@code 0.4·latency +
 * 0.4·stability + 0.2·lag}, the best score elected. Each term is normalised to [0, 1], 1 the best:
 *
 * <ul>
 *   <li><b>latency</b> = {@code 1 / (1 + ms / 10)} of the fence answer's round trip as the caller
 *       measured it: 0 ms scores 1, 10 ms scores 0.5, 90 ms scores 0.1;
 *   <li><b>stability</b> = half {@code 1 / (1 + restarts)} (the replica process's restarts), half
 *       {@code min(uptime, 10 min) / 10 min} (how long its pod has been up): a replica up for ten
 *       minutes that never restarted scores 1;
 *   <li><b>lag</b> = {@code 1 / (1 + behind)}, {@code behind} the LSNs between the candidate's last
 *       entry and the most complete answer's (at least 1 when its last entry epoch is older, even
 *       with a higher LSN: that tail was never acknowledged): 0 behind scores 1.
 * </ul>
 *
 * <p>The score decides only among the candidates that are safe to elect, those at the most complete
 * log position (DESIGN §5 rule 2, {@link FailoverPlanner#BEST_FIRST}): they are all 0 behind, so
 * the lag term adds the same 0.2 to each of them and never changes who wins; it is computed for
 * every candidate so that a replica that is behind shows a lower score, and so that the formula is
 * the seed's. A shorter log never wins, whatever its score. Pure.
 */
public record SeerScore(double latency, double stability, double lag, double total) {

  /** Weight of the latency term. */
  public static final double LATENCY_WEIGHT = 0.4;

  /** Weight of the stability term. */
  public static final double STABILITY_WEIGHT = 0.4;

  /** Weight of the lag term. */
  public static final double LAG_WEIGHT = 0.2;

  /** The round trip that scores 0.5 on latency. */
  public static final Duration HALF_LATENCY = Duration.ofMillis(10);

  /** The uptime from which a replica counts as fully up. */
  public static final Duration FULL_UPTIME = Duration.ofMinutes(10);

  /** The score of {@code c} when it is {@code behind} LSNs behind the most complete answer. */
  public static SeerScore of(Candidate c, long behind) {
    double ms = Math.max(0, c.latency().toNanos()) / 1_000_000.0;
    double latency = 1.0 / (1.0 + ms / HALF_LATENCY.toMillis());
    double restarts = 1.0 / (1.0 + Math.max(0, c.restarts()));
    double up =
        Math.min(Math.max(0, c.uptime().toMillis()), FULL_UPTIME.toMillis())
            / (double) FULL_UPTIME.toMillis();
    double stability = 0.5 * restarts + 0.5 * up;
    double lag = 1.0 / (1.0 + Math.max(0, behind));
    return new SeerScore(
        latency,
        stability,
        lag,
        LATENCY_WEIGHT * latency + STABILITY_WEIGHT * stability + LAG_WEIGHT * lag);
  }

  /** The score of {@code c} against {@code best}, the most complete answer of the election. */
  public static SeerScore of(Candidate c, Candidate best) {
    return of(c, behind(c, best));
  }

  /**
   * How many LSNs {@code c}'s last entry is behind {@code best}'s: 0 at the same position; at least
   * 1 when its last entry epoch is older (an old primary's tail is not ahead).
   */
  public static long behind(Candidate c, Candidate best) {
    if (c.lastEntryEpoch() == best.lastEntryEpoch()) {
      return Math.max(0, best.lastLsn() - c.lastLsn());
    }
    if (c.lastEntryEpoch() > best.lastEntryEpoch()) {
      return 0;
    }
    return Math.max(1, best.lastLsn() - c.lastLsn());
  }

  /** For messages: {@code 0.87 (latency 0.77, stability 1.00, lag 1.00)}. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%.2f (latency %.2f, stability %.2f, lag %.2f)",
        total,
        latency,
        stability,
        lag);
  }

  /** A candidate with its score. */
  public record Ranked(Candidate candidate, SeerScore score) {}

  /**
   * SEER's ranking for a planned switch-over ({@code kubectl sdb elect}): every candidate by its
   * total score, best first (then by name), lag counted against the most advanced of them. Here the
   * position is no gate, as it is in an election (rule 2): a planned switch-over fences the primary
   * and waits for its target to hold the primary's whole log before the target takes over, so a
   * target that is behind costs time (its lag term), never an acknowledged write.
   */
  public static List<Ranked> ranking(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    Candidate best =
        candidates.stream()
            .max(
                Comparator.comparingLong(Candidate::lastEntryEpoch)
                    .thenComparingLong(Candidate::lastLsn))
            .orElseThrow();
    return candidates.stream()
        .map(c -> new Ranked(c, of(c, best)))
        .sorted(
            Comparator.comparingDouble((Ranked r) -> r.score().total())
                .reversed()
                .thenComparing(r -> r.candidate().name()))
        .toList();
  }
}
