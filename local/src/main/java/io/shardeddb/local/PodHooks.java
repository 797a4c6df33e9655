package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/** What the local cluster adds to the pod runner: per-component env overrides and lost volumes. */
interface PodHooks {
  /** Env entries that replace the pod spec's for this component (e.g. the shared MariaDB URL). */
  Map<String, String> envOverrides(Pod pod, String component, String podIp);

  /**
   * Called before a pod's {@code component} starts (e.g. to apply the pod's MySQL parameters to the
   * shared MariaDB).
   */
  default void beforeStart(Pod pod, String component) {}

  /** Called when a pod is deleted with its volume: its stored data must be gone. */
  void wipeVolume(Pod pod);
}
