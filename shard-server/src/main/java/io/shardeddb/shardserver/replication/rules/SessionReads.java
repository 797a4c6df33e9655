package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.shard.LogPosition;

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

  /**
   * The shard's session floor {@code floor} (the log position of the adopt that last gave it
   * points, as the router's layout publishes it): a replica serves a session read only when in sync
   * and its last entry {@code last} is at or after the floor, ordered as elections order logs
   * (epoch, then LSN). A later epoch's entry means the log holds the adopt (leader completeness:
   * the adopt was acknowledged by a quorum before it was published; log matching: an entry's log
   * holds every entry before it), as does a same-epoch entry at or past its LSN. No entry is looked
   * up, so a trimmed log or a re-copy answers the same. Without it, a replica cut off while a range
   * moved away and back owns the range by its older log and answers it without the writes made on
   * the other shard meanwhile.
   */
  public static Session floor(boolean inSync, LogPosition last, LogPosition floor) {
    if (!inSync) {
      return Session.NOT_IN_SYNC;
    }
    return last.compareTo(floor) >= 0 ? Session.SERVE : Session.NOT_YET;
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
