package io.shardeddb.cli.testing;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubeconfig variants derived from a working one (local mode's, with its token and CA): a context
 * without a namespace, a second context, a cluster at another address. What a user's kubeconfig
 * holds, without a real cluster.
 */
public final class Kubeconfigs {
  private final Config config;

  private Kubeconfigs(Config config) {
    this.config = config;
  }

  /** The kubeconfig in {@code file}. */
  public static Kubeconfigs of(Path file) {
    try {
      return new Kubeconfigs(Serialization.unmarshal(Files.readString(file), Config.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The current context, its namespace removed (kubectl then uses {@code default}). */
  public Kubeconfigs withoutNamespace() {
    for (NamedContext c : config.getContexts()) {
      if (c.getName().equals(config.getCurrentContext())) {
        c.getContext().setNamespace(null);
      }
    }
    return this;
  }

  /**
   * Adds context {@code name} with the current context's user, its own cluster at {@code server}
   * (with the current cluster's CA), and {@code namespace} (may be null).
   */
  public Kubeconfigs withContext(String name, String server, String namespace) {
    NamedContext current =
        config.getContexts().stream()
            .filter(c -> c.getName().equals(config.getCurrentContext()))
            .findFirst()
            .orElseThrow();
    NamedCluster cluster =
        config.getClusters().stream()
            .filter(c -> c.getName().equals(current.getContext().getCluster()))
            .findFirst()
            .orElseThrow();
    List<NamedCluster> clusters = new ArrayList<>(config.getClusters());
    clusters.add(
        new NamedClusterBuilder(cluster)
            .withName(name)
            .editCluster()
            .withServer(server)
            .endCluster()
            .build());
    config.setClusters(clusters);
    List<NamedContext> contexts = new ArrayList<>(config.getContexts());
    contexts.add(
        new NamedContextBuilder(current)
            .withName(name)
            .editContext()
            .withCluster(name)
            .withNamespace(namespace)
            .endContext()
            .build());
    config.setContexts(contexts);
    return this;
  }

  /** Makes {@code name} the current context. */
  public Kubeconfigs current(String name) {
    config.setCurrentContext(name);
    return this;
  }

  /** Replaces every user's token (a token the API does not know). */
  public Kubeconfigs withToken(String token) {
    config.getUsers().forEach(u -> u.getUser().setToken(token));
    return this;
  }

  /** Writes the kubeconfig to {@code file}. */
  public Path write(Path file) {
    try {
      Files.writeString(file, Serialization.asYaml(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
