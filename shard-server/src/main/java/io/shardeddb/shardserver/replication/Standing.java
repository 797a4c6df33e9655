package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.CopyProgress;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;

/**
 * A replica's standing against its primary: the state its catch-up reached, how far the primary's
 * log goes as last learned and when, the epoch its log was verified against (-1: not verified), and
 * a re-copy asked for or under way. Immutable; every transition returns a new standing.
 *
 * <p>{@code copyRequested}: a re-copy asked for ({@code POST /resync}) that has not begun yet —
 * reported as Copying from the moment it is asked for, so nobody (the operator's rebuild, the
 * primary's quorum) takes this replica for caught up in between; cleared when the copy begins or
 * the replica turns primary.
 */
record Standing(
    ReplicaState state,
    long primaryLsn,
    long verifiedEpoch,
    long lastPrimaryContactNanos,
    boolean copyRequested,
    CopyProgress copy) {

  static Standing initial(long nanos) {
    return new Standing(ReplicaState.CatchingUp, 0, -1, nanos, false, null);
  }

  /** Read back at start-up: catching up, whatever it was. */
  Standing restored() {
    return withState(ReplicaState.CatchingUp, copy);
  }

  /**
   * A role was assigned: not verified against anyone yet; a primary forgets a requested copy; how
   * far the primary's log goes is learned anew from this role's primary (a position kept from
   * before — this replica's own as a demoted primary, or an old primary's unacknowledged tail — may
   * be beyond where the new primary's log ends, and would keep this secondary CatchingUp until the
   * new primary happened to write past it).
   */
  Standing assigned(Role role, long appliedLsn) {
    boolean requested = role != Role.Primary && copyRequested;
    return new Standing(
        requested ? ReplicaState.Copying : ReplicaState.CatchingUp,
        role == Role.Primary ? appliedLsn : 0,
        -1,
        lastPrimaryContactNanos,
        requested,
        copy);
  }

  /** Fenced: the primary it measured itself against is gone. */
  Standing fenced() {
    return withPrimaryLsn(0);
  }

  Standing withPrimaryLsn(long lsn) {
    return new Standing(state, lsn, verifiedEpoch, lastPrimaryContactNanos, copyRequested, copy);
  }

  /** A re-copy began: no longer requested, not verified. */
  Standing copyBegun() {
    return new Standing(state, primaryLsn, -1, lastPrimaryContactNanos, false, copy);
  }

  /** A snapshot was loaded, verified for {@code forEpoch}. */
  Standing snapshotLoaded(long forEpoch) {
    return new Standing(state, primaryLsn, forEpoch, lastPrimaryContactNanos, copyRequested, null);
  }

  Standing verified(long forEpoch) {
    return new Standing(state, primaryLsn, forEpoch, lastPrimaryContactNanos, copyRequested, copy);
  }

  /** The log did not match the primary's: verify again; a Ready secondary catches up again. */
  Standing unverified(Role role) {
    ReplicaState s =
        role == Role.Secondary && state == ReplicaState.Ready ? ReplicaState.CatchingUp : state;
    return new Standing(s, primaryLsn, -1, lastPrimaryContactNanos, copyRequested, copy);
  }

  /** The primary said its log reaches {@code lsn}, at {@code nanos}. */
  Standing primaryReached(long lsn, long nanos) {
    return new Standing(
        state, Math.max(primaryLsn, lsn), verifiedEpoch, nanos, copyRequested, copy);
  }

  /** A re-copy was asked for: Copying from now on, until it begins. */
  Standing copyAsked() {
    return new Standing(
        ReplicaState.Copying, primaryLsn, verifiedEpoch, lastPrimaryContactNanos, true, copy);
  }

  /**
   * The catch-up reached {@code reached}; while a requested copy has not begun it still reports
   * Copying. Progress is kept only while {@code reached} is Copying.
   */
  Standing reached(ReplicaState reached) {
    return withState(
        copyRequested ? ReplicaState.Copying : reached,
        reached == ReplicaState.Copying ? copy : null);
  }

  /** A re-copy's progress. */
  Standing copying(CopyProgress progress) {
    return withState(ReplicaState.Copying, progress);
  }

  private Standing withState(ReplicaState s, CopyProgress progress) {
    return new Standing(
        s, primaryLsn, verifiedEpoch, lastPrimaryContactNanos, copyRequested, progress);
  }
}
