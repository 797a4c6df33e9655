package io.shardeddb.api;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The one rule for "this pod is ready": its {@code Ready} condition is {@code True}. The operator's
 * PodView and local mode's runner and cluster all read readiness through it.
 */
public final class PodReadiness {

  private PodReadiness() {}

  /** Whether the pod reports condition Ready=True. */
  public static boolean isReady(Pod pod) {
    var status = pod.getStatus();
    return status != null
        && status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
