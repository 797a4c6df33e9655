package io.shardeddb.operator.backup;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestoreTarget;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks, before anything of a new database is created, that its {@code spec.bootstrap.fromBackup}
 * can be done: the store answers with these credentials, the backup or restore point exists, the
 * time lies inside the archived window. A refusal becomes the database's InvalidSpec condition and
 * Event, and nothing is created; a plan once found is remembered for the resource (its objects in
 * the store are immutable).
 */
public final class RestoreGate {
  private final KubernetesClient client;
  private final Map<String, RestorePlan> planned = new ConcurrentHashMap<>();

  public RestoreGate(KubernetesClient client) {
    this.client = client;
  }

  /** Null when the database restores nothing or its restore is possible, else the problem. */
  public String problem(ShardedDatabase sdb) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    FromBackupSpec from = spec.restoreSource();
    if (from == null) {
      return null;
    }
    String uid = sdb.getMetadata().getUid() + "/" + sdb.getMetadata().getName();
    if (planned.containsKey(uid)) {
      return null;
    }
    try {
      RestorePlan plan = plan(client, sdb.getMetadata().getNamespace(), spec);
      planned.put(uid, plan);
      return null;
    } catch (RuntimeException e) {
      return "spec.bootstrap.fromBackup: " + e.getMessage();
    }
  }

  /** Plans the restore {@code spec} asks for, or throws with the reason. */
  public static RestorePlan plan(
      KubernetesClient client, String namespace, ShardedDatabaseSpec spec) {
    FromBackupSpec from = spec.restoreSource();
    if (spec.backup() == null || spec.backup().store() == null) {
      throw new IllegalArgumentException(
          "a restore reads the source's backups from spec.backup.store, which is not set");
    }
    RestoreTarget target;
    if (from.backup() != null) {
      target = new RestoreTarget.Backup(from.backup());
    } else if (from.time() != null) {
      target = new RestoreTarget.Time(BackupEnv.epochMillis(from.time()));
    } else if (from.restorePoint() != null) {
      target = new RestoreTarget.Point(from.restorePoint());
    } else {
      throw new IllegalArgumentException("set one of backup, time or restorePoint");
    }
    try (BackupStore store = BackupStores.open(client, namespace, spec.backup().store())) {
      return new BackupCatalog(store, from.source()).plan(target);
    }
  }
}
