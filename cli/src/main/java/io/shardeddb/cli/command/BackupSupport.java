package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/** What the backup, restore-point and restore commands share: resources and waiting on them. */
final class BackupSupport {
  private BackupSupport() {}

  static ShardedDatabase database(KubernetesClient client, String name) {
    return client
        .resources(ShardedDatabase.class)
        .inNamespace(client.getNamespace())
        .withName(name)
        .get();
  }

  /** Creates the backup resource; null (and a message on {@code err}) when it cannot. */
  static ShardedDatabaseBackup create(
      KubernetesClient client,
      String name,
      String database,
      ShardedDatabaseBackupSpec.BackupMethod method,
      PrintWriter err) {
    ShardedDatabaseBackup b = new ShardedDatabaseBackup();
    b.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(client.getNamespace()).build());
    b.setSpec(new ShardedDatabaseBackupSpec(database, method));
    try {
      return client.resource(b).inNamespace(client.getNamespace()).create();
    } catch (KubernetesClientException e) {
      err.println(
          "error: cannot create "
              + (method == ShardedDatabaseBackupSpec.BackupMethod.Base ? "backup" : "restore point")
              + " '"
              + name
              + "': "
              + (e.getCode() == 409 ? "it already exists" : ClusterErrors.describe(e, null)));
      err.flush();
      return null;
    }
  }

  /** Waits until the backup is Completed (0) or Failed (1, with its message). */
  static int await(KubernetesClient client, String name, Duration timeout, PrintWriter err)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      ShardedDatabaseBackup b =
          client
              .resources(ShardedDatabaseBackup.class)
              .inNamespace(client.getNamespace())
              .withName(name)
              .get();
      ShardedDatabaseBackupStatus s = b == null ? null : b.getStatus();
      if (s != null && ShardedDatabaseBackupStatus.COMPLETED.equals(s.phase())) {
        return 0;
      }
      if (s != null && ShardedDatabaseBackupStatus.FAILED.equals(s.phase())) {
        err.println("error: " + name + " failed: " + s.message());
        err.flush();
        return 1;
      }
      Thread.sleep(500);
    }
    err.println("error: " + name + " did not complete within " + HumanDuration.format(timeout));
    err.flush();
    return 1;
  }
}
