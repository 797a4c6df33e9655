package io.shardeddb.operator.storage;

/**
 * Pure: whether a shard pod waits for a claim that never comes back. When a pod and its
 * PersistentVolumeClaim are deleted together (a rolling rebuild onto new volumes, {@code kubectl
 * sdb destroy}), the StatefulSet may re-create the pod while the old claim is still terminating
 * (pvc-protection lets it go only once the pod is gone): the StatefulSet then creates no new claim,
 * and the pod stays Pending on the old one for good. Deleting such a pod again (it holds no data)
 * has the StatefulSet create both anew. The real-cluster tier saw it (2026-11-24, 2026-11-25).
 */
public final class StrandedPod {
  private StrandedPod() {}

  /**
   * Whether a pod that is not terminating waits for its claim in vain: it is not running and the
   * claim is gone or being deleted.
   */
  public static boolean waitsForAGoneClaim(
      boolean podRunning, boolean claimPresent, boolean claimDeleting) {
    return !podRunning && (!claimPresent || claimDeleting);
  }
}
