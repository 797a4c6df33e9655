package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --kubeconfig} and {@code -n} options shared by commands that talk to a cluster. */
public final class KubeconfigOption {
  @Option(
      names = "--kubeconfig",
      description = "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
  Path kubeconfig;

  @Option(
      names = {"-n", "--namespace"},
      description = "namespace (default: the kubeconfig's)")
  String namespace;

  /** A client for the chosen cluster. */
  KubernetesClient client() {
    Config config;
    if (kubeconfig != null) {
      try {
        config = Config.fromKubeconfig(Files.readString(kubeconfig));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
      }
    } else {
      config = Config.autoConfigure(null);
    }
    if (namespace != null) {
      config.setNamespace(namespace);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
