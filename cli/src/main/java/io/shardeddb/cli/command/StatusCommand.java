package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.output.TextTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (default), json or yaml: the whole ShardedDatabase, as kubectl get -o")
  DataOptions.Output output;

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
      if (!DataOptions.printStructured(out, output, db)) {
        out.print(new StatusTable().render(db));
      }
      out.flush();
      return 0;
    }
  }

  /** Renders the status of a ShardedDatabase as readable tables ({@link TextTable}). */
  static final class StatusTable {
    String render(ShardedDatabase db) {
      StringBuilder sb = new StringBuilder();
      ShardedDatabaseStatus status =
          db.getStatus() != null ? db.getStatus() : ShardedDatabaseStatus.builder().build();
      sb.append("ShardedDatabase ")
          .append(db.getMetadata().getName())
          .append("  (generation ")
          .append(db.getMetadata().getGeneration())
          .append(", observed ")
          .append(TextTable.cell(status.observedGeneration()))
          .append(")\n\n");
      TextTable conditions = new TextTable("CONDITION", "STATUS", "REASON: MESSAGE");
      for (Condition c : status.conditionsOrEmpty()) {
        conditions.row(c.getType(), c.getStatus(), c.getReason() + ": " + c.getMessage());
      }
      sb.append(conditions.render()).append('\n');
      TextTable replicas =
          new TextTable(
              "SHARD", "EPOCH", "PRIMARY", "REPLICA", "ROLE", "READY", "APPLIED", "LAG", "STATE");
      for (ShardStatus s : status.shardsOrEmpty()) {
        if (s.replicasOrEmpty().isEmpty()) {
          replicas.row(s.id(), s.epoch(), s.primary(), null, null, null, null, null, null);
        }
        for (ReplicaStatus r : s.replicasOrEmpty()) {
          replicas.row(
              s.id(),
              s.epoch(),
              s.primary(),
              r.pod(),
              r.role(),
              r.ready(),
              r.appliedLsn(),
              r.lagLsn(),
              r.state());
        }
      }
      sb.append(replicas.render());
      List<MoveStatus> moves = status.reshardingOrEmpty().movesOrEmpty();
      if (!moves.isEmpty()) {
        // Resharding moves (docs/resharding.md), oldest first: the finished ones, then the one in
        // flight with its progress.
        TextTable table =
            new TextTable(
                "MOVE", "FROM", "TO", "RANGE", "ROWS", "SOURCELSN", "PAUSE", "PHASE: MESSAGE");
        for (MoveStatus m : moves) {
          table.row(
              m.phase() != null && m.phase().finished() ? "finished" : "in flight",
              m.source(),
              m.destination(),
              "[" + m.low() + ", " + (m.low() + m.size()) + ")",
              m.rowsCopied(),
              m.sourceLsn(),
              m.pauseMillis() == null ? null : m.pauseMillis() + "ms",
              m.phase() + ": " + TextTable.cell(m.message()));
        }
        sb.append('\n').append(table.render());
      }
      RouterStatus router = status.router();
      if (router != null) {
        sb.append('\n')
            .append("router: ")
            .append(router.readyReplicas() == null ? 0 : router.readyReplicas())
            .append(" ready, endpoint ")
            .append(TextTable.cell(router.endpoint()))
            .append('\n');
      }
      return sb.toString();
    }
  }
}
