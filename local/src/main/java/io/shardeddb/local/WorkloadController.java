package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StatefulSet and Deployment controllers and the garbage collector of local mode: creates the
 * pods a workload asks for, deletes the pods of a workload that scaled down or is gone, deletes
 * workloads whose ShardedDatabase is gone, and reports each workload's replicas and ready replicas.
 */
final class WorkloadController {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadController.class);

  /**
   * One workload: its pods are {@code podPrefix + i} for i below {@code replicas}; {@code
   * subdomain} is the StatefulSet's own name (stable pod hostnames), null for a Deployment.
   */
  record Workload(
      HasMetadata owner,
      PodTemplateSpec template,
      int replicas,
      String podPrefix,
      String subdomain) {

    static Workload of(StatefulSet s) {
      String name = s.getMetadata().getName();
      return new Workload(
          s, s.getSpec().getTemplate(), replicas(s.getSpec().getReplicas()), name + "-", name);
    }

    static Workload of(Deployment d) {
      return new Workload(
          d,
          d.getSpec().getTemplate(),
          replicas(d.getSpec().getReplicas()),
          d.getMetadata().getName() + "-local-",
          null);
    }

    /** The names of the pods this workload wants. */
    List<String> podNames() {
      return IntStream.range(0, replicas).mapToObj(i -> podPrefix + i).toList();
    }

    private static int replicas(Integer replicas) {
      return Objects.requireNonNullElse(replicas, 1);
    }
  }

  private final KubernetesClient client;
  private final String namespace;

  WorkloadController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Every StatefulSet and Deployment in the namespace. */
  List<Workload> list() {
    List<Workload> out = new ArrayList<>();
    client.apps().statefulSets().inNamespace(namespace).list().getItems().stream()
        .map(Workload::of)
        .forEach(out::add);
    client.apps().deployments().inNamespace(namespace).list().getItems().stream()
        .map(Workload::of)
        .forEach(out::add);
    return out;
  }

  /**
   * The garbage collector's part that matters here: workloads whose owning ShardedDatabase is gone
   * are deleted (their pods follow on the next tick). Returns the workloads that remain.
   */
  List<Workload> collectOrphans(List<Workload> workloads) {
    Set<String> owners = new HashSet<>();
    client
        .resources(ShardedDatabase.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(db -> owners.add(db.getMetadata().getUid()));
    List<Workload> kept = new ArrayList<>();
    for (Workload w : workloads) {
      List<OwnerReference> refs = w.owner().getMetadata().getOwnerReferences();
      boolean orphan =
          refs != null
              && !refs.isEmpty()
              && refs.stream()
                  .allMatch(
                      r ->
                          ShardedDatabase.KIND.equals(r.getKind()) && !owners.contains(r.getUid()));
      if (orphan) {
        LOG.info(
            "{} {} lost its owner: deleting it",
            w.owner().getKind(),
            w.owner().getMetadata().getName());
        client.resource(w.owner()).inNamespace(namespace).delete();
      } else {
        kept.add(w);
      }
    }
    return kept;
  }

  /** Creates the wanted pods that do not exist; returns the names of all wanted pods. */
  Set<String> createMissingPods(List<Workload> workloads, Map<String, Pod> existing) {
    Set<String> wanted = new HashSet<>();
    for (Workload w : workloads) {
      for (String name : w.podNames()) {
        wanted.add(name);
        if (!existing.containsKey(name)) {
          createPod(name, w);
        }
      }
    }
    return wanted;
  }

  /** Deletes the pods of a workload that no longer wants them; the runner then stops them. */
  void deleteUnwanted(List<Pod> pods, Set<String> wanted) {
    for (Pod p : pods) {
      if (isOwnedByWorkload(p) && !wanted.contains(p.getMetadata().getName())) {
        client.pods().inNamespace(namespace).resource(p).delete();
      }
    }
  }

  /**
   * What a workload's status says: replicas, ready replicas, the generation it describes, and (a
   * StatefulSet) the revision of its current template.
   */
  private record Reported(
      Integer replicas, Integer ready, Long observedGeneration, String updateRevision) {}

  /** The label a StatefulSet puts on each pod: the revision of the template it was made from. */
  static final String REVISION_LABEL = "controller-revision-hash";

  /**
   * A template's revision, as a StatefulSet names it ({@code <name>-<hash>}): equal templates,
   * equal revisions. Pods keep the revision they were made from; with the {@code OnDelete} update
   * strategy (all local mode implements) a pod moves to a new template only when deleted.
   */
  static String revision(Workload w) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  io.fabric8.kubernetes.client.utils.Serialization.asJson(w.template())
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return w.owner().getMetadata().getName()
          + "-"
          + java.util.HexFormat.of().formatHex(digest, 0, 5);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reports the workload's replicas and how many of its pods {@code ready} accepts; writes only
   * when that differs from what its status already says.
   */
  void writeStatus(Workload w, Predicate<String> ready) {
    int replicas = w.replicas();
    int readyCount = (int) w.podNames().stream().filter(ready).count();
    Long generation = w.owner().getMetadata().getGeneration();
    if (w.owner() instanceof StatefulSet s) {
      String revision = revision(w);
      Reported wanted = new Reported(replicas, readyCount, generation, revision);
      var st = s.getStatus();
      if (st == null
          || !wanted.equals(
              new Reported(
                  st.getReplicas(),
                  st.getReadyReplicas(),
                  st.getObservedGeneration(),
                  st.getUpdateRevision()))) {
        s.setStatus(
            new StatefulSetStatusBuilder()
                .withReplicas(replicas)
                .withReadyReplicas(readyCount)
                .withAvailableReplicas(readyCount)
                .withCurrentReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withUpdateRevision(revision)
                .withObservedGeneration(generation)
                .build());
        client.apps().statefulSets().inNamespace(namespace).resource(s).updateStatus();
      }
    } else if (w.owner() instanceof Deployment d) {
      Reported wanted = new Reported(replicas, readyCount, generation, null);
      var st = d.getStatus();
      if (st == null
          || !wanted.equals(
              new Reported(
                  st.getReplicas(), st.getReadyReplicas(), st.getObservedGeneration(), null))) {
        d.setStatus(
            new DeploymentStatusBuilder()
                .withReplicas(replicas)
                .withReadyReplicas(readyCount)
                .withAvailableReplicas(readyCount)
                .withUpdatedReplicas(replicas)
                .withObservedGeneration(generation)
                .build());
        client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
      }
    }
  }

  private void createPod(String name, Workload w) {
    HasMetadata owner = w.owner();
    OwnerReference ref =
        new OwnerReferenceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getMetadata().getName())
            .withUid(owner.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    PodTemplateSpec template = w.template();
    ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (tm.getLabels() != null) {
      labels.putAll(tm.getLabels());
    }
    String subdomain = w.subdomain();
    if (subdomain != null) {
      labels.put("statefulset.kubernetes.io/pod-name", name);
      labels.put(REVISION_LABEL, revision(w));
    }
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .withAnnotations(tm.getAnnotations())
            .withOwnerReferences(ref)
            .endMetadata()
            .withSpec(template.getSpec())
            .editSpec()
            .withNodeName(LocalPodRunner.NODE_NAME)
            .withHostname(subdomain == null ? null : name)
            .withSubdomain(subdomain)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    try {
      client.pods().inNamespace(namespace).resource(pod).create();
      LOG.info("created pod {}", name);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static boolean isOwnedByWorkload(Pod p) {
    List<OwnerReference> refs = p.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream()
            .anyMatch(r -> "StatefulSet".equals(r.getKind()) || "Deployment".equals(r.getKind()));
  }
}
