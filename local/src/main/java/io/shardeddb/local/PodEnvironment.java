package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Resolves a container's environment as the kubelet would: literal values, the downward API ({@code
 * metadata.name}, {@code metadata.namespace}, {@code status.podIP}) and keys of Secrets and
 * ConfigMaps read from the API; and projects the Secret volumes it mounts as files (one per key) in
 * a local directory that stands in for the mount path. A reference that cannot be resolved fails
 * the start, like CreateContainerConfigError; an optional one is left out.
 */
final class PodEnvironment {
  private final KubernetesClient client;

  PodEnvironment(KubernetesClient client) {
    this.client = client;
  }

  Map<String, String> resolve(Pod pod, Container container, String podIp) {
    return resolve(pod, container, podIp, Map.of());
  }

  /**
   * The environment, with values naming a mount path (or a file under it) rewritten to the local
   * directory that stands in for it ({@code mounts}: mount path → directory).
   */
  Map<String, String> resolve(
      Pod pod, Container container, String podIp, Map<String, Path> mounts) {
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnv() == null) {
      return env;
    }
    String ns = pod.getMetadata().getNamespace();
    for (EnvVar v : container.getEnv()) {
      if (v.getValueFrom() == null) {
        env.put(v.getName(), local(v.getValue() == null ? "" : v.getValue(), mounts));
      } else {
        String value = fromSource(pod, ns, v.getName(), v.getValueFrom(), podIp);
        if (value != null) {
          env.put(v.getName(), value);
        }
      }
    }
    return env;
  }

  private static String local(String value, Map<String, Path> mounts) {
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
        return m.getValue() + value.substring(m.getKey().length());
      }
    }
    return value;
  }

  /**
   * Writes every Secret volume {@code container} mounts into {@code root/<volume>/<key>} (owner
   * read/write only), as the kubelet projects it, and returns mount path → directory. Called again,
   * it brings the files up to date with the Secret (a rotation), replacing each file atomically.
   */
  Map<String, Path> projectSecretVolumes(Pod pod, Container container, Path root) {
    Map<String, Path> mounts = new LinkedHashMap<>();
    if (container.getVolumeMounts() == null || pod.getSpec().getVolumes() == null) {
      return mounts;
    }
    String ns = pod.getMetadata().getNamespace();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()) && v.getSecret() != null)
              .findFirst()
              .orElse(null);
      if (volume == null) {
        continue;
      }
      String secretName = volume.getSecret().getSecretName();
      Secret s = client.secrets().inNamespace(ns).withName(secretName).get();
      if (s == null || s.getData() == null) {
        throw new IllegalStateException(
            "volume " + volume.getName() + ": secret " + secretName + " not found (yet)");
      }
      Path dir = root.resolve(volume.getName());
      try {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Set<String> keys = new HashSet<>();
        // As the kubelet: with items, only those keys, each at its path; else every key.
        Map<String, String> files = new LinkedHashMap<>();
        if (volume.getSecret().getItems() != null && !volume.getSecret().getItems().isEmpty()) {
          for (var item : volume.getSecret().getItems()) {
            String value = s.getData().get(item.getKey());
            if (value == null) {
              throw new IllegalStateException(
                  "volume "
                      + volume.getName()
                      + ": secret "
                      + secretName
                      + " has no key "
                      + item.getKey()
                      + " (yet)");
            }
            files.put(item.getPath(), value);
          }
        } else {
          files.putAll(s.getData());
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
          keys.add(e.getKey());
          Path tmp = dir.resolve(".tmp-" + e.getKey());
          Files.write(tmp, Base64.getDecoder().decode(e.getValue()));
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
          Files.move(
              tmp,
              dir.resolve(e.getKey()),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        }
        try (Stream<Path> present = Files.list(dir)) {
          for (Path p : present.toList()) {
            if (!keys.contains(p.getFileName().toString())) {
              Files.deleteIfExists(p);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot project secret " + secretName + " to " + dir, e);
      }
      mounts.put(mount.getMountPath(), dir);
    }
    return mounts;
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
      if (value == null && Boolean.TRUE.equals(src.getSecretKeyRef().getOptional())) {
        return null;
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
