package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.Labels;
import io.shardeddb.api.SecretKeys;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.cert.CaRotation;
import io.shardeddb.operator.cert.OperatorTls;
import io.shardeddb.operator.cert.TlsSecrets;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The observe step: the shard pods (from the informer), the credential and TLS context the operator
 * calls this database's shard-servers with — registered here, the one place, for exactly the pods
 * whose heartbeats {@link HeartbeatEventSource} polls with it — and every reachable shard-server's
 * heartbeat from that event source's cache (none older than its bound; the silent ones absent).
 */
final class ObserveStep {

  /** The annotation asking for a rotation of the database's CA (any value). */
  static final String ROTATE_CA = RequestStatus.Type.RotateCa.annotation();

  /**
   * What a pass sees: the shard pods by shard id, the heartbeats by pod name, and the database's
   * CAs this pass ({@link CaRotation}: stored, or decided until read back).
   */
  record Observed(
      Map<String, List<ShardPod>> podsByShard,
      Map<String, TimedHeartbeat> heartbeats,
      OperatorTls.CaPass tls) {

    /** The pods of shard {@code id}, none when it has none. */
    List<ShardPod> pods(String id) {
      return podsByShard.getOrDefault(id, List.of());
    }

    /** The heartbeats of {@code pods} that answered. */
    Map<String, TimedHeartbeat> heartbeatsOf(List<ShardPod> pods) {
      Map<String, TimedHeartbeat> out = new HashMap<>();
      pods.forEach(
          p -> Optional.ofNullable(heartbeats.get(p.name())).ifPresent(h -> out.put(p.name(), h)));
      return out;
    }
  }

  private final ShardServerClient shards;
  private final HeartbeatEventSource heartbeats;
  private final OperatorTls tls;
  private final KubernetesClient client;

  ObserveStep(
      ShardServerClient shards,
      HeartbeatEventSource heartbeats,
      OperatorTls tls,
      KubernetesClient client) {
    this.shards = shards;
    this.heartbeats = heartbeats;
    this.tls = tls;
    this.client = client;
  }

  Observed observe(ShardedDatabase sdb, Context<ShardedDatabase> context, Instant now) {
    Map<String, List<ShardPod>> podsByShard =
        context
            .getSecondaryResourcesAsStream(Pod.class)
            .map(ShardPod::of)
            .collect(
                Collectors.groupingBy(
                    p -> p.pod().getMetadata().getLabels().getOrDefault(Labels.SHARD, "")));
    Map<String, String> urls = new HashMap<>();
    podsByShard.values().stream()
        .flatMap(List::stream)
        .filter(ShardPod::reachable)
        .forEach(p -> urls.put(p.name(), p.url()));
    List<String> reachable = List.copyOf(urls.values());
    String database = sdb.getMetadata().getNamespace() + "/" + sdb.getMetadata().getName();
    shards.useCredential(database, reachable, shardCredential(sdb, context));
    // TLS (docs/security.md): the database's CAs this pass (stored, or decided until read back;
    // a rotation's step, CaRotation) and the operator's own certificate for calling its
    // shard-servers.
    Map<String, String> annotations = sdb.getMetadata().getAnnotations();
    OperatorTls.CaPass authority =
        tls.pass(
            sdb,
            context.getSecondaryResourcesAsStream(Secret.class).toList(),
            userCa(sdb, now),
            annotations != null && annotations.containsKey(ROTATE_CA),
            now);
    // Each call expects the pod it means: a reused IP answered by another pod is refused.
    Map<String, OperatorTls.PodName> expected = new HashMap<>();
    podsByShard.forEach(
        (shard, pods) ->
            pods.stream()
                .filter(ShardPod::reachable)
                .forEach(p -> expected.put(p.url(), new OperatorTls.PodName(p.name(), shard))));
    tls.expect(sdb, expected);
    shards.useTls(database, reachable, tls.clientContext(sdb, authority.authorities(), now));
    // Polled from now on with the context just registered; read from the cache.
    return new Observed(
        podsByShard, heartbeats.heartbeats(ResourceID.fromResource(sdb), urls, now), authority);
  }

  /**
   * The CA of the user's Secret named by spec.tls.caSecret, read through the API (it is not one of
   * the operator's Secrets), or null when none is named.
   */
  private CaRotation.UserCa userCa(ShardedDatabase sdb, Instant now) {
    String name = ShardedDatabaseResources.spec(sdb).tlsOrDefault().caSecret();
    if (name == null || name.isBlank()) {
      return null;
    }
    try {
      return TlsSecrets.userCa(
          name,
          client.secrets().inNamespace(sdb.getMetadata().getNamespace()).withName(name).get(),
          now);
    } catch (KubernetesClientException e) {
      return CaRotation.UserCa.unusable(name, "cannot be read: " + e.getMessage());
    }
  }

  /**
   * The shard credential the operator sends (key {@code token} of the database's shard-auth Secret,
   * from the informer cache), or null before the Secret exists.
   */
  private static String shardCredential(ShardedDatabase sdb, Context<ShardedDatabase> context) {
    String name = ShardedDatabaseResources.shardAuthSecretName(sdb.getMetadata().getName());
    return context
        .getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .map(Secret::getData)
        .filter(data -> data != null && data.get(SecretKeys.TOKEN) != null)
        .map(
            data ->
                new String(
                        Base64.getDecoder().decode(data.get(SecretKeys.TOKEN)),
                        StandardCharsets.UTF_8)
                    .trim())
        .findFirst()
        .orElse(null);
  }
}
