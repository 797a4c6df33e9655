package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --kubeconfig}, {@code --context} and {@code -n/--namespace} options of every command
 * that talks to a cluster, resolved as kubectl resolves them: the kubeconfig's current context (or
 * {@code --context}), and the namespace from {@code -n}, else the context's, else {@code default}.
 */
public final class KubeconfigOption {
  /** kubectl's namespace when neither {@code -n} nor the context names one. */
  static final String DEFAULT_NAMESPACE = "default";

  /** Retries of a request that failed to connect or got a 5xx (100 ms, then 200 ms apart). */
  static final int RETRIES = 2;

  @Option(
      names = "--kubeconfig",
      description = "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "the kubeconfig context to use (default: its current context)")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      description = "namespace (default: the context's, else default)")
  String namespace;

  /** The API server of the last {@link #client()}, for error messages; null before. */
  private String server;

  /** A client for the chosen cluster, in the chosen namespace. */
  KubernetesClient client() {
    Config config = config();
    server = config.getMasterUrl();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * A client for local mode's API server only ({@code local} verbs act on processes of this
   * machine): the kubeconfig's context must be the one {@code kubectl sdb local up} writes ({@value
   * #LOCAL_CONTEXT}); any other cluster is refused with one error line, before anything is done.
   */
  KubernetesClient localClient() {
    Config config = config();
    String name = config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
    if (!LOCAL_CONTEXT.equals(name)) {
      throw new ClusterErrors.ConfigException(
          "local verbs act on local mode's pods only (processes of this machine); the kubeconfig's"
              + " context is "
              + (name == null ? "not set" : "'" + name + "'")
              + ", not local mode's '"
              + LOCAL_CONTEXT
              + "' (kubectl sdb local up prints its --kubeconfig)");
    }
    server = config.getMasterUrl();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The context name of the kubeconfig local mode writes. */
  static final String LOCAL_CONTEXT = "shardeddb-local";

  /** The API server's URL of the last {@link #client()}, or null. */
  public String server() {
    return server;
  }

  /** The client configuration: kubeconfig, context and namespace resolved as kubectl does. */
  Config config() {
    Config config;
    if (kubeconfig != null) {
      String text;
      try {
        text = Files.readString(kubeconfig);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read kubeconfig " + kubeconfig + ": " + ClusterErrors.cause(e), e);
      }
      if (context != null) {
        requireContext(text);
      }
      config = Config.fromKubeconfig(context, text, kubeconfig.toString());
    } else {
      config = Config.autoConfigure(context);
      if (context != null
          && (config.getCurrentContext() == null
              || !context.equals(config.getCurrentContext().getName()))) {
        throw new ClusterErrors.ConfigException(
            "context '"
                + context
                + "' not found in the kubeconfig ($KUBECONFIG, else ~/.kube/config)");
      }
    }
    // As kubectl: fail fast on an API that cannot be reached (fabric8 retries 10 times by default,
    // some 20 s). Loops that wait for the operator poll anyway.
    config.setRequestRetryBackoffLimit(RETRIES);
    if (namespace != null) {
      config.setNamespace(namespace);
    } else if (config.getNamespace() == null || config.getNamespace().isBlank()) {
      config.setNamespace(DEFAULT_NAMESPACE);
    }
    return config;
  }

  private void requireContext(String text) {
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed =
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
              text, io.fabric8.kubernetes.api.model.Config.class);
    } catch (RuntimeException e) {
      throw new ClusterErrors.ConfigException(
          "cannot parse kubeconfig " + kubeconfig + ": " + ClusterErrors.cause(e));
    }
    boolean found =
        parsed != null
            && parsed.getContexts() != null
            && parsed.getContexts().stream().anyMatch(c -> context.equals(c.getName()));
    if (!found) {
      throw new ClusterErrors.ConfigException(
          "context '" + context + "' not found in kubeconfig " + kubeconfig);
    }
  }
}
