package io.shardeddb.operator.replacement;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides whether a shard pod must be replaced so its StatefulSet recreates it: a container
 * crash-looping past the restart threshold, or a pod on a node that has been NotReady past the
 * timeout, is deleted; deletion is forced only once the node object is gone, because only then is
 * it certain the old pod no longer runs.
 */
public final class PodReplacementPolicy {

  /**
   * Decides for {@code pod}.
   *
   * @param node the pod's node; empty when the pod is scheduled on a node that no longer exists
   *     (ignored for pods not yet scheduled)
   */
  public ReplacementDecision decide(
      Pod pod, Optional<Node> node, Instant now, int crashLoopRestarts, Duration nodeNotReady) {
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (nodeName != null && node.isEmpty()) {
      return new ReplacementDecision(
          ReplacementDecision.Action.FORCE_DELETE, "its node " + nodeName + " is gone");
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return ReplacementDecision.KEEP;
    }
    Optional<ContainerStatus> crashLooping = crashLooping(pod, crashLoopRestarts);
    if (crashLooping.isPresent()) {
      return new ReplacementDecision(
          ReplacementDecision.Action.DELETE,
          "container "
              + crashLooping.get().getName()
              + " is crash-looping ("
              + crashLooping.get().getRestartCount()
              + " restarts)");
    }
    if (node.isPresent()) {
      Optional<Instant> notReadySince = notReadySince(node.get());
      if (notReadySince.isPresent() && !notReadySince.get().plus(nodeNotReady).isAfter(now)) {
        return new ReplacementDecision(
            ReplacementDecision.Action.DELETE,
            "its node "
                + nodeName
                + " has been NotReady for "
                + Duration.between(notReadySince.get(), now).toSeconds()
                + "s");
      }
    }
    return ReplacementDecision.KEEP;
  }

  private static Optional<ContainerStatus> crashLooping(Pod pod, int threshold) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> c.getRestartCount() != null && c.getRestartCount() >= threshold)
        .filter(
            c ->
                c.getState() != null
                    && c.getState().getWaiting() != null
                    && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason()))
        .findFirst();
  }

  /** When the node's Ready condition turned not-True, if it is not True now. */
  private static Optional<Instant> notReadySince(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if ("Ready".equals(c.getType()) && !"True".equals(c.getStatus())) {
        return Optional.ofNullable(c.getLastTransitionTime()).map(Instant::parse);
      }
    }
    return Optional.empty();
  }
}
