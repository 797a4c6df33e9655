package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb restore-point create DB NAME}: a named cut consistent across shards
 * (docs/backup.md); waits until it is recorded.
 */
@Command(
    name = "restore-point",
    description = "Create named cross-shard consistent restore points.",
    subcommands = {RestorePointCommand.Create.class})
public final class RestorePointCommand {

  @Command(name = "create", description = "Record a restore point now; prints its name.")
  public static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
    String database;

    @Parameters(index = "1", paramLabel = "NAME", description = "the restore point's name")
    String name;

    @Option(names = "--timeout", defaultValue = "2m", description = "how long to wait (default 2m)")
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
        if (BackupSupport.create(
                client, name, database, ShardedDatabaseBackupSpec.BackupMethod.RestorePoint, err)
            == null) {
          return 1;
        }
        int rc = BackupSupport.await(client, name, timeout, err);
        if (rc == 0) {
          out.println(name);
          out.flush();
        }
        return rc;
      }
    }
  }
}
