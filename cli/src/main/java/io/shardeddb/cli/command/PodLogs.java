package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import io.fabric8.kubernetes.client.dsl.PrettyLoggable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading pods' logs, as {@code kubectl logs} does ({@code report} and {@code logs} share it), and
 * which pods are whose: a database's by its labels, the operator's by the Helm chart's.
 */
final class PodLogs {
  /** The label the chart puts on the operator's pods ({@code app.kubernetes.io/name}). */
  static final String OPERATOR_SELECTOR =
      io.shardeddb.api.Labels.NAME + "=" + io.shardeddb.api.Labels.OPERATOR;

  private PodLogs() {}

  /** The label selector of every pod of database {@code db} (its shards and its router). */
  static String databaseSelector(String db) {
    return io.shardeddb.api.Labels.NAME
        + "="
        + io.shardeddb.api.Labels.APP
        + ","
        + io.shardeddb.api.Labels.INSTANCE
        + "="
        + db;
  }

  /** The names of a pod's containers, init containers first. */
  static List<String> containers(Pod pod) {
    List<String> names = new ArrayList<>();
    if (pod.getSpec() != null) {
      if (pod.getSpec().getInitContainers() != null) {
        pod.getSpec().getInitContainers().stream().map(Container::getName).forEach(names::add);
      }
      if (pod.getSpec().getContainers() != null) {
        pod.getSpec().getContainers().stream().map(Container::getName).forEach(names::add);
      }
    }
    return names;
  }

  /** Whether {@code container} of the pod has restarted (so a previous instance has logs). */
  static boolean restarted(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return false;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName()))
        .map(ContainerStatus::getRestartCount)
        .anyMatch(n -> n != null && n > 0);
  }

  /**
   * The log lines of {@code container} of {@code pod} from the last {@code since} (all when null),
   * at most {@code limitBytes} (none when null); the previous instance's when {@code previous}.
   */
  static String read(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      Duration since,
      Integer limitBytes,
      boolean previous) {
    ContainerResource c = client.pods().inNamespace(namespace).withName(pod).inContainer(container);
    var bounded = previous ? c.terminated() : limitBytes == null ? c : c.limitBytes(limitBytes);
    PrettyLoggable l = since == null ? bounded : bounded.sinceSeconds(seconds(since));
    return l.getLog();
  }

  /**
   * Copies the log of {@code container} of {@code pod} to {@code out} line by line (flushed per
   * line): the last {@code since} (all when null), the last {@code tail} lines (all when null), and
   * with {@code follow} new lines until the container stops or the caller is interrupted.
   */
  static void copy(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      Duration since,
      Integer tail,
      boolean follow,
      java.io.PrintWriter out)
      throws java.io.IOException {
    ContainerResource c = client.pods().inNamespace(namespace).withName(pod).inContainer(container);
    io.fabric8.kubernetes.client.dsl.TailPrettyLoggable timed =
        since == null ? c : c.sinceSeconds(seconds(since));
    PrettyLoggable l = tail == null ? timed : timed.tailingLines(tail);
    if (!follow) {
      try (java.io.Reader r = l.getLogReader()) {
        lines(r, out);
      }
      return;
    }
    try (io.fabric8.kubernetes.client.dsl.LogWatch watch = l.watchLog()) {
      lines(
          new java.io.InputStreamReader(watch.getOutput(), java.nio.charset.StandardCharsets.UTF_8),
          out);
    }
  }

  private static void lines(java.io.Reader reader, java.io.PrintWriter out)
      throws java.io.IOException {
    java.io.BufferedReader r = new java.io.BufferedReader(reader);
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      out.println(line);
      out.flush();
    }
  }

  /** Whole seconds, at least 1 (the API takes seconds; 0 would mean "all"). */
  static int seconds(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toSeconds()));
  }
}
