package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.BootstrapSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.BackupStoreException;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.backup.resource.BackupStores;
import io.shardeddb.backup.resource.RestoreGate;
import io.shardeddb.cli.output.TextTable;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb restore SOURCE NEW (--backup N | --time T | --restore-point N | --timestamp
 * TS) [--from-store FILE] [--wait]}: creates the new database NEW from SOURCE's backups (never
 * overwriting one). The restore is planned first against the store (the same planner the operator
 * runs), so an unknown backup, a time or global timestamp outside the archived window or refused
 * credentials fail here with nothing created. SOURCE's store is read from its resource, or, with
 * {@code --from-store} (the resource gone: docs/backup.md, "Disaster recovery"), named on the
 * command line. With {@code --wait}, returns once NEW is Ready and every shard's restored checksum
 * is verified.
 */
@Command(name = "restore", description = "Create a new ShardedDatabase from another's backups.")
public final class RestoreCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the database backed up")
  String source;

  @Parameters(index = "1", paramLabel = "NEW", description = "the database to create")
  String target;

  static final class Target {
    @Option(names = "--backup", description = "a base backup's name")
    String backup;

    @Option(names = "--time", description = "an RFC 3339 time (point-in-time recovery)")
    String time;

    @Option(names = "--restore-point", description = "a restore point's name")
    String restorePoint;

    @Option(
        names = "--timestamp",
        paramLabel = "TS",
        description =
            "a global timestamp (a write's `timestamp`): every shard exactly as of its entries"
                + " stamped at or below it")
    Long timestamp;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target what;

  @Option(names = "--wait", description = "return once NEW is Ready with checksums verified")
  boolean waitForIt;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "how long --wait waits (e.g. 30m; default 10m)")
  Duration timeout;

  @Option(
      names = "--dry-run",
      description = "print NEW's ShardedDatabase as YAML (to edit and apply) and create nothing")
  boolean dryRun;

  @Mixin StoreOptions store;
  @Mixin KubeconfigOption cluster;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = cluster.client()) {
      String ns = client.getNamespace();
      if (BackupSupport.database(client, target) != null) {
        return fail(
            err,
            "ShardedDatabase '"
                + target
                + "' already exists; a restore creates a new database and never overwrites one");
      }
      if (what.time != null) {
        try {
          FromBackupSpec.epochMillis(what.time);
        } catch (IllegalArgumentException e) {
          return fail(err, "--time '" + what.time + "' is not an RFC 3339 time");
        }
      }
      if (what.timestamp != null && what.timestamp <= 0) {
        return fail(err, "--timestamp " + what.timestamp + " is not a global timestamp (one > 0)");
      }
      FromBackupSpec from =
          new FromBackupSpec(source, what.backup, what.time, what.restorePoint, what.timestamp);
      if (store.given()) {
        return fromStore(client, ns, from, out, err);
      }
      ShardedDatabase src = BackupSupport.database(client, source);
      if (src == null || src.getSpec() == null) {
        return fail(
            err,
            "ShardedDatabase '"
                + source
                + "' not found in "
                + ns
                + "; to restore from its backups without it, name their store with --from-store"
                + " FILE (docs/backup.md, \"Disaster recovery\")");
      }
      if (src.getSpec().backup() == null || src.getSpec().backup().store() == null) {
        return fail(err, "ShardedDatabase '" + source + "' has no spec.backup.store");
      }
      ShardedDatabaseSpec newSpec = src.getSpec().withBootstrap(new BootstrapSpec(from));
      RestorePlan plan = null;
      try {
        plan = RestoreGate.plan(client, ns, newSpec);
        // The schema as the base backup recorded it, the layout at the target (resharding moves
        // between the base and the target included: docs/backup.md).
        if (plan.base().specJson() != null) {
          newSpec = restored(newSpec, plan, recorded(plan));
        }
      } catch (BackupStoreException e) {
        if (e.reason() != BackupStoreException.Reason.StoreUnreachable) {
          return fail(err, e.getMessage());
        }
        err.println("warning: " + e.getMessage() + " (from here); the operator checks the restore");
      } catch (RuntimeException e) {
        return fail(err, e.getMessage());
      }
      return create(client, ns, newSpec, plan, source, out, err);
    }
  }

  /**
   * A restore from the store alone (docs/backup.md, "Disaster recovery"): SOURCE's resource is not
   * read. Its archive's owner marker must be in the store (and name the source's UID while a
   * ShardedDatabase of its name exists, {@link RestoreGate#owner}); NEW's spec is the one the base
   * backup recorded, with the store named here.
   */
  private int fromStore(
      KubernetesClient client, String ns, FromBackupSpec from, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    if (source.equals(target)) {
      return fail(
          err,
          "NEW must not be SOURCE's name: the store keeps "
              + source
              + "'s archive under that name, which a new database of that name could not archive"
              + " into (its owner marker names the source); restore under another name");
    }
    ShardedDatabaseSpec newSpec;
    RestorePlan plan;
    ArchiveOwner owner;
    try {
      BackupStoreSpec named = store.spec();
      owner = RestoreGate.owner(client, ns, named, source);
      ShardedDatabaseSpec asked =
          ShardedDatabaseSpec.builder()
              .backup(new BackupSpec(named, null, null, null))
              .bootstrap(new BootstrapSpec(from))
              .build();
      plan = RestoreGate.plan(client, ns, asked);
      newSpec = fromStoreSpec(plan, from, named);
    } catch (RuntimeException e) {
      return fail(err, e.getMessage());
    }
    return create(client, ns, newSpec, plan, owner.describe() + " (from the store)", out, err);
  }

  /**
   * NEW's spec restored from the store alone: the spec {@code plan}'s base backup recorded, with
   * {@code store} for its backups (its schedule, retention and archive interval kept), restored
   * from {@code from}, as {@link #restored} shapes it.
   */
  static ShardedDatabaseSpec fromStoreSpec(
      RestorePlan plan, FromBackupSpec from, BackupStoreSpec store) {
    ShardedDatabaseSpec then = recorded(plan);
    if (then == null) {
      throw new IllegalArgumentException(
          "backup '"
              + plan.base().name()
              + "' of '"
              + plan.source()
              + "' records no spec of the database, so a restore from the store alone cannot"
              + " build one; write the ShardedDatabase with spec.bootstrap.fromBackup yourself");
    }
    BackupSpec kept = then.backup();
    BackupSpec backup =
        kept == null
            ? new BackupSpec(store, null, null, null)
            : new BackupSpec(
                store, kept.schedule(), kept.retention(), kept.archiveIntervalSeconds());
    return restored(then.withBackup(backup).withBootstrap(new BootstrapSpec(from)), plan, then);
  }

  /** The spec the plan's base backup recorded, or null (a manifest without one). */
  static ShardedDatabaseSpec recorded(RestorePlan plan) {
    return plan.base().specJson() == null
        ? null
        : Serialization.unmarshal(plan.base().specJson(), ShardedDatabaseSpec.class);
  }

  /**
   * {@code spec} as a restore creates it: the schema as the base backup recorded it ({@code then}),
   * the layout at the target ({@link #shardsAtTarget}), no assignment's server names.
   */
  static ShardedDatabaseSpec restored(
      ShardedDatabaseSpec spec, RestorePlan plan, ShardedDatabaseSpec then) {
    return spec.withSchema(then.schema())
        .withShards(shardsAtTarget(plan, then, spec))
        .withServers(null);
  }

  private int create(
      KubernetesClient client,
      String ns,
      ShardedDatabaseSpec newSpec,
      RestorePlan plan,
      String fromWhom,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    ShardedDatabase db = new ShardedDatabase();
    db.setMetadata(new ObjectMetaBuilder().withName(target).withNamespace(ns).build());
    db.setSpec(newSpec);
    if (dryRun) {
      out.print(Serialization.asYaml(db));
      out.flush();
      return 0;
    }
    client.resource(db).inNamespace(ns).create();
    out.println(
        "restoring " + target + " from " + fromWhom + (plan == null ? "" : ": " + plan.summary()));
    out.flush();
    if (!waitForIt) {
      return 0;
    }
    return awaitVerified(client, ns, newSpec, plan, out, err);
  }

  /**
   * {@code spec.shards} of the restored database: the plan's layout at the target, each shard with
   * the replicas the base backup's spec (else the source's spec now) gave it; the base backup's
   * spec's shards when the plan does not know its shards' ranges (a backup from before resharding).
   */
  static List<ShardSpec> shardsAtTarget(
      RestorePlan plan, ShardedDatabaseSpec then, ShardedDatabaseSpec now) {
    if (plan.layout().isEmpty()) {
      return then.shards();
    }
    List<ShardSpec> out = new ArrayList<>();
    for (BackupManifest.ShardRange r : plan.layout()) {
      Integer replicas =
          java.util.stream.Stream.of(then, now)
              .flatMap(s -> s.shardsOrEmpty().stream())
              .filter(s -> s.id().equals(r.shard()))
              .map(ShardSpec::replicas)
              .filter(java.util.Objects::nonNull)
              .findFirst()
              .orElse(null);
      out.add(new ShardSpec(r.shard(), r.low(), r.size(), replicas));
    }
    return out;
  }

  private int awaitVerified(
      KubernetesClient client,
      String ns,
      ShardedDatabaseSpec newSpec,
      RestorePlan plan,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      ShardedDatabase now = BackupSupport.database(client, target);
      Condition ready = readyCondition(now);
      if (ready != null && "True".equals(ready.getStatus())) {
        break;
      }
      if (ready != null && "InvalidSpec".equals(ready.getReason())) {
        return fail(err, target + " was refused: " + ready.getMessage());
      }
      if (Instant.now().isAfter(deadline)) {
        return fail(err, target + " was not Ready within " + HumanDuration.format(timeout));
      }
      Thread.sleep(1000);
    }
    TextTable table = new TextTable("SHARD", "LSN", "ROWS", "CHECKSUM", "VERIFIED");
    boolean ok = true;
    try (BackupStore store = BackupStores.open(client, ns, newSpec.backup().store())) {
      for (ShardSpec shard : newSpec.shardsOrEmpty()) {
        List<Map<?, ?>> reports = new ArrayList<>();
        for (String key : store.list(target + "/restore/" + shard.id() + "/")) {
          store.get(key).ifPresent(b -> reports.add(BackupJson.read(b, Map.class)));
        }
        String checksum = reports.isEmpty() ? null : String.valueOf(reports.get(0).get("checksum"));
        boolean agree =
            !reports.isEmpty()
                && reports.stream()
                    .allMatch(
                        r ->
                            String.valueOf(r.get("checksum")).equals(checksum)
                                && Boolean.TRUE.equals(r.get("baseVerified")));
        ShardBaseBackup base = plan == null ? null : plan.base().shard(shard.id());
        if (agree && what.backup != null && base != null) {
          agree = base.checksum().equals(checksum);
        }
        ok &= agree;
        table.row(
            shard.id(),
            reports.isEmpty() ? null : reports.get(0).get("lsn"),
            reports.isEmpty() ? null : reports.get(0).get("rows"),
            checksum,
            agree ? "yes (" + reports.size() + " replicas)" : "NO");
      }
    }
    out.print(table.render());
    out.println(ok ? target + " is Ready, restored and verified" : "verification FAILED");
    out.flush();
    return ok ? 0 : 1;
  }

  private static Condition readyCondition(ShardedDatabase db) {
    if (db == null || db.getStatus() == null || db.getStatus().conditions() == null) {
      return null;
    }
    return db.getStatus().conditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static int fail(PrintWriter err, String message) {
    err.println("error: " + message);
    err.flush();
    return 1;
  }
}
