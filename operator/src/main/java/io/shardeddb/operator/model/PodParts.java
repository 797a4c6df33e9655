package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.LocalObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.shardeddb.api.ShardedDatabaseResources;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pieces every pod the operator builds is made of (metadata, probes, memory sizing), shared by
 * the shard and router models; their environment comes from {@link SettingsTable}. Pure builders.
 */
final class PodParts {
  private PodParts() {}

  /** Heap from the container's memory limit; the rest is metaspace, threads and buffers. */
  static final String JVM_OPTIONS = "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError";

  /**
   * The same resources with the memory request equal to the limit (whichever is given): memory is
   * never overcommitted, so the pod is not the first evicted under node pressure and the JVM's
   * heap, sized from the limit, is memory the node really reserved.
   */
  static ResourceRequirements guaranteedMemory(ResourceRequirements r) {
    Quantity memory =
        r.getLimits() != null && r.getLimits().get("memory") != null
            ? r.getLimits().get("memory")
            : r.getRequests() == null ? null : r.getRequests().get("memory");
    if (memory == null) {
      return r;
    }
    Map<String, Quantity> requests =
        new LinkedHashMap<>(r.getRequests() == null ? Map.of() : r.getRequests());
    Map<String, Quantity> limits =
        new LinkedHashMap<>(r.getLimits() == null ? Map.of() : r.getLimits());
    requests.put("memory", memory);
    limits.put("memory", memory);
    return new ResourceRequirementsBuilder(r).withRequests(requests).withLimits(limits).build();
  }

  /** The memory limit in MiB, when there is one. */
  static Optional<Long> memoryLimitMib(ResourceRequirements r) {
    if (r.getLimits() == null || r.getLimits().get("memory") == null) {
      return Optional.empty();
    }
    BigDecimal bytes = Quantity.getAmountInBytes(r.getLimits().get("memory"));
    return Optional.of(bytes.divide(BigDecimal.valueOf(1024L * 1024L)).longValue());
  }

  static ObjectMeta meta(DatabaseModel db, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(db.namespace())
        .withLabels(labels)
        .build();
  }

  /**
   * {@link #meta} with the digest of the user's {@code settings} as an annotation (none when null),
   * so that removing the last setting is still a difference the dependent writes.
   */
  static ObjectMeta meta(
      DatabaseModel db, String name, Map<String, String> labels, Object settings) {
    ObjectMeta meta = meta(db, name, labels);
    if (settings != null) {
      meta.setAnnotations(PodSettings.withDigest(Map.of(), settings));
    }
    return meta;
  }

  /**
   * The management port (health and metrics, plain HTTP): every probe below asks there, so the
   * kubelet needs no credential and no certificate, and the API port serves neither.
   */
  /** The Secrets a database's pods pull their images with (spec.images, else the operator's). */
  static List<LocalObjectReference> pullSecrets(DatabaseModel db) {
    return db.images().pullSecrets().stream()
        .map(n -> new LocalObjectReferenceBuilder().withName(n).build())
        .toList();
  }

  static ContainerPort managementPort() {
    return new ContainerPortBuilder()
        .withName(ShardedDatabaseResources.MANAGEMENT_PORT_NAME)
        .withContainerPort(ShardedDatabaseResources.MANAGEMENT_PORT)
        .build();
  }

  static final String METRICS_AUTH_VOLUME = "metrics-auth";

  /**
   * The scrape credential Secret as files ({@code <db>-metrics}), in shard-server and router
   * containers: {@code /prometheus} takes it; the kubelet updates the files when the Secret is
   * edited, which is how a rotation reaches running pods. Readable by the pod's group only.
   */
  static Volume metricsAuthVolume(DatabaseModel db) {
    return new VolumeBuilder()
        .withName(METRICS_AUTH_VOLUME)
        .withNewSecret()
        .withSecretName(ShardedDatabaseResources.metricsAuthSecretName(db.name()))
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** Where a container finds the scrape credential files (read-only). */
  static VolumeMount metricsAuthMount() {
    return new VolumeMountBuilder()
        .withName(METRICS_AUTH_VOLUME)
        .withMountPath(ShardedDatabaseResources.METRICS_AUTH_MOUNT)
        .withReadOnly(true)
        .build();
  }

  static Probe httpProbe(String path, int initialDelay, int period) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(ShardedDatabaseResources.MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .withFailureThreshold(3)
        .build();
  }

  /**
   * Gives a JVM service up to five minutes to start listening before liveness judges it: on a busy
   * node (seven JVMs starting at once on two cores) start-up took over 50 s, and a liveness probe
   * with a fixed initial delay killed the services while they started, again and again.
   */
  static Probe startupProbe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(ShardedDatabaseResources.MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withTimeoutSeconds(5)
        .withFailureThreshold(60)
        .build();
  }

  /**
   * Liveness once started: a process answering slowly under load is not dead (a restart of a
   * primary costs a failover), so each check may take 5 s and three in a row must fail.
   */
  static Probe livenessProbe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(ShardedDatabaseResources.MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(10)
        .withTimeoutSeconds(5)
        .withFailureThreshold(3)
        .build();
  }

  /** A shell command probe; the kubelet kills it at {@code timeoutSeconds} and counts a failure. */
  static Probe execProbe(String script, int period, int timeout, int failureThreshold) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("sh", "-c", script)
        .endExec()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(timeout)
        .withFailureThreshold(failureThreshold)
        .build();
  }
}
