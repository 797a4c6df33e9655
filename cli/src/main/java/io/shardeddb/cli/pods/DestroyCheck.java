package io.shardeddb.cli.pods;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.recopy.RebuildGate;

/**
 * Pure: whether {@code destroy} may take a pod and its volume away (the operator then copies it
 * again from the primary). The primary is refused unless forced (a planned {@code promote} first
 * loses no time to a failover); any pod, forced or not, is refused when the other in-sync voting
 * replicas would not make the majority a write needs ({@link RebuildGate}, the rule of a rebuild).
 */
public final class DestroyCheck {
  private DestroyCheck() {}

  /** Why {@code pod} of {@code shard} may not be destroyed now, or null when it may. */
  public static String refusal(
      String database, ShardStatus shard, int voting, String pod, boolean force) {
    if (pod.equals(shard.primary()) && !force) {
      return pod
          + " is the primary of shard "
          + shard.id()
          + "; switch it over first (kubectl sdb promote "
          + database
          + " "
          + shard.id()
          + " POD), or --force to destroy it and let the operator fail over";
    }
    long inSyncOthers =
        shard.replicasOrEmpty().stream()
            .filter(r -> !r.pod().equals(pod))
            .filter(r -> voting(r.pod(), shard))
            .filter(r -> Boolean.TRUE.equals(r.ready()))
            .map(ReplicaStatus::pod)
            .count();
    return RebuildGate.refusal(shard.id(), pod, voting, inSyncOthers);
  }

  /**
   * Whether {@code pod} votes: every replica does unless the status names a voter count, and then
   * only ordinals below it (the others are learners still copying in).
   */
  static boolean voting(String pod, ShardStatus shard) {
    if (shard.voters() == null) {
      return true;
    }
    int dash = pod.lastIndexOf('-');
    try {
      return Integer.parseInt(pod.substring(dash + 1)) < shard.voters();
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
