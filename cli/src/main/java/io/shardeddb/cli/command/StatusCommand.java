package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.io.PrintWriter;
import java.util.List;
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
      ShardedDatabase db =
          client
              .resources(ShardedDatabase.class)
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
    String render(ShardedDatabase db) {
      StringBuilder sb = new StringBuilder();
      ShardedDatabaseStatus status =
          db.getStatus() != null
              ? db.getStatus()
              : new ShardedDatabaseStatus(null, null, null, null, null, null);
      sb.append("ShardedDatabase ")
          .append(db.getMetadata().getName())
          .append("  (generation ")
          .append(db.getMetadata().getGeneration())
          .append(", observed ")
          .append(orDash(status.observedGeneration()))
          .append(")\n\n");
      sb.append(
          String.format("%-12s %-8s %-8s %s%n", "CONDITION", "STATUS", "", "REASON: MESSAGE"));
      for (Condition c : status.conditionsOrEmpty()) {
        sb.append(
            String.format(
                "%-12s %-8s %-8s %s: %s%n",
                c.getType(), c.getStatus(), "", c.getReason(), c.getMessage()));
      }
      sb.append('\n');
      sb.append(
          String.format(
              "%-8s %-6s %-24s %-24s %-10s %-6s %-10s %-6s %-10s%n",
              "SHARD", "EPOCH", "PRIMARY", "REPLICA", "ROLE", "READY", "APPLIED", "LAG", "STATE"));
      for (ShardStatus s : status.shardsOrEmpty()) {
        if (s.replicasOrEmpty().isEmpty()) {
          sb.append(String.format("%-8s %-6s %-24s%n", s.id(), s.epoch(), orDash(s.primary())));
        }
        for (ReplicaStatus r : s.replicasOrEmpty()) {
          sb.append(
              String.format(
                  "%-8s %-6s %-24s %-24s %-10s %-6s %-10s %-6s %-10s%n",
                  s.id(),
                  s.epoch(),
                  orDash(s.primary()),
                  r.pod(),
                  orDash(r.role()),
                  orDash(r.ready()),
                  orDash(r.appliedLsn()),
                  orDash(r.lagLsn()),
                  orDash(r.state())));
        }
      }
      List<MoveStatus> moves = status.reshardingOrEmpty().movesOrEmpty();
      if (!moves.isEmpty()) {
        // Resharding moves (docs/resharding.md), oldest first: the finished ones, then the one in
        // flight with its progress.
        sb.append('\n')
            .append(
                String.format(
                    "%-12s %-8s %-8s %-26s %-8s %-10s %-8s %s%n",
                    "MOVE", "FROM", "TO", "RANGE", "ROWS", "SOURCELSN", "PAUSE", "PHASE: MESSAGE"));
        for (MoveStatus m : moves) {
          sb.append(
              String.format(
                  "%-12s %-8s %-8s %-26s %-8s %-10s %-8s %s: %s%n",
                  m.phase() != null && m.phase().finished() ? "finished" : "in flight",
                  m.source(),
                  m.destination(),
                  "[" + m.low() + ", " + (m.low() + m.size()) + ")",
                  orDash(m.rowsCopied()),
                  orDash(m.sourceLsn()),
                  m.pauseMillis() == null ? "-" : m.pauseMillis() + "ms",
                  m.phase(),
                  orDash(m.message())));
        }
      }
      RouterStatus router = status.router();
      if (router != null) {
        sb.append('\n')
            .append("router: ")
            .append(router.readyReplicas() == null ? 0 : router.readyReplicas())
            .append(" ready, endpoint ")
            .append(orDash(router.endpoint()))
            .append('\n');
      }
      return sb.toString();
    }

    private static Object orDash(Object value) {
      return value == null ? "-" : value;
    }
  }
}
