package io.shardeddb.shardserver.replication.rules;

/**
 * Rule 9, sessions: a read carrying the session's {@code (minEpoch, minLsn)} is served by a replica
 * only if it is in sync with the current primary and its log holds that very entry (same LSN, same
 * epoch): LSNs alone can be reused by an old primary's unacknowledged tail.
 */
public final class SessionReads {
  private SessionReads() {}

  /** The outcome. */
  public enum Session {
    SERVE,
    /** Not (yet) applied here: wait a little, then 409. */
    NOT_YET,
    /** Copying, unverified in this epoch, or not Ready: 409. */
    NOT_IN_SYNC,
    /** The entry at minLsn here has another epoch: this replica holds another history; 409. */
    OTHER_HISTORY,
    /** The entry is no longer in the log here (trimmed or below a snapshot); 409. */
    CANNOT_VERIFY
  }

  /** {@code epochAtMinLsn} is {@link LogMatching#NOT_HELD} when the log no longer holds it. */
  public static Session decide(
      boolean inSync, long appliedLsn, long minEpoch, long minLsn, long epochAtMinLsn) {
    if (!inSync) {
      return Session.NOT_IN_SYNC;
    }
    if (appliedLsn < minLsn) {
      return Session.NOT_YET;
    }
    if (minLsn <= 0) {
      return Session.SERVE;
    }
    if (epochAtMinLsn == LogMatching.NOT_HELD) {
      return Session.CANNOT_VERIFY;
    }
    return epochAtMinLsn == minEpoch ? Session.SERVE : Session.OTHER_HISTORY;
  }
}
