package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb status NAME}: shards, primaries, epochs, replicas and conditions as tables.
 */
@Command(name = "status", description = "Show a ShardedDatabase's shards, replicas and conditions.")
public final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the ShardedDatabase's name")
  String name;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (KubernetesClient client = cluster.client()) {
      GenericKubernetesResource db =
          client
              .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
              .inNamespace(client.getNamespace())
              .withName(name)
              .get();
      if (db == null) {
        spec.commandLine()
            .getErr()
            .println("error: ShardedDatabase '" + name + "' not found in " + client.getNamespace());
        return 1;
      }
      out.print(new StatusTable().render(db));
      out.flush();
      return 0;
    }
  }

  /** Renders the status of a ShardedDatabase as readable tables. */
  static final class StatusTable {
    String render(GenericKubernetesResource db) {
      StringBuilder sb = new StringBuilder();
      Map<String, Object> status = asMap(db.getAdditionalProperties().get("status"));
      sb.append("ShardedDatabase ")
          .append(db.getMetadata().getName())
          .append("  (generation ")
          .append(db.getMetadata().getGeneration())
          .append(", observed ")
          .append(status.getOrDefault("observedGeneration", "-"))
          .append(")\n\n");
      sb.append(
          String.format("%-12s %-8s %-8s %s%n", "CONDITION", "STATUS", "", "REASON: MESSAGE"));
      for (Object o : asList(status.get("conditions"))) {
        Map<String, Object> c = asMap(o);
        sb.append(
            String.format(
                "%-12s %-8s %-8s %s: %s%n",
                c.get("type"), c.get("status"), "", c.get("reason"), c.get("message")));
      }
      sb.append('\n');
      sb.append(
          String.format(
              "%-8s %-6s %-24s %-24s %-10s %-6s %-10s %-6s %-10s%n",
              "SHARD", "EPOCH", "PRIMARY", "REPLICA", "ROLE", "READY", "APPLIED", "LAG", "STATE"));
      for (Object o : asList(status.get("shards"))) {
        Map<String, Object> s = asMap(o);
        List<Object> replicas = asList(s.get("replicas"));
        if (replicas.isEmpty()) {
          sb.append(
              String.format(
                  "%-8s %-6s %-24s%n",
                  s.get("id"), s.get("epoch"), s.getOrDefault("primary", "-")));
        }
        for (Object ro : replicas) {
          Map<String, Object> r = asMap(ro);
          sb.append(
              String.format(
                  "%-8s %-6s %-24s %-24s %-10s %-6s %-10s %-6s %-10s%n",
                  s.get("id"),
                  s.get("epoch"),
                  s.getOrDefault("primary", "-"),
                  r.get("pod"),
                  r.getOrDefault("role", "-"),
                  r.getOrDefault("ready", "-"),
                  r.getOrDefault("appliedLsn", "-"),
                  r.getOrDefault("lagLsn", "-"),
                  r.getOrDefault("state", "-")));
        }
      }
      Map<String, Object> router = asMap(status.get("router"));
      if (!router.isEmpty()) {
        sb.append('\n')
            .append("router: ")
            .append(router.getOrDefault("readyReplicas", 0))
            .append(" ready, endpoint ")
            .append(router.getOrDefault("endpoint", "-"))
            .append('\n');
      }
      return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
      return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
      return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
  }
}
