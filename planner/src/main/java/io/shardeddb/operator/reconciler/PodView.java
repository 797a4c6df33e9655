package io.shardeddb.operator.reconciler;

/**
 * What the planner needs to know about one shard pod, as plain values: its name, StatefulSet
 * ordinal, IP, readiness, restarts, whether it is being deleted, and the revision of the
 * StatefulSet template it was made from (null when unknown, as in the simulator). The operator
 * reads it from a Kubernetes pod ({@code ShardPod.of}); a simulator builds it directly.
 */
public record PodView(
    String name,
    int ordinal,
    String ip,
    boolean ready,
    boolean running,
    int restarts,
    boolean terminating,
    String revision) {

  /**
   * Whether {@code pod} was made from another template than the StatefulSet's {@code
   * updateRevision} (it waits to be rolled); false when either is unknown.
   */
  public static boolean outdated(PodView pod, String updateRevision) {
    return updateRevision != null
        && pod.revision() != null
        && !pod.revision().equals(updateRevision);
  }

  /** Whether the operator can talk to the pod's shard-server. */
  public boolean reachable() {
    return ip != null && !ip.isBlank() && running && !terminating;
  }
}
