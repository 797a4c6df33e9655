package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.Faults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb local partition POD [--from POD...] [--from-operator] [--all]}: cut a local
 * pod off the network from the given peers, both ways; packets are dropped, so the peers see it
 * hang. Adds to the pod's existing partition; {@code local heal} removes it. Default: {@code
 * --all}.
 */
@Command(
    name = "partition",
    description =
        "Drop packets between a local pod and peers (other pods, the operator, or all of them).")
public final class LocalPartitionCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-0")
  String pod;

  @Option(names = "--from", arity = "1..*", paramLabel = "POD", description = "peer pods")
  List<String> from = new ArrayList<>();

  @Option(names = "--from-operator", description = "the operator (its calls to the pod)")
  boolean fromOperator;

  @Option(names = "--all", description = "every other pod and the operator (the default)")
  boolean all;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Set<String> peers = new LinkedHashSet<>(from);
    if (fromOperator) {
      peers.add(Faults.OPERATOR);
    }
    if (all || peers.isEmpty()) {
      peers.add(Faults.ALL);
    }
    if (peers.contains(pod)) {
      spec.commandLine().getErr().println("error: a pod cannot be partitioned from itself");
      return 2;
    }
    try (KubernetesClient client = cluster.localClient()) {
      for (String peer : from) {
        if (client.pods().withName(peer).get() == null) {
          spec.commandLine().getErr().println("error: pod " + peer + " not found");
          return 1;
        }
      }
      boolean found =
          PodAnnotations.update(
              client,
              pod,
              Faults.PARTITION_ANNOTATION,
              old -> {
                Set<String> merged = new LinkedHashSet<>();
                if (old != null && !old.isBlank()) {
                  merged.addAll(Arrays.asList(old.split(",")));
                }
                merged.addAll(peers);
                return String.join(",", merged);
              });
      if (!found) {
        spec.commandLine().getErr().println("error: pod " + pod + " not found");
        return 1;
      }
    }
    spec.commandLine()
        .getOut()
        .println("partitioning pod " + pod + " from " + String.join(", ", peers));
    return 0;
  }
}
