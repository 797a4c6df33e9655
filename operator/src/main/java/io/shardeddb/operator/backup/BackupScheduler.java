package io.shardeddb.operator.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.BackupRetentionSpec;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import io.shardeddb.backup.ArchivePruning;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.resource.BackupStores;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.protocol.topology.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spec.backup.schedule} and {@code spec.backup.retention} (docs/backup.md): once a minute,
 * for every database whose schedule fires in this minute, creates the ShardedDatabaseBackup {@code
 * <db>-sched-<yyyyMMddHHmm>} (a fixed name, so a second operator or a repeated tick creates nothing
 * more); and deletes the oldest complete base backups past {@code maxCount} or older than {@code
 * maxAgeDays} — the manifest first (a backup without one is no longer complete, so no restore picks
 * it), then its snapshots, then the resource. A minute in which the operator was down is skipped.
 * After a resharding move it takes a base backup ({@link #afterMove}), so a restore past the move
 * replays less of the archive. It also reports a shard whose archive is stalled as a Warning Event
 * on the database.
 */
public final class BackupScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
  static final String SCHEDULED_LABEL = "shardeddb.io/scheduled-by";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final Clock clock;

  /** The watched namespaces; empty: all. */
  private final List<String> namespaces;

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("backup-scheduler").factory());

  private final ShardServerClient shards;
  private final BackupEvents events;
  private final ObjectMapper json = new ObjectMapper();

  /** Stalled shards, by database: reported by Events here, as a condition by the reconciler. */
  private final ArchiveHealth archives;

  public BackupScheduler(
      KubernetesClient client,
      Clock clock,
      Collection<String> namespaces,
      ShardServerClient shards,
      ArchiveHealth archives) {
    this.archives = archives;
    this.client = client;
    this.clock = clock;
    this.namespaces = List.copyOf(namespaces);
    this.shards = shards;
    this.events = new BackupEvents(client, clock);
  }

  private List<ShardedDatabase> databases() {
    if (namespaces.isEmpty()) {
      return client.resources(ShardedDatabase.class).inAnyNamespace().list().getItems();
    }
    List<ShardedDatabase> out = new ArrayList<>();
    for (String ns : namespaces) {
      out.addAll(client.resources(ShardedDatabase.class).inNamespace(ns).list().getItems());
    }
    return out;
  }

  public void start() {
    long delay =
        Duration.between(
                clock.instant(), clock.instant().truncatedTo(ChronoUnit.MINUTES).plusSeconds(61))
            .toMillis();
    timer.scheduleAtFixedRate(
        this::tickQuietly, Math.max(1000, delay), 60_000, TimeUnit.MILLISECONDS);
  }

  private void tickQuietly() {
    try {
      tick(clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("backup schedule pass failed: {}", e.toString());
    }
  }

  /**
   * How far back a pass looks for a scheduled minute it missed: a late pass (or one after an
   * operator restart of up to an hour) still takes the backup that was due, once.
   */
  static final int CATCH_UP_MINUTES = 60;

  /** Archive gaps already announced by an Event (each once per operator process). */
  private final java.util.Set<String> gapsReported =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The minute of the last pass (null before the first: then it looks back CATCH_UP_MINUTES). */
  private ZonedDateTime lastPass;

  /** One pass for the minute of {@code now}, and the scheduled minutes since the last pass. */
  public void tick(Instant now) {
    ZonedDateTime minute = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    ZonedDateTime since = lastPass;
    lastPass = minute;
    for (ShardedDatabase db : databases()) {
      BackupSpec backup = db.getSpec() == null ? null : db.getSpec().backup();
      if (backup == null || backup.store() == null) {
        continue;
      }
      if (backup.schedule() != null) {
        try {
          // Named by the minute it was due: a later pass that looks back again creates nothing new.
          CronSchedule.parse(backup.schedule())
              .latestDue(since, minute, CATCH_UP_MINUTES)
              .ifPresent(
                  due -> create(db, db.getMetadata().getName() + "-sched-" + STAMP.format(due)));
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: {}", db.getMetadata().getName(), e.getMessage());
        }
      }
      String afterMove = afterMove(db, backupsOf(db));
      if (afterMove != null) {
        create(db, afterMove);
      }
      if (backup.retention() != null) {
        expire(db, backup.retention(), now);
      }
      checkArchive(db);
    }
  }

  /**
   * Asks each shard's primary how its archive stands ({@code GET /backup/status}); a stalled one
   * (failing past its bound, the log held back) or a refused one (the store's archive is another
   * incarnation's) gets a Warning Event on the database, once, and a Normal one when it recovers:
   * never silent.
   */
  private void checkArchive(ShardedDatabase db) {
    if (db.getStatus() == null || db.getStatus().shards() == null) {
      return;
    }
    for (ShardStatus shard : db.getStatus().shards()) {
      String url =
          (shard.replicas() == null ? List.<ReplicaStatus>of() : shard.replicas())
              .stream()
                  .filter(r -> r.role() == Role.Primary && r.url() != null)
                  .map(ReplicaStatus::url)
                  .findFirst()
                  .orElse(null);
      if (url == null) {
        continue;
      }
      String database = db.getMetadata().getNamespace() + "/" + db.getMetadata().getName();
      try {
        JsonNode s = json.readTree(shards.getJson(url, "/backup/status"));
        if (s.path("gap").isTextual()
            && gapsReported.add(database + "/" + s.path("gap").asText())) {
          // Recorded in the store too (ArchiveGap): restores refuse to replay across it.
          events.warning(db, "ArchiveGap", "shard " + shard.id() + ": " + s.path("gap").asText());
        }
        if (s.path("refused").isTextual()) {
          refused(db, database, shard.id(), s.path("refused").asText());
        } else if (s.path("stalled").asBoolean()) {
          String error = s.path("lastError").asText("unknown error");
          if (archives.report(database, shard.id(), error)) {
            events.warning(
                db,
                "ArchiveStalled",
                "shard "
                    + shard.id()
                    + ": archiving has failed for longer than its bound (the log is kept, not"
                    + " trimmed, until it recovers): "
                    + error);
          }
        } else if (archives.report(database, shard.id(), null)) {
          events.normal(db, "ArchiveRecovered", "shard " + shard.id() + ": archiving caught up");
        }
      } catch (RuntimeException | java.io.IOException e) {
        LOG.debug("archive status of {}/{}: {}", database, shard.id(), e.toString());
      }
    }
  }

  /**
   * A shard whose archive is another database incarnation's (docs/backup.md, "One owner per
   * archive"): a Warning Event, once, naming the owner and what to do; the condition says it lasts.
   */
  private void refused(ShardedDatabase db, String database, String shard, String why) {
    if (archives.report(database, shard, why, true)) {
      events.warning(db, "ArchiveRefused", "shard " + shard + ": " + why);
    }
  }

  private void create(ShardedDatabase db, String name) {
    ShardedDatabaseBackup b = new ShardedDatabaseBackup();
    b.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(db.getMetadata().getNamespace())
            .addToLabels(SCHEDULED_LABEL, db.getMetadata().getName())
            .build());
    b.setSpec(
        new ShardedDatabaseBackupSpec(
            db.getMetadata().getName(), ShardedDatabaseBackupSpec.BackupMethod.Base));
    try {
      client.resource(b).inNamespace(db.getMetadata().getNamespace()).create();
      LOG.info("scheduled backup {} of {}", name, db.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private List<ShardedDatabaseBackup> backupsOf(ShardedDatabase db) {
    String name = db.getMetadata().getName();
    return client
        .resources(ShardedDatabaseBackup.class)
        .inNamespace(db.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(b -> b.getSpec() != null && name.equals(b.getSpec().database()))
        .toList();
  }

  /**
   * The base backup to take after a resharding move (pure, for tests), or null: a restore past the
   * move then starts from it instead of replaying the move (docs/backup.md). Taken once a move is
   * Done when the database has a base backup (it uses backups) and none was created after the
   * move's fence; named after the move, so a repeated tick or a second operator creates nothing
   * more.
   */
  static String afterMove(ShardedDatabase db, List<ShardedDatabaseBackup> backups) {
    if (db.getStatus() == null || db.getStatus().resharding() == null) {
      return null;
    }
    MoveStatus last =
        db.getStatus().resharding().movesOrEmpty().stream()
            .filter(m -> m.phase() == MovePhase.Done && m.fencedAt() != null)
            .max(Comparator.comparing(m -> Instant.parse(m.fencedAt())))
            .orElse(null);
    List<ShardedDatabaseBackup> bases =
        backups.stream()
            .filter(
                b -> b.getSpec().methodOrDefault() == ShardedDatabaseBackupSpec.BackupMethod.Base)
            .filter(
                b ->
                    b.getStatus() == null
                        || !ShardedDatabaseBackupStatus.FAILED.equals(b.getStatus().phase()))
            .toList();
    if (last == null || bases.isEmpty()) {
      return null;
    }
    Instant fenced = Instant.parse(last.fencedAt());
    boolean taken =
        bases.stream()
            .map(b -> b.getMetadata().getCreationTimestamp())
            .anyMatch(t -> t == null || !Instant.parse(t).isBefore(fenced));
    if (taken) {
      return null;
    }
    String id = last.id().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    String name = db.getMetadata().getName() + "-after-" + id;
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
  }

  /** The complete base backups among {@code backups}, oldest first. */
  private static List<ShardedDatabaseBackup> completeBases(List<ShardedDatabaseBackup> backups) {
    return backups.stream()
        .filter(b -> b.getSpec().methodOrDefault() == ShardedDatabaseBackupSpec.BackupMethod.Base)
        .filter(
            b ->
                b.getStatus() != null
                    && ShardedDatabaseBackupStatus.COMPLETED.equals(b.getStatus().phase()))
        .sorted(Comparator.comparing(b -> Instant.parse(b.getStatus().completedAt())))
        .toList();
  }

  /** The backups {@code retention} removes, oldest first (pure, for tests). */
  static List<ShardedDatabaseBackup> expired(
      List<ShardedDatabaseBackup> backups, BackupRetentionSpec retention, Instant now) {
    List<ShardedDatabaseBackup> complete = completeBases(backups);
    List<ShardedDatabaseBackup> out = new ArrayList<>();
    int keep = retention.maxCount() == null ? Integer.MAX_VALUE : retention.maxCount();
    for (int i = 0; i < complete.size(); i++) {
      ShardedDatabaseBackup b = complete.get(i);
      boolean tooMany = complete.size() - i > keep;
      boolean tooOld =
          retention.maxAgeDays() != null
              && Instant.parse(b.getStatus().completedAt())
                  .isBefore(now.minus(Duration.ofDays(retention.maxAgeDays())));
      // The newest complete backup is never expired by age alone: PITR needs a base.
      if (tooMany || (tooOld && i < complete.size() - 1)) {
        out.add(b);
      }
    }
    return out;
  }

  private void expire(ShardedDatabase db, BackupRetentionSpec retention, Instant now) {
    String ns = db.getMetadata().getNamespace();
    String name = db.getMetadata().getName();
    List<ShardedDatabaseBackup> mine =
        client.resources(ShardedDatabaseBackup.class).inNamespace(ns).list().getItems().stream()
            .filter(b -> b.getSpec() != null && name.equals(b.getSpec().database()))
            .toList();
    List<ShardedDatabaseBackup> gone = expired(mine, retention, now);
    if (gone.isEmpty()) {
      return;
    }
    try (BackupStore store = BackupStores.open(client, ns, db.getSpec().backup().store())) {
      for (ShardedDatabaseBackup b : gone) {
        String backup = b.getMetadata().getName();
        store.delete(BackupKeys.manifest(name, backup));
        for (String key : store.list(BackupKeys.backupsPrefix(name) + backup + "/")) {
          store.delete(key);
        }
        client.resource(b).inNamespace(ns).delete();
        LOG.info("retention: deleted backup {} of {}", backup, name);
      }
      pruneArchive(store, name, mine, gone);
    }
  }

  /**
   * Deletes the archive's segments behind the oldest base backup kept ({@link ArchivePruning}): no
   * restore can start before it, and restores then list only the kept window.
   */
  private void pruneArchive(
      BackupStore store,
      String name,
      List<ShardedDatabaseBackup> mine,
      List<ShardedDatabaseBackup> gone) {
    Optional<String> oldest =
        completeBases(mine).stream()
            .filter(b -> !gone.contains(b))
            .findFirst()
            .map(b -> b.getMetadata().getName());
    Optional<BackupManifest> manifest =
        oldest.flatMap(
            b ->
                store
                    .get(BackupKeys.manifest(name, b))
                    .map(bytes -> BackupJson.read(bytes, BackupManifest.class)));
    if (manifest.isEmpty()) {
      return;
    }
    List<String> prunable =
        ArchivePruning.behindOldestBase(name, manifest.get(), store.list(BackupKeys.walRoot(name)));
    prunable.forEach(store::delete);
    if (!prunable.isEmpty()) {
      LOG.info(
          "retention: deleted {} archive segments of {} behind base backup {}",
          prunable.size(),
          name,
          oldest.get());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
