package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.resource.BackupStores;
import io.shardeddb.backup.resource.RestoreGate;
import io.shardeddb.cli.output.Structured;
import io.shardeddb.cli.output.TextTable;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb backup create|list}: base backups of a ShardedDatabase (docs/backup.md). */
@Command(
    name = "backup",
    description = "Take and list base backups of a ShardedDatabase.",
    subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class})
public final class BackupCommand {

  /** {@code backup create DB [--name N] [--wait]}: prints the backup's name. */
  @Command(name = "create", description = "Take a base backup of every shard; prints its name.")
  public static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
    String database;

    @Option(names = "--name", description = "the backup's name (default: DB-<UTC time>)")
    String name;

    @Option(names = "--wait", description = "return once the backup is Completed (or Failed)")
    boolean waitForIt;

    @Option(
        names = "--timeout",
        defaultValue = "10m",
        description = "how long --wait waits (e.g. 30m; default 10m)")
    Duration timeout;

    @Mixin KubeconfigOption cluster;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (KubernetesClient client = cluster.client()) {
        if (BackupSupport.database(client, database) == null) {
          err.println(
              "error: ShardedDatabase '" + database + "' not found in " + client.getNamespace());
          err.flush();
          return 1;
        }
        String n = name != null ? name : defaultName(database);
        ShardedDatabaseBackup created =
            BackupSupport.create(
                client, n, database, ShardedDatabaseBackupSpec.BackupMethod.Base, err);
        if (created == null) {
          return 1;
        }
        out.println(n);
        out.flush();
        return waitForIt ? BackupSupport.await(client, n, timeout, err) : 0;
      }
    }
  }

  /**
   * {@code backup list DB}: name, phase, started, completed, size, LSNs of its backup resources;
   * with {@code --from-store}, what the store holds of DB (its resource need not exist).
   */
  @Command(name = "list", description = "List the backups and restore points of a ShardedDatabase.")
  public static final class ListBackups implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
    String database;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table (default), json or yaml")
    DataOptions.Output output;

    @Mixin StoreOptions store;
    @Mixin KubeconfigOption cluster;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (KubernetesClient client = cluster.client()) {
        if (store.given()) {
          return fromStore(client, out);
        }
        List<ShardedDatabaseBackup> backups = of(client, database);
        if (output != DataOptions.Output.table) {
          Structured.print(out, backups, output == DataOptions.Output.yaml);
        } else {
          out.print(table(backups));
        }
        out.flush();
        return 0;
      }
    }

    /**
     * The listing read from the store alone (docs/backup.md, "Disaster recovery"): refused as a
     * restore from it would be, with no marker or another incarnation's ({@link
     * RestoreGate#owner}).
     */
    private int fromStore(KubernetesClient client, PrintWriter out) {
      PrintWriter err = spec.commandLine().getErr();
      String ns = client.getNamespace();
      StoreListing listing;
      try {
        BackupStoreSpec named = store.spec();
        ArchiveOwner owner = RestoreGate.owner(client, ns, named, database);
        try (BackupStore s = BackupStores.open(client, ns, named)) {
          listing = StoreListing.read(s, database, owner);
        }
      } catch (RuntimeException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return 1;
      }
      if (output != DataOptions.Output.table) {
        Structured.print(out, listing.structured(), output == DataOptions.Output.yaml);
      } else {
        out.print(listing.table());
      }
      out.flush();
      return 0;
    }

    /** The base backups of {@code database} in the client's namespace, oldest first. */
    static List<ShardedDatabaseBackup> of(KubernetesClient client, String database) {
      return client
          .resources(ShardedDatabaseBackup.class)
          .inNamespace(client.getNamespace())
          .list()
          .getItems()
          .stream()
          .filter(b -> b.getSpec() != null && database.equals(b.getSpec().database()))
          .sorted(
              Comparator.comparing(
                  b ->
                      b.getMetadata().getCreationTimestamp() == null
                          ? ""
                          : b.getMetadata().getCreationTimestamp()))
          .toList();
    }

    static String table(List<ShardedDatabaseBackup> backups) {
      TextTable t =
          new TextTable("NAME", "METHOD", "PHASE", "STARTED", "COMPLETED", "SIZE", "LSNS");
      for (ShardedDatabaseBackup b : backups) {
        ShardedDatabaseBackupStatus s = b.getStatus();
        t.row(
            b.getMetadata().getName(),
            b.getSpec().methodOrDefault(),
            s == null ? "Pending" : s.phase(),
            s == null ? null : s.startedAt(),
            s == null ? null : s.completedAt(),
            s == null ? null : s.sizeBytes(),
            s == null || s.shards() == null
                ? null
                : s.shards().stream()
                    .map(x -> x.shard() + "=" + TextTable.cell(x.lsn()))
                    .collect(Collectors.joining(",")));
      }
      return t.render();
    }
  }

  static String defaultName(String db) {
    return db
        + "-"
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(java.time.Instant.now());
  }
}
