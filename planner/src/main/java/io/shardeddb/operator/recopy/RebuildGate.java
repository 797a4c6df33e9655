package io.shardeddb.operator.recopy;

import io.shardeddb.protocol.failover.FailoverPlanner;

/**
 * Pure, the one rule for taking a replica's data away to copy it again (a {@code
 * shardeddb.io/rebuild} request, {@code reconciler.ShardRequests#rebuild}, and a rolling rebuild
 * onto larger volumes, {@code storage.VolumeResizePlanner#rebuildStep}): the other voting replicas
 * that hold the current history (the primary and caught-up secondaries of its epoch) must still
 * make the majority a write needs. Below it writes would stop, and the shard's acknowledged writes
 * would rest on fewer copies than the quorum promises.
 */
public final class RebuildGate {

  private RebuildGate() {}

  /**
   * Why {@code pod} may not be re-copied now, or null when it may: {@code inSyncOthers} of the
   * shard's {@code voting} replicas other than {@code pod} hold the current history.
   */
  public static String refusal(String shard, String pod, int voting, long inSyncOthers) {
    int needed = FailoverPlanner.majority(voting);
    if (inSyncOthers >= needed) {
      return null;
    }
    return "rebuilding "
        + pod
        + " would leave "
        + inSyncOthers
        + " of "
        + voting
        + " voting replicas of shard "
        + shard
        + " in sync, fewer than the "
        + needed
        + " a write needs";
  }
}
