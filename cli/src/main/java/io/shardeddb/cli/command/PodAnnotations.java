package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How the {@code local} fault commands reach the running local mode: they change an annotation of
 * the pod through the API (a patch, so nothing else on the pod is overwritten) and the local pod
 * runner, which watches the pods every 500 ms, acts on it — the same channel as {@code delete-pod
 * --wipe}.
 */
final class PodAnnotations {
  private PodAnnotations() {}

  /** Sets ({@code value} non-null) or removes an annotation; false when the pod does not exist. */
  static boolean set(KubernetesClient client, String pod, String key, String value) {
    return update(client, pod, key, old -> value);
  }

  /** Replaces an annotation by a function of its current value (null = absent / remove). */
  static boolean update(
      KubernetesClient client, String pod, String key, UnaryOperator<String> change) {
    if (client.pods().withName(pod).get() == null) {
      return false;
    }
    client
        .pods()
        .withName(pod)
        .edit(
            p -> {
              Map<String, String> a =
                  p.getMetadata().getAnnotations() == null
                      ? new LinkedHashMap<>()
                      : new LinkedHashMap<>(p.getMetadata().getAnnotations());
              String next = change.apply(a.get(key));
              if (next == null) {
                a.remove(key);
              } else {
                a.put(key, next);
              }
              p.getMetadata().setAnnotations(a);
              return p;
            });
    return true;
  }

  /** The value of an annotation of a pod, or null. */
  static String get(Pod p, String key) {
    return p == null || p.getMetadata().getAnnotations() == null
        ? null
        : p.getMetadata().getAnnotations().get(key);
  }
}
