package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb logs DB (--shard ID | --pod POD | --operator | --router)}: one pod's log, as
 * {@code kubectl logs} prints it: a shard's primary (as the status names it), a named pod of the
 * database, the router, or the operator (found by the chart's label). {@code --follow} streams
 * until the container stops or Ctrl-C.
 */
@Command(name = "logs", description = "Print the log of a database's pod or of the operator.")
public final class LogsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String name;

  /** Whose log: exactly one. */
  static final class Which {
    @Option(
        names = "--shard",
        paramLabel = "ID",
        description = "the shard's primary (as kubectl sdb status shows it)")
    String shard;

    @Option(names = "--pod", paramLabel = "POD", description = "a pod of the database")
    String pod;

    @Option(names = "--router", description = "the database's router (its first pod)")
    boolean router;

    @Option(
        names = "--operator",
        description = "the operator (pods labelled app.kubernetes.io/name=shardeddb-operator)")
    boolean operator;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  @Option(
      names = {"-c", "--container"},
      description = "the container (default: the pod's first)")
  String container;

  @Option(
      names = {"-f", "--follow"},
      description = "keep printing new lines until the container stops or Ctrl-C")
  boolean follow;

  @Option(names = "--since", description = "only the last period, e.g. 10m, 1h (default: all)")
  Duration since;

  @Option(names = "--tail", paramLabel = "N", description = "only the last N lines")
  Integer tail;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  /** A pod and where it runs. */
  private record Target(String namespace, Pod pod) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = cluster.client()) {
      String ns = client.getNamespace();
      Target target;
      try {
        target = target(client, ns);
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      List<String> containers = PodLogs.containers(target.pod());
      String c = container;
      if (c == null) {
        c =
            target.pod().getSpec() != null
                    && target.pod().getSpec().getContainers() != null
                    && !target.pod().getSpec().getContainers().isEmpty()
                ? target.pod().getSpec().getContainers().get(0).getName()
                : null;
      } else if (!containers.contains(c)) {
        err.println(
            "error: pod "
                + target.pod().getMetadata().getName()
                + " has no container '"
                + c
                + "' (containers: "
                + String.join(", ", containers)
                + ")");
        return 1;
      }
      if (c == null) {
        err.println("error: pod " + target.pod().getMetadata().getName() + " has no container");
        return 1;
      }
      PodLogs.copy(
          client,
          target.namespace(),
          target.pod().getMetadata().getName(),
          c,
          since,
          tail,
          follow,
          out);
      return 0;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private Target target(KubernetesClient client, String ns) {
    if (which.operator) {
      return operator(client, ns);
    }
    ShardedDatabase db =
        client.resources(ShardedDatabase.class).inNamespace(ns).withName(name).get();
    if (db == null) {
      throw new IllegalArgumentException("ShardedDatabase '" + name + "' not found in " + ns);
    }
    List<Pod> pods =
        client
            .pods()
            .inNamespace(ns)
            .withLabelSelector(PodLogs.databaseSelector(name))
            .list()
            .getItems()
            .stream()
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    if (which.pod != null) {
      return pods.stream()
          .filter(p -> p.getMetadata().getName().equals(which.pod))
          .findFirst()
          .map(p -> new Target(ns, p))
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "pod '"
                          + which.pod
                          + "' is not a pod of ShardedDatabase "
                          + name
                          + " (pods: "
                          + names(pods)
                          + ")"));
    }
    if (which.router) {
      return pods.stream()
          .filter(p -> Labels.COMPONENT_ROUTER.equals(label(p, Labels.COMPONENT)))
          .findFirst()
          .map(p -> new Target(ns, p))
          .orElseThrow(
              () -> new IllegalArgumentException("ShardedDatabase " + name + " has no router pod"));
    }
    List<ShardStatus> shards = db.getStatus() == null ? List.of() : db.getStatus().shardsOrEmpty();
    Optional<ShardStatus> shard =
        shards.stream().filter(s -> which.shard.equals(s.id())).findFirst();
    List<Pod> shardPods =
        pods.stream().filter(p -> which.shard.equals(label(p, Labels.SHARD))).toList();
    if (shard.isEmpty() && shardPods.isEmpty()) {
      throw new IllegalArgumentException(
          "no shard '"
              + which.shard
              + "' in ShardedDatabase "
              + name
              + " (shards: "
              + shards.stream().map(ShardStatus::id).collect(Collectors.joining(", "))
              + ")");
    }
    String primary = shard.map(ShardStatus::primary).orElse(null);
    return shardPods.stream()
        .filter(p -> primary == null || p.getMetadata().getName().equals(primary))
        .findFirst()
        .or(() -> shardPods.stream().findFirst())
        .map(p -> new Target(ns, p))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "shard " + which.shard + " of ShardedDatabase " + name + " has no pod"));
  }

  /** The operator's pod: Running ones first, by name; all namespaces, else the database's. */
  private static Target operator(KubernetesClient client, String ns) {
    List<Pod> pods;
    try {
      pods =
          client
              .pods()
              .inAnyNamespace()
              .withLabelSelector(PodLogs.OPERATOR_SELECTOR)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      pods =
          client
              .pods()
              .inNamespace(ns)
              .withLabelSelector(PodLogs.OPERATOR_SELECTOR)
              .list()
              .getItems();
    }
    return pods.stream()
        .sorted(
            Comparator.comparing((Pod p) -> !running(p))
                .thenComparing(p -> p.getMetadata().getName()))
        .findFirst()
        .map(p -> new Target(p.getMetadata().getNamespace(), p))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no operator pod (labelled " + PodLogs.OPERATOR_SELECTOR + ") found"));
  }

  private static boolean running(Pod p) {
    return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
  }

  private static String label(Pod p, String key) {
    return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(key);
  }

  private static String names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.joining(", "));
  }
}
