package io.shardeddb.cli.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves a container's environment as the kubelet would: literal values, the downward API ({@code
 * metadata.name}, {@code metadata.namespace}, {@code status.podIP}) and keys of Secrets and
 * ConfigMaps read from the API. A reference that cannot be resolved fails the start, like
 * CreateContainerConfigError.
 */
final class PodEnvironment {
  private final KubernetesClient client;

  PodEnvironment(KubernetesClient client) {
    this.client = client;
  }

  Map<String, String> resolve(Pod pod, Container container, String podIp) {
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnv() == null) {
      return env;
    }
    String ns = pod.getMetadata().getNamespace();
    for (EnvVar v : container.getEnv()) {
      if (v.getValueFrom() == null) {
        env.put(v.getName(), v.getValue() == null ? "" : v.getValue());
      } else {
        env.put(v.getName(), fromSource(pod, ns, v.getName(), v.getValueFrom(), podIp));
      }
    }
    return env;
  }

  private String fromSource(Pod pod, String ns, String name, EnvVarSource src, String podIp) {
    if (src.getFieldRef() != null) {
      return switch (src.getFieldRef().getFieldPath()) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> ns;
        case "status.podIP" -> podIp;
        case "spec.nodeName" -> "local";
        default ->
            throw new IllegalStateException(
                "env " + name + ": unsupported fieldRef " + src.getFieldRef().getFieldPath());
      };
    }
    if (src.getSecretKeyRef() != null) {
      String secretName = src.getSecretKeyRef().getName();
      String key = src.getSecretKeyRef().getKey();
      Secret s = client.secrets().inNamespace(ns).withName(secretName).get();
      String value = null;
      if (s != null && s.getData() != null && s.getData().get(key) != null) {
        value =
            new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
      } else if (s != null && s.getStringData() != null) {
        value = s.getStringData().get(key);
      }
      if (value == null) {
        throw new IllegalStateException(
            "env " + name + ": secret " + secretName + " has no key " + key + " (yet)");
      }
      return value;
    }
    if (src.getConfigMapKeyRef() != null) {
      ConfigMap cm =
          client.configMaps().inNamespace(ns).withName(src.getConfigMapKeyRef().getName()).get();
      String value =
          cm == null || cm.getData() == null
              ? null
              : cm.getData().get(src.getConfigMapKeyRef().getKey());
      if (value == null) {
        throw new IllegalStateException(
            "env "
                + name
                + ": configmap "
                + src.getConfigMapKeyRef().getName()
                + " has no key "
                + src.getConfigMapKeyRef().getKey()
                + " (yet)");
      }
      return value;
    }
    throw new IllegalStateException("env " + name + ": unsupported valueFrom");
  }
}
