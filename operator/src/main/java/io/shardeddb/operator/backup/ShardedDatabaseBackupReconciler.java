package io.shardeddb.operator.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardBackupStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.backup.resource.BackupStores;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.protocol.topology.Role;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Takes a {@link ShardedDatabaseBackup} (docs/backup.md). A base backup asks one replica of every
 * shard (a caught-up secondary where there is one, else the primary) to stream a snapshot into the
 * store ({@code POST /backup/base}, idempotent, so each pass just asks again and reads the
 * progress), and once every shard's snapshot is in, writes the manifest (its presence is what makes
 * the backup complete) and marks the resource Completed. A restore point pauses every shard's
 * commits at once for a moment and records each one's LSN, only when every pause overlapped ({@link
 * RestorePoints}, {@link CutCheck}); otherwise a later pass tries again. Never waits for progress:
 * a pass asks and requeues.
 */
@ControllerConfiguration(name = ShardedDatabaseBackupReconciler.NAME)
public class ShardedDatabaseBackupReconciler implements Reconciler<ShardedDatabaseBackup> {
  public static final String NAME = "shardeddatabasebackup";
  private static final Duration POLL = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final ShardServerClient shards;
  private final Clock clock;
  private final BackupEvents events;
  private final RestorePoints restorePoints;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The replica chosen per backup and shard, kept while it answers. */
  private final Map<String, String> chosen = new HashMap<>();

  public ShardedDatabaseBackupReconciler(
      KubernetesClient client, ShardServerClient shards, Clock clock) {
    this.client = client;
    this.shards = shards;
    this.clock = clock;
    this.events = new BackupEvents(client, clock);
    this.restorePoints = new RestorePoints(shards);
  }

  @Override
  public UpdateControl<ShardedDatabaseBackup> reconcile(
      ShardedDatabaseBackup backup, Context<ShardedDatabaseBackup> context) {
    ShardedDatabaseBackupStatus status = backup.getStatus();
    if (status != null && status.finished()) {
      return UpdateControl.noUpdate();
    }
    String ns = backup.getMetadata().getNamespace();
    String name = backup.getMetadata().getName();
    ShardedDatabaseBackupSpec spec = backup.getSpec();
    Instant now = clock.instant();
    String startedAt =
        status != null && status.startedAt() != null ? status.startedAt() : now.toString();
    if (spec == null || spec.database() == null) {
      return fail(backup, startedAt, "InvalidSpec", "spec.database is required");
    }
    ShardedDatabase sdb =
        client.resources(ShardedDatabase.class).inNamespace(ns).withName(spec.database()).get();
    if (sdb == null) {
      return fail(
          backup, startedAt, "DatabaseNotFound", "database " + spec.database() + " does not exist");
    }
    ShardedDatabaseSpec dbSpec = sdb.getSpec();
    if (dbSpec == null || dbSpec.backup() == null || dbSpec.backup().store() == null) {
      return fail(
          backup,
          startedAt,
          "BackupNotConfigured",
          "database " + spec.database() + " has no spec.backup.store");
    }
    if (status == null) {
      events.normal(
          backup, "BackupStarted", spec.methodOrDefault() + " backup of " + spec.database());
    }
    try (BackupStore store = BackupStores.open(client, ns, dbSpec.backup().store())) {
      if (spec.methodOrDefault() == ShardedDatabaseBackupSpec.BackupMethod.RestorePoint) {
        return restorePoint(backup, sdb, store, startedAt);
      }
      return base(backup, sdb, store, startedAt);
    } catch (RuntimeException e) {
      // The store or the Secret: say so and retry (archiving and writes go on meanwhile).
      return running(backup, startedAt, List.of(), "StoreUnavailable", e.getMessage(), null);
    }
  }

