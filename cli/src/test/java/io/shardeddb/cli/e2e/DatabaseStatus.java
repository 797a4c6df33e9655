package io.shardeddb.cli.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a ShardedDatabase's status from the API as the router would (by JSON path). */
final class DatabaseStatus {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  DatabaseStatus(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  GenericKubernetesResource resource() {
    return client
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  Map<String, Object> status() {
    GenericKubernetesResource r = resource();
    return r == null ? Map.of() : asMap(r.getAdditionalProperties().get("status"));
  }

  boolean isReady() {
    GenericKubernetesResource r = resource();
    if (r == null) {
      return false;
    }
    Map<String, Object> st = asMap(r.getAdditionalProperties().get("status"));
    Object observed = st.get("observedGeneration");
    boolean current =
        observed != null && ((Number) observed).longValue() >= r.getMetadata().getGeneration();
    return current
        && asList(st.get("conditions")).stream()
            .map(DatabaseStatus::asMap)
            .anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
  }

  Optional<Map<String, Object>> shard(String id) {
    return asList(status().get("shards")).stream()
        .map(DatabaseStatus::asMap)
        .filter(s -> id.equals(s.get("id")))
        .findFirst();
  }

  long epoch(String shard) {
    return shard(shard).map(s -> ((Number) s.get("epoch")).longValue()).orElse(0L);
  }

  String primary(String shard) {
    return shard(shard).map(s -> (String) s.get("primary")).orElse(null);
  }

  Optional<Map<String, Object>> replica(String shard, String pod) {
    return shard(shard).stream()
        .flatMap(s -> asList(s.get("replicas")).stream())
        .map(DatabaseStatus::asMap)
        .filter(r -> pod.equals(r.get("pod")))
        .findFirst();
  }

  List<Map<String, Object>> replicas(String shard) {
    return shard(shard).stream()
        .flatMap(s -> asList(s.get("replicas")).stream())
        .map(DatabaseStatus::asMap)
        .toList();
  }

  /** The ids of the shards of the layout the operator published ({@code status.applied}). */
  List<String> publishedShards() {
    return asList(asMap(status().get("applied")).get("shards")).stream()
        .map(s -> String.valueOf(asMap(s).get("id")))
        .toList();
  }

  /** Replaces {@code spec.shards} with {@code shards} (a split, a merge: a JSON patch). */
  void patchShards(List<Map<String, Object>> shards) {
    client
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            io.fabric8.kubernetes.client.utils.Serialization.asJson(
                List.of(Map.of("op", "replace", "path", "/spec/shards", "value", shards))));
  }

  /** One entry of {@code spec.shards}. */
  static Map<String, Object> shard(String id, long low, long size) {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("id", id);
    s.put("low", low);
    s.put("size", size);
    return s;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
