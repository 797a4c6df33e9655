package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
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
  private static final int CONFLICT_ATTEMPTS = 10;

  private PodAnnotations() {}

  /** Sets ({@code value} non-null) or removes an annotation; false when the pod does not exist. */
  static boolean set(KubernetesClient client, String pod, String key, String value) {
    return update(client, pod, key, old -> value);
  }

  /**
   * Replaces an annotation by a function of its current value (null = absent / remove). The edit
   * carries the pod's resourceVersion, and local mode writes pod status every few hundred ms: on a
   * 409 Conflict the pod is read again and the change re-applied to what is there now (a few times;
   * the runner's writes are short).
   */
  static boolean update(
      KubernetesClient client, String pod, String key, UnaryOperator<String> change) {
    for (int attempt = 1; ; attempt++) {
      if (client.pods().withName(pod).get() == null) {
        return false;
      }
      try {
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
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The value of an annotation of a pod, or null. */
  static String get(Pod p, String key) {
    return p == null || p.getMetadata().getAnnotations() == null
        ? null
        : p.getMetadata().getAnnotations().get(key);
  }
}