  private UpdateControl<ShardedDatabaseBackup> base(
      ShardedDatabaseBackup backup, ShardedDatabase sdb, BackupStore store, String startedAt) {
    String name = backup.getMetadata().getName();
    String db = sdb.getMetadata().getName();
    List<ShardStatus> shardStatuses =
        sdb.getStatus() == null || sdb.getStatus().shards() == null
            ? List.of()
            : sdb.getStatus().shards();
    List<ShardSpec> specShards = sdb.getSpec().shardsOrEmpty();
    if (specShards.isEmpty() || shardStatuses.size() < specShards.size()) {
      return running(
          backup,
          startedAt,
          List.of(),
          "AwaitingDatabase",
          "the database has no running shards yet",
          null);
    }
    List<ShardBackupStatus> out = new ArrayList<>();
    List<ShardBaseBackup> done = new ArrayList<>();
    for (ShardStatus shard : shardStatuses) {
      String key = name + "/" + shard.id();
      String url = chosen.computeIfAbsent(key, k -> pick(shard).orElse(null));
      if (url == null) {
        out.add(new ShardBackupStatus(shard.id(), null, null, null, null, null, "Pending"));
        continue;
      }
      try {
        JsonNode s = json.readTree(shards.postJson(url, "/backup/base", Map.of("name", name)));
        String phase = s.path("phase").asText();
        if ("Failed".equals(phase)) {
          return fail(
              backup,
              startedAt,
              "ShardBackupFailed",
              "shard " + shard.id() + ": " + s.path("message").asText());
        }
        if ("Completed".equals(phase)) {
          ShardBaseBackup r = json.treeToValue(s.get("result"), ShardBaseBackup.class);
          done.add(r);
          out.add(
              new ShardBackupStatus(
                  r.shard(),
                  r.lsn(),
                  r.rows(),
                  r.checksum(),
                  r.bytes(),
                  r.takenFrom(),
                  "Completed"));
        } else {
          out.add(
              new ShardBackupStatus(
                  shard.id(), null, s.path("rowsDone").asLong(), null, null, null, "Running"));
        }
      } catch (ShardServerException | IOException e) {
        chosen.remove(key);
        out.add(new ShardBackupStatus(shard.id(), null, null, null, null, null, "Pending"));
      }
    }
    if (done.size() < shardStatuses.size()) {
      return running(
          backup,
          startedAt,
          out,
          "BackingUp",
          done.size() + " of " + shardStatuses.size() + " shards backed up",
          null);
    }
    long completed = clock.millis();
    List<BackupManifest.ShardRange> layout =
        specShards.stream()
            .map(s -> new BackupManifest.ShardRange(s.id(), s.low(), s.size()))
            .toList();
    String straddles = SnapshotCoverage.problem(done, layout, json);
    if (straddles != null) {
      chosen.keySet().removeIf(k -> k.startsWith(name + "/"));
      return fail(
          backup,
          startedAt,
          "SnapshotsNotACut",
          straddles + "; nothing was stored as backup " + name + ": take it again");
    }
    BackupManifest manifest =
        new BackupManifest(
            name,
            db,
            Instant.parse(startedAt).toEpochMilli(),
            completed,
            done.stream().sorted(Comparator.comparing(ShardBaseBackup::shard)).toList(),
            layout,
            Serialization.asJson(sdb.getSpec().withBootstrap(null)));
    store.putBytes(BackupKeys.manifest(db, name), BackupJson.write(manifest));
    chosen.keySet().removeIf(k -> k.startsWith(name + "/"));
    events.normal(
        backup,
        "BackupCompleted",
        "backup of " + db + " complete: " + out.size() + " shards, " + manifest.bytes() + " bytes");
    backup.setStatus(
        new ShardedDatabaseBackupStatus(
            ShardedDatabaseBackupStatus.COMPLETED,
            startedAt,
            Instant.ofEpochMilli(completed).toString(),
            manifest.bytes(),
            out,
            List.of(
                condition(
                    "True",
                    "Completed",
                    "every shard's snapshot and the manifest are in the store")),
            "manifest " + BackupKeys.manifest(db, name)));
    return UpdateControl.patchStatus(backup);
  }

  private UpdateControl<ShardedDatabaseBackup> restorePoint(
      ShardedDatabaseBackup backup, ShardedDatabase sdb, BackupStore store, String startedAt) {
    RestorePoints.Outcome o = restorePoints.take(backup.getMetadata().getName(), sdb, store, clock);
    if (o.failure() != null) {
      return fail(backup, startedAt, o.reason(), o.failure());
    }
    if (o.lsns() == null) {
      return running(backup, startedAt, List.of(), "Fencing", o.message(), null);
    }
    List<ShardBackupStatus> out =
        o.lsns().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(
                e ->
                    new ShardBackupStatus(
                        e.getKey(), e.getValue(), null, null, null, null, "Completed"))
            .toList();
    events.normal(backup, "RestorePointCreated", o.message());
    backup.setStatus(
        new ShardedDatabaseBackupStatus(
            ShardedDatabaseBackupStatus.COMPLETED,
            startedAt,
            clock.instant().toString(),
            0L,
            out,
            List.of(condition("True", "Completed", o.message())),
            o.message()));
    return UpdateControl.patchStatus(backup);
  }

  /** A caught-up secondary, else the primary: a snapshot there costs the primary nothing. */
  static Optional<String> pick(ShardStatus shard) {
    List<ReplicaStatus> replicas = shard.replicas() == null ? List.of() : shard.replicas();
    Optional<String> secondary =
        replicas.stream()
            .filter(
                r ->
                    r.role() == Role.Secondary && Boolean.TRUE.equals(r.ready()) && r.url() != null)
            .map(ReplicaStatus::url)
            .findFirst();
    if (secondary.isPresent()) {
      return secondary;
    }
    return replicas.stream()
        .filter(r -> r.role() == Role.Primary && r.url() != null)
        .map(ReplicaStatus::url)
        .findFirst();
  }

  private UpdateControl<ShardedDatabaseBackup> running(
      ShardedDatabaseBackup backup,
      String startedAt,
      List<ShardBackupStatus> shards,
      String reason,
      String message,
      Long size) {
    backup.setStatus(
        new ShardedDatabaseBackupStatus(
            ShardedDatabaseBackupStatus.RUNNING,
            startedAt,
            null,
            size,
            shards.isEmpty() ? null : shards,
            List.of(condition("False", reason, message)),
            message));
    return UpdateControl.patchStatus(backup).rescheduleAfter(POLL);
  }

  private UpdateControl<ShardedDatabaseBackup> fail(
      ShardedDatabaseBackup backup, String startedAt, String reason, String message) {
    events.warning(backup, "BackupFailed", message);
    backup.setStatus(
        new ShardedDatabaseBackupStatus(
            ShardedDatabaseBackupStatus.FAILED,
            startedAt,
            clock.instant().toString(),
            null,
            backup.getStatus() == null ? null : backup.getStatus().shards(),
            List.of(condition("False", reason, message)),
            message));
    return UpdateControl.patchStatus(backup);
  }

  private Condition condition(String status, String reason, String message) {
    return new ConditionBuilder()
        .withType("Ready")
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
        .build();
  }
}
