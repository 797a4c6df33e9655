package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.BootstrapSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
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
 * {@code kubectl-sdb restore SOURCE NEW (--backup N | --time T | --restore-point N) [--wait]}:
 * creates the new database NEW from SOURCE's backups (never overwriting one). The restore is
 * planned first against the store (the same planner the operator runs), so an unknown backup, a
 * time outside the archived window or refused credentials fail here with nothing created. With
 * {@code --wait}, returns once NEW is Ready and every shard's restored checksum is verified.
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
      ShardedDatabase src = BackupSupport.database(client, source);
      if (src == null || src.getSpec() == null) {
        return fail(err, "ShardedDatabase '" + source + "' not found in " + ns);
      }
      if (src.getSpec().backup() == null || src.getSpec().backup().store() == null) {
        return fail(err, "ShardedDatabase '" + source + "' has no spec.backup.store");
      }
      if (what.time != null) {
        try {
          FromBackupSpec.epochMillis(what.time);
        } catch (IllegalArgumentException e) {
          return fail(err, "--time '" + what.time + "' is not an RFC 3339 time");
        }
      }
      FromBackupSpec from = new FromBackupSpec(source, what.backup, what.time, what.restorePoint);
      ShardedDatabaseSpec newSpec = src.getSpec().withBootstrap(new BootstrapSpec(from));
      RestorePlan plan = null;
      try {
        plan = RestoreGate.plan(client, ns, newSpec);
        // The schema as the base backup recorded it, the layout at the target (resharding moves
        // between the base and the target included: docs/backup.md).
        if (plan.base().specJson() != null) {
          ShardedDatabaseSpec then =
              Serialization.unmarshal(plan.base().specJson(), ShardedDatabaseSpec.class);
          newSpec =
              newSpec
                  .withSchema(then.schema())
                  .withShards(shardsAtTarget(plan, then, src.getSpec()))
                  .withServers(null);
        }
      } catch (BackupStoreException e) {
        if (e.reason() != BackupStoreException.Reason.StoreUnreachable) {
          return fail(err, e.getMessage());
        }
        err.println("warning: " + e.getMessage() + " (from here); the operator checks the restore");
      } catch (RuntimeException e) {
        return fail(err, e.getMessage());
      }
      ShardedDatabase db = new ShardedDatabase();
      db.setMetadata(new ObjectMetaBuilder().withName(target).withNamespace(ns).build());
      db.setSpec(newSpec);
      client.resource(db).inNamespace(ns).create();
      out.println(
          "restoring " + target + " from " + source + (plan == null ? "" : ": " + plan.summary()));
      out.flush();
      if (!waitForIt) {
        return 0;
      }
      return awaitVerified(client, ns, newSpec, plan, out, err);
    }
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
