package io.shardeddb.backup.resource;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.ArchiveOwnership;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestoreTarget;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks, before anything of a new database is created, that its {@code spec.bootstrap.fromBackup}
 * can be done: the store answers with these credentials, the backup or restore point exists, the
 * time lies inside the archived window, the archive is the source's (its owner marker names the
 * source's UID while the source exists: docs/backup.md, "One owner per archive"). A refusal becomes
 * the database's InvalidSpec condition and Event, and nothing is created; a plan once found is
 * remembered for the resource (its objects in the store are immutable).
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
    RestorePlan plan;
    try {
      plan = plan(client, sdb.getMetadata().getNamespace(), spec);
    } catch (RuntimeException e) {
      return "spec.bootstrap.fromBackup: " + e.getMessage();
    }
    String layout = layoutProblem(spec, plan);
    if (layout != null) {
      return layout;
    }
    planned.put(uid, plan);
    return null;
  }

  /**
   * Null when {@code spec.shards} is the layout at the restore's target (or names no shards, or the
   * plan does not know its layout), else what to write: each restored shard owns exactly what it
   * owned at the target (resharding moves after the base backup included), and a router that routed
   * by another layout would be refused (421) by every shard it asked.
   */
  public static String layoutProblem(ShardedDatabaseSpec spec, RestorePlan plan) {
    if (plan.layout().isEmpty() || spec.shardsOrEmpty().isEmpty()) {
      return null;
    }
    java.util.Set<String> want =
        plan.layout().stream()
            .map(r -> r.shard() + " [" + r.low() + ", " + (r.low() + r.size()) + ")")
            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    java.util.Set<String> have =
        spec.shardsOrEmpty().stream()
            .map(s -> s.id() + " [" + s.low() + ", " + (s.low() + s.size()) + ")")
            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    if (want.equals(have)) {
      return null;
    }
    return "spec.shards must be the layout at the restore's target ("
        + plan.summary()
        + "): "
        + String.join(", ", want)
        + "; it has "
        + String.join(", ", have)
        + " (kubectl-sdb restore writes it)";
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
      target = new RestoreTarget.Time(FromBackupSpec.epochMillis(from.time()));
    } else if (from.restorePoint() != null) {
      target = new RestoreTarget.Point(from.restorePoint());
    } else if (from.timestamp() != null) {
      target = new RestoreTarget.Timestamp(from.timestamp());
    } else {
      throw new IllegalArgumentException("set one of backup, time, restorePoint or timestamp");
    }
    try (BackupStore store = BackupStores.open(client, namespace, spec.backup().store())) {
      store.check();
      String uid =
          sourceUid(
              client,
              namespace,
              from.source(),
              ArchiveOwnership.marker(store, from.source()).orElse(null));
      return new BackupCatalog(store, from.source(), uid).plan(target);
    }
  }

  /**
   * The owner of {@code source}'s archive in {@code store}, for a restore from the store alone
   * (docs/backup.md, "Disaster recovery"): its marker must be there, and name the source's UID
   * while a source exists ({@link #sourceUid}); else a {@link io.shardeddb.backup.RestoreException}
   * naming the problem.
   */
  public static ArchiveOwner owner(
      KubernetesClient client, String namespace, BackupStoreSpec storeSpec, String source) {
    try (BackupStore store = BackupStores.open(client, namespace, storeSpec)) {
      store.check();
      Optional<ArchiveOwner> marker = ArchiveOwnership.marker(store, source);
      return ArchiveOwnership.requireMarkedForRestore(
          store, source, sourceUid(client, namespace, source, marker.orElse(null)));
    }
  }

  /**
   * The UID of the source database while it exists (its archive must be its own, not an earlier
   * incarnation's under the same name); null once it is gone (then the archive's one marked owner).
   * The source is looked for in the restore's {@code namespace} and, when the archive's owner
   * {@code marker} names another namespace, there too (a restore into another namespace or cluster
   * from the store alone); a ShardedDatabase there that cannot be read is refused, since then
   * nothing says the archive is still the source's.
   */
  static String sourceUid(
      KubernetesClient client, String namespace, String source, ArchiveOwner marker) {
    ShardedDatabase here = database(client, namespace, source);
    if (here != null || marker == null || marker.namespace() == null) {
      return here == null ? null : here.getMetadata().getUid();
    }
    if (marker.namespace().equals(namespace)) {
      return null;
    }
    ShardedDatabase there;
    try {
      there = database(client, marker.namespace(), source);
    } catch (KubernetesClientException e) {
      throw new IllegalArgumentException(
          "the archive of '"
              + source
              + "' belongs to ShardedDatabase "
              + marker.describe()
              + ", and whether "
              + marker.namespace()
              + "/"
              + source
              + " still exists (with that UID or another) cannot be read here ("
              + (e.getCode() == 0 ? e.getMessage() : "HTTP " + e.getCode())
              + "); restore into namespace "
              + marker.namespace()
              + ", or allow reading ShardedDatabases there",
          e);
    }
    return there == null ? null : there.getMetadata().getUid();
  }

  private static ShardedDatabase database(KubernetesClient client, String namespace, String name) {
    return client.resources(ShardedDatabase.class).inNamespace(namespace).withName(name).get();
  }
}
