package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.SchemaChangeStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.data.RouterConnection;
import io.shardeddb.cli.data.RouterLocator;
import io.shardeddb.cli.data.RouterTarget;
import io.shardeddb.cli.output.TextTable;
import io.shardeddb.protocol.client.RouterException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb status NAME}: shards, primaries, epochs, replicas and conditions as tables;
 * the schema version, the backups, the images the pods run, and Cabinet's weights with each shard's
 * best-weighted majority (from the router's {@code GET /query/status}, as each primary measures
 * them).
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
        out.print(new StatusTable().render(db, extras(client, db)));
      }
      out.flush();
      return 0;
    }
  }

  /**
   * What the status shows beside the resource: its base backups (oldest first) and the images its
   * pods run, by container (image → pods). What cannot be read is left out, never an error: the
   * status of the resource is what the command is for.
   */
  record Extras(
      List<ShardedDatabaseBackup> backups,
      Map<String, Map<String, Integer>> images,
      Map<String, Object> coordinator,
      String coordinatorUnavailable) {
    static final Extras NONE = new Extras(List.of(), Map.of());

    /** Without the router's coordinator status (not asked). */
    Extras(List<ShardedDatabaseBackup> backups, Map<String, Map<String, Integer>> images) {
      this(backups, images, null, null);
    }
  }

  /** How long the status waits for the router's {@code /query/status}. */
  static final Duration COORDINATOR_TIMEOUT = Duration.ofSeconds(5);

  private static Extras extras(KubernetesClient client, ShardedDatabase db) {
    String name = db.getMetadata().getName();
    List<ShardedDatabaseBackup> backups = List.of();
    try {
      backups = BackupCommand.ListBackups.of(client, name);
    } catch (KubernetesClientException e) {
      // not readable (no RBAC, CRD absent): the section is left out
    }
    Map<String, Map<String, Integer>> images = new TreeMap<>();
    try {
      for (Pod p :
          client
              .pods()
              .inNamespace(client.getNamespace())
              .withLabelSelector(PodLogs.databaseSelector(name))
              .list()
              .getItems()) {
        if (p.getSpec() == null) {
          continue;
        }
        for (Container c : p.getSpec().getContainers()) {
          images
              .computeIfAbsent(c.getName(), k -> new TreeMap<>())
              .merge(String.valueOf(c.getImage()), 1, Integer::sum);
        }
      }
    } catch (KubernetesClientException e) {
      // not readable: the section is left out
    }
    Map<String, Object> coordinator = null;
    String unavailable = null;
    try {
      RouterTarget target = new RouterLocator(client, client.getNamespace()).locate(name);
      try (RouterConnection connection = RouterConnection.open(client, target)) {
        coordinator = connection.client(COORDINATOR_TIMEOUT).queryStatus();
      }
    } catch (RouterException e) {
      unavailable = "router answered " + e.status() + ": " + e.reason();
    } catch (RuntimeException e) {
      // no ready router, no schema yet, unreachable: said in one line, never an error
      unavailable = e.getMessage();
    }
    return new Extras(backups, images, coordinator, unavailable);
  }

  /** Renders the status of a ShardedDatabase as readable tables ({@link TextTable}). */
  static final class StatusTable {
    /** How many of the newest base backups the status lists. */
    static final int BACKUPS_SHOWN = 3;

    String render(ShardedDatabase db) {
      return render(db, Extras.NONE);
    }

    String render(ShardedDatabase db, Extras extras) {
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
      cabinet(sb, extras);
      schema(sb, status);
      backups(sb, db, extras.backups());
      if (!extras.images().isEmpty()) {
        TextTable images = new TextTable("CONTAINER", "IMAGE", "PODS");
        extras
            .images()
            .forEach(
                (container, byImage) ->
                    byImage.forEach((image, n) -> images.row(container, image, n)));
        sb.append('\n').append(images.render());
      }
      return sb.toString();
    }

    /**
     * Cabinet's weights as each shard's primary measures them, and its best-weighted majority (the
     * router's {@code /query/status}, docs/sql.md): one row per replica the primary weighs.
     */
    static void cabinet(StringBuilder sb, Extras extras) {
      if (extras.coordinator() == null) {
        if (extras.coordinatorUnavailable() != null) {
          sb.append("\ncabinet: not shown (").append(extras.coordinatorUnavailable()).append(")\n");
        }
        return;
      }
      TextTable table =
          new TextTable(
              "SHARD", "REPLICA", "ACK LATENCY", "LAG", "WEIGHT", "BEST-WEIGHTED MAJORITY");
      List<String> unweighed = new java.util.ArrayList<>();
      Object shards = extras.coordinator().get("shards");
      for (Object o : shards instanceof List<?> l ? l : List.of()) {
        if (!(o instanceof Map<?, ?> shard)) {
          continue;
        }
        Object majority = shard.get("best_weighted_majority");
        if (!(majority instanceof List<?> members)) {
          unweighed.add(String.valueOf(shard.get("shard")));
          continue;
        }
        Object replicas = shard.get("replicas");
        for (Object r : replicas instanceof List<?> l ? l : List.of()) {
          if (!(r instanceof Map<?, ?> replica) || !(replica.get("weight") instanceof Number w)) {
            continue;
          }
          table.row(
              shard.get("shard"),
              replica.get("name"),
              replica.get("ack_latency_ms") instanceof Number ms
                  ? String.format(Locale.ROOT, "%.1fms", ms.doubleValue())
                  : null,
              replica.get("lag_behind_primary"),
              String.format(Locale.ROOT, "%.3f", w.doubleValue()),
              members.contains(replica.get("name")) ? "yes" : "no");
        }
      }
      sb.append('\n')
          .append(
              "cabinet: weight = 1/(ack latency ms + lag + 1), as each shard's primary measures")
          .append(" it; the best-weighted majority is the primary and the heaviest others,")
          .append(" floor(n/2)+1 in all (it acknowledges writes with writeQuorum Cabinet)\n")
          .append(table.render());
      if (!unweighed.isEmpty()) {
        sb.append("no weights from the primary of ")
            .append(String.join(", ", unweighed))
            .append(" (not reachable, or a shard-server before them)\n");
      }
    }

    /** The schema version every shard has, and the change in flight (docs/sql.md). */
    private static void schema(StringBuilder sb, ShardedDatabaseStatus status) {
      AppliedSpec applied = status.applied();
      if (applied == null || applied.schema() == null) {
        return;
      }
      sb.append("schema: table ")
          .append(applied.schema().table())
          .append(", version ")
          .append(applied.schemaVersionOrOne())
          .append(", ")
          .append(applied.schema().columns() == null ? 0 : applied.schema().columns().size())
          .append(" columns, ")
          .append(applied.schema().indexes() == null ? 0 : applied.schema().indexes().size())
          .append(" indexes");
      SchemaChangeStatus change = status.schemaChange();
      if (change != null) {
        sb.append("; version ")
            .append(change.version())
            .append(" in flight, applied on ")
            .append(change.appliedOnOrEmpty())
            .append(change.message() == null ? "" : " (" + change.message() + ")");
      }
      sb.append('\n');
    }

    /** The backup settings and the newest base backups (docs/backup.md). */
    private static void backups(
        StringBuilder sb, ShardedDatabase db, List<ShardedDatabaseBackup> backups) {
      BackupSpec spec = db.getSpec() == null ? null : db.getSpec().backup();
      if ((spec == null || spec.store() == null) && backups.isEmpty()) {
        sb.append("backups: none configured (spec.backup)\n");
        return;
      }
      sb.append("backups: ");
      if (spec != null && spec.store() != null) {
        sb.append("store s3://")
            .append(spec.store().bucket())
            .append(spec.store().prefix() == null ? "" : "/" + spec.store().prefix())
            .append(", schedule ")
            .append(spec.schedule() == null ? "none" : spec.schedule());
      } else {
        sb.append("no store configured now");
      }
      sb.append(", ").append(backups.size()).append(" base backups\n");
      if (!backups.isEmpty()) {
        sb.append(
            BackupCommand.ListBackups.table(
                backups.subList(Math.max(0, backups.size() - BACKUPS_SHOWN), backups.size())));
      }
    }
  }
}
