package io.shardeddb.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Plays the parts of Kubernetes the CRUD mock server does not run: creates a StatefulSet's pods
 * (each with its own fake shard-server address) and their volume claims, flips their readiness,
 * reports the router Deployment ready, adds nodes, and collects a deleted StatefulSet's pods.
 */
public final class ClusterSimulator {

  /** The node every simulated pod runs on. */
  public static final String NODE = "node-a";

  private final KubernetesClient client;
  private final FakeShardFleet fleet;
  private final String namespace;

  /** Simulates in {@code namespace} of {@code client}'s mock server. */
  public ClusterSimulator(KubernetesClient client, FakeShardFleet fleet, String namespace) {
    this.client = client;
    this.fleet = fleet;
    this.namespace = namespace;
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .createOr(r -> r.update());
  }

  /** Creates the pods of the StatefulSet {@code name}: running, with an IP, not yet ready. */
  public List<String> startPods(String statefulSet) {
    StatefulSet sts =
        client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).get();
    int replicas = sts.getSpec().getReplicas();
    for (int i = 0; i < replicas; i++) {
      String name = statefulSet + "-" + i;
      if (client.pods().inNamespace(namespace).withName(name).get() == null) {
        client.pods().inNamespace(namespace).resource(pod(sts, name, false)).create();
      }
    }
    return java.util.stream.IntStream.range(0, replicas)
        .mapToObj(i -> statefulSet + "-" + i)
        .toList();
  }

  /**
   * Creates the claims the StatefulSet controller makes for each pod of {@code statefulSet} from
   * its volume claim templates: named {@code <template>-<pod>}, labelled with the template's labels
   * and the StatefulSet's selector (as Kubernetes does), bound.
   */
  public List<String> createClaims(String statefulSet) {
    StatefulSet sts =
        client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).get();
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
      for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        if (template.getMetadata().getLabels() != null) {
          labels.putAll(template.getMetadata().getLabels());
        }
        labels.putAll(sts.getSpec().getSelector().getMatchLabels());
        String name = template.getMetadata().getName() + "-" + statefulSet + "-" + i;
        client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .endMetadata()
                    .withSpec(template.getSpec())
                    .withNewStatus()
                    .withPhase("Bound")
                    .endStatus()
                    .build())
            .createOr(c -> c.update());
        names.add(name);
      }
    }
    return names;
  }

  /**
   * Deletes the pods of {@code statefulSet} ({@code <name>-<ordinal>}), as the garbage collector
   * does once the StatefulSet is gone (the mock server has none).
   */
  public void collectPodsOf(String statefulSet) {
    client.pods().inNamespace(namespace).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .filter(n -> n.matches(java.util.regex.Pattern.quote(statefulSet) + "-[0-9]+"))
        .forEach(n -> client.pods().inNamespace(namespace).withName(n).delete());
  }

  /** Sets a pod's Ready condition. */
  public void setReady(String pod, boolean ready) {
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    Pod updated =
        new PodBuilder(current)
            .editStatus()
            .withConditions(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus(ready ? "True" : "False")
                    .build())
            .endStatus()
            .build();
    client.pods().inNamespace(namespace).resource(updated).update();
  }

  /** Sets a pod's IP, as when the pod was recreated elsewhere. */
  public void setPodIp(String pod, String ip) {
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    Pod updated = new PodBuilder(current).editStatus().withPodIP(ip).endStatus().build();
    client.pods().inNamespace(namespace).resource(updated).update();
  }

  /** Moves a pod onto a node that does not exist (its node was removed) and marks it unready. */
  public void strandOnVanishedNode(String pod) {
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    Pod updated =
        new PodBuilder(current)
            .editSpec()
            .withNodeName("vanished-node")
            .endSpec()
            .editStatus()
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
            .endStatus()
            .build();
    client.pods().inNamespace(namespace).resource(updated).update();
  }

  /** Makes a pod's shard-server container crash-loop with this many restarts. */
  public void crashLoop(String pod, int restarts) {
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    Pod updated =
        new PodBuilder(current)
            .editStatus()
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("shard-server")
                    .withRestartCount(restarts)
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CrashLoopBackOff")
                    .endWaiting()
                    .endState()
                    .build())
            .endStatus()
            .build();
    client.pods().inNamespace(namespace).resource(updated).update();
  }

  /** Reports {@code ready} router pods on the router Deployment. */
  public void routerReady(String deployment, int ready) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
    d.setStatus(
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
            .withReadyReplicas(ready)
            .withReplicas(ready)
            .build());
    client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
  }

  /** Every shard pod of every StatefulSet ready. */
  public void allReady(List<String> pods) {
    pods.forEach(p -> setReady(p, true));
  }

  private Pod pod(StatefulSet sts, String name, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels())
        .endMetadata()
        .withSpec(sts.getSpec().getTemplate().getSpec())
        .editSpec()
        .withNodeName(NODE)
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(fleet.ipFor(name))
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .endStatus()
        .build();
  }
}
