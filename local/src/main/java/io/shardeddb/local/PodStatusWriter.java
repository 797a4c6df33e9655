package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.PodReadiness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's status writer: keeps a local pod's status (phase, IP, Ready condition, restarts)
 * and its pid annotation true in the API, writing only when something changed.
 */
final class PodStatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PodStatusWriter.class);

  private final KubernetesClient client;
  private final String namespace;

  PodStatusWriter(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Writes {@code pod}'s status as its process and the last probe ({@code ready}) say. */
  void write(Pod pod, PodProcess rt, boolean ready) {
    PodStatus old = pod.getStatus();
    boolean wasReady = PodReadiness.isReady(pod);
    String oldIp = old == null ? null : old.getPodIP();
    String pid = rt.pid().map(String::valueOf).orElse(null);
    if (wasReady == ready
        && rt.ip().equals(oldIp)
        && restarts(pod) == rt.restarts()
        && Objects.equals(pid, annotation(pod, LocalPodRunner.PID_ANNOTATION))) {
      return;
    }
    PodStatus status = status(pod, rt, ready, Instant.now().toString());
    // edit = a patch against the current object: annotations the local commands set meanwhile
    // (pause, partition, wipe) survive this status write.
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new LinkedHashMap<>());
              }
              p.getMetadata()
                  .getAnnotations()
                  .put(LocalPodRunner.PID_ANNOTATION, pid == null ? "" : pid);
              p.setStatus(status);
              return p;
            });
    if (wasReady != ready) {
      LOG.info("pod {} is {}", pod.getMetadata().getName(), ready ? "ready" : "not ready");
    }
  }

  private static PodStatus status(Pod pod, PodProcess rt, boolean ready, String now) {
    PodCondition readyCond =
        new PodConditionBuilder()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .withLastTransitionTime(now)
            .build();
    PodCondition containersReady =
        new PodConditionBuilder()
            .withType("ContainersReady")
            .withStatus(ready ? "True" : "False")
            .withLastTransitionTime(now)
            .build();
    List<ContainerStatus> cs = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      cs.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withReady(ready)
              .withStarted(true)
              .withRestartCount(rt.restarts())
              .withNewState()
              .withNewRunning()
              .withStartedAt(rt.startedAt().toString())
              .endRunning()
              .endState()
              .build());
    }
    return new PodStatusBuilder()
        .withPhase("Running")
        .withPodIP(rt.ip())
        .withHostIP("127.0.0.1")
        .withStartTime(rt.startedAt().toString())
        .withConditions(readyCond, containersReady)
        .withContainerStatuses(cs)
        .build();
  }

  private static int restarts(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return -1;
    }
    return p.getStatus().getContainerStatuses().stream()
        .mapToInt(c -> Objects.requireNonNullElse(c.getRestartCount(), 0))
        .max()
        .orElse(-1);
  }

  /** The pod's annotation {@code key}, or null. */
  static String annotation(Pod p, String key) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }
}
