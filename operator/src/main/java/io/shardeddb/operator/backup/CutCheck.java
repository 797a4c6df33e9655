package io.shardeddb.operator.backup;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether one attempt at a restore point made a consistent cut (DESIGN §9: "a restore point is
 * stored only when every shard's pause overlapped"), as a pure decision over what each shard
 * answered. Every shard is paused, then every shard resumed; a shard's pause held until its resume
 * ({@link Overlap#HELD}: the pause held, and a majority acknowledged the primary's epoch after the
 * resume) means no commit happened on that shard, by it or by a newer primary, between its cut and
 * the resume. If every shard's did, the moment the last cut was taken lies inside every pause, so
 * no write acknowledged after one shard's cut precedes another shard's cut: the cut is consistent
 * and is stored. Anything else — a lease that ran out, an epoch not confirmed, a pause refused or
 * unanswered, a resume unanswered — and the attempt is thrown away: retried, up to {@link
 * #MAX_ATTEMPTS}, then failed.
 */
final class CutCheck {
  /** Attempts at one restore point before it fails. */
  static final int MAX_ATTEMPTS = 5;

  private CutCheck() {}

  /** How a shard's pause ended. */
  enum Overlap {
    /** Paused, and the resume answered that the pause still held. */
    HELD,
    /** Paused, but the resume answered that the pause had lapsed (its lease ran out). */
    LAPSED,
    /**
     * Paused and held, but no majority confirmed the primary's epoch after the resume: a newer
     * primary may have committed meanwhile.
     */
    UNCONFIRMED,
    /** Paused, but the resume got no answer: whether the pause held is unknown. */
    UNKNOWN,
    /** The pause was refused or got no answer: the shard has no cut. */
    NOT_PAUSED
  }

  /** One shard's part in an attempt: its cut (null when it did not pause) and how it ended. */
  record PauseResult(String shard, Long lsn, Overlap overlap, String problem) {
    static PauseResult held(String shard, long lsn) {
      return new PauseResult(shard, lsn, Overlap.HELD, null);
    }

    static PauseResult lapsed(String shard, long lsn) {
      return new PauseResult(shard, lsn, Overlap.LAPSED, "its pause lapsed before the resume");
    }

    static PauseResult unconfirmed(String shard, long lsn) {
      return new PauseResult(
          shard,
          lsn,
          Overlap.UNCONFIRMED,
          "no majority confirmed its primary's epoch after the resume (it may have been replaced)");
    }

    static PauseResult unknown(String shard, long lsn, String problem) {
      return new PauseResult(shard, lsn, Overlap.UNKNOWN, "its resume got no answer: " + problem);
    }

    static PauseResult notPaused(String shard, String problem) {
      return new PauseResult(shard, null, Overlap.NOT_PAUSED, "it did not pause: " + problem);
    }
  }

  /** What to do with an attempt. */
  sealed interface Decision {}

  /** Every pause overlapped: store the point with these LSNs. */
  record Store(Map<String, Long> lsns) implements Decision {}

  /** Not a consistent cut: store nothing, try again. */
  record Retry(String reason) implements Decision {}

  /** Not a consistent cut, and no attempt is left: the restore point fails. */
  record Fail(String reason) implements Decision {}

  /** The decision on {@code attempt} (1-based) whose shards answered {@code results}. */
  static Decision decide(List<PauseResult> results, int attempt) {
    if (results.isEmpty()) {
      return new Fail("the database has no shard to cut");
    }
    List<PauseResult> broken = results.stream().filter(r -> r.overlap() != Overlap.HELD).toList();
    if (broken.isEmpty()) {
      Map<String, Long> lsns = new TreeMap<>();
      results.forEach(r -> lsns.put(r.shard(), r.lsn()));
      return new Store(lsns);
    }
    StringBuilder why = new StringBuilder("not a consistent cut: ");
    for (int i = 0; i < broken.size(); i++) {
      PauseResult r = broken.get(i);
      why.append(i == 0 ? "" : "; ").append("shard ").append(r.shard()).append(": ");
      why.append(r.problem());
    }
    if (attempt < MAX_ATTEMPTS) {
      return new Retry(
          why + " (attempt " + attempt + " of " + MAX_ATTEMPTS + "; nothing stored, retrying)");
    }
    return new Fail(why + " (after " + attempt + " attempts; nothing stored)");
  }
}
