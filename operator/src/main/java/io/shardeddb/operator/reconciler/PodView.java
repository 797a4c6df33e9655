package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.cert.TlsPods;

/** What the operator needs to know about one shard pod. */
public record PodView(
    String name,
    int ordinal,
    String ip,
    boolean ready,
    boolean running,
    int restarts,
    boolean terminating,
    Pod pod) {

  /** Reads a pod. */
  public static PodView of(Pod pod) {
    String name = pod.getMetadata().getName();
    int dash = name.lastIndexOf('-');
    int ordinal;
    try {
      ordinal = Integer.parseInt(name.substring(dash + 1));
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    var status = pod.getStatus();
    boolean ready = PodReadiness.isReady(pod);
    int restarts =
        status == null || status.getContainerStatuses() == null
            ? 0
            : status.getContainerStatuses().stream()
                .map(ContainerStatus::getRestartCount)
                .filter(r -> r != null)
                .mapToInt(Integer::intValue)
                .sum();
    return new PodView(
        name,
        ordinal,
        status == null ? null : status.getPodIP(),
        ready,
        status != null && "Running".equals(status.getPhase()),
        restarts,
        pod.getMetadata().getDeletionTimestamp() != null,
        pod);
  }

  /** The label a StatefulSet puts on its pods: the revision of the template each was made from. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  /**
   * Whether {@code pod} was made from another template than the StatefulSet's {@code
   * updateRevision} (it waits to be rolled); false when either is unknown.
   */
  public static boolean outdated(PodView pod, String updateRevision) {
    if (updateRevision == null || pod.pod().getMetadata().getLabels() == null) {
      return false;
    }
    String revision = pod.pod().getMetadata().getLabels().get(REVISION_LABEL);
    return revision != null && !revision.equals(updateRevision);
  }

  /** Whether the operator can talk to the pod's shard-server. */
  public boolean reachable() {
    return ip != null && !ip.isBlank() && running && !terminating;
  }

  /** The shard-server base URL, or null without an IP. */
  public String url() {
    return ip == null || ip.isBlank()
        ? null
        : ShardedDatabaseResources.shardServerUrl(ip, TlsPods.speaksTls(pod));
  }
}
