package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.cert.TlsPods;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One shard pod as the operator observed it: the planner's {@link PodView} (plain values, in
 * planner/) and the Kubernetes pod it was read from, which the operator still needs to delete the
 * pod, find its node, or see whether it serves TLS. The conversion from fabric8 lives here so the
 * planner never sees a fabric8 type.
 */
public record ShardPod(PodView view, Pod pod) {

  /** The label a StatefulSet puts on its pods: the revision of the template each was made from. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  /** Reads a pod. */
  public static ShardPod of(Pod pod) {
    String name = pod.getMetadata().getName();
    int dash = name.lastIndexOf('-');
    int ordinal;
    try {
      ordinal = Integer.parseInt(name.substring(dash + 1));
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    var status = pod.getStatus();
    int restarts =
        status == null || status.getContainerStatuses() == null
            ? 0
            : status.getContainerStatuses().stream()
                .map(ContainerStatus::getRestartCount)
                .filter(r -> r != null)
                .mapToInt(Integer::intValue)
                .sum();
    var labels = pod.getMetadata().getLabels();
    return new ShardPod(
        new PodView(
            name,
            ordinal,
            status == null ? null : status.getPodIP(),
            PodReadiness.isReady(pod),
            status != null && "Running".equals(status.getPhase()),
            restarts,
            pod.getMetadata().getDeletionTimestamp() != null,
            labels == null ? null : labels.get(REVISION_LABEL)),
        pod);
  }

  /** The pod's name. */
  public String name() {
    return view.name();
  }

  /** Its StatefulSet ordinal, -1 when the name has none. */
  public int ordinal() {
    return view.ordinal();
  }

  /** Whether the pod is Ready. */
  public boolean ready() {
    return view.ready();
  }

  /** Whether the pod's phase is Running. */
  public boolean running() {
    return view.running();
  }

  /** Whether the pod is being deleted. */
  public boolean terminating() {
    return view.terminating();
  }

  /** Whether the operator can talk to the pod's shard-server. */
  public boolean reachable() {
    return view.reachable();
  }

  /** The shard-server base URL, or null without an IP. */
  public String url() {
    String ip = view.ip();
    return ip == null || ip.isBlank()
        ? null
        : ShardedDatabaseResources.shardServerUrl(ip, TlsPods.speaksTls(pod));
  }

  /** How long the pod has run at {@code now}; zero when its start time is unknown. */
  public Duration uptime(Instant now) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getStartTime() == null) {
      return Duration.ZERO;
    }
    try {
      Duration d = Duration.between(Instant.parse(pod.getStatus().getStartTime()), now);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return Duration.ZERO;
    }
  }
}
