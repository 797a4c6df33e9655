package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-database meters for Prometheus (docs/monitoring.md): each shard's epoch, ready replicas,
 * write quorum and whether its primary is ready, each replica's lag, each condition, the in-flight
 * resharding move's phase and progress, and failovers and switch-overs counted as the operator
 * records them, and when a database with {@code spec.backup} last completed a base backup.
 *
 * <p>Fed from the status the operator recorded: as a java-operator-sdk {@link Metrics} it reads the
 * resource at the start of every reconcile (the cached copy, which holds the status the previous
 * pass wrote, so the meters trail the status by at most one pass) and drops a database's series
 * when the resource is deleted. The same hook sees every ShardedDatabaseBackup the operator
 * reconciles (all of them once at start, finished ones included), which is how the last completed
 * base backup of each database is known. Labels: {@code namespace} and {@code database}, plus
 * {@code shard}, {@code pod}, {@code type}/{@code status}/{@code reason} or {@code phase}/{@code
 * move} where they apply. The operator's ServiceMonitor keeps them with {@code honorLabels}.
 */
public final class DatabaseMetrics implements Metrics {

  /** The backup controller's name (ShardedDatabaseBackupReconciler.NAME), as the SDK reports it. */
  static final String BACKUP_CONTROLLER = "shardeddatabasebackup";

  private final MeterRegistry registry;
  private final Clock clock;
  // Guarded by this: the last view of each database, from which every gauge is rebuilt.
  private final Map<ResourceID, View> databases = new TreeMap<>(DatabaseMetrics::compare);
  private final Map<ResourceID, List<Counter>> counters = new HashMap<>();
  private final MultiGauge epoch;
  private final MultiGauge readyReplicas;
  private final MultiGauge desiredReplicas;
  private final MultiGauge writeQuorum;
  private final MultiGauge primaryReady;
  private final MultiGauge replicaLag;
  private final MultiGauge condition;
  private final MultiGauge movePhase;
  private final MultiGauge moveRowsCopied;
  private final MultiGauge moveLastProgress;
  private final MultiGauge lastBackup;
  // Guarded by this: the newest completion time of a Completed base backup, per database.
  private final Map<ResourceID, Instant> lastBackups = new HashMap<>();

  /** Meters in {@code registry}; {@code clock} stamps a move's last progress. */
  public DatabaseMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    epoch =
        MultiGauge.builder("shardeddb.operator.shard.epoch")
            .description("the shard's epoch as the status records it; it grows at each election")
            .register(registry);
    readyReplicas =
        MultiGauge.builder("shardeddb.operator.shard.ready.replicas")
            .description("replicas of the shard that hold their role and are caught up")
            .register(registry);
    desiredReplicas =
        MultiGauge.builder("shardeddb.operator.shard.desired.replicas")
            .description("replicas the spec asks for")
            .register(registry);
    writeQuorum =
        MultiGauge.builder("shardeddb.operator.shard.write.quorum")
            .description("replicas a write needs (spec.writeQuorum of the desired replicas)")
            .register(registry);
    primaryReady =
        MultiGauge.builder("shardeddb.operator.shard.primary.ready")
            .description("1 when the shard has a primary and it is ready, else 0")
            .register(registry);
    replicaLag =
        MultiGauge.builder("shardeddb.operator.replica.lag")
            .description("log entries the replica is behind its primary (heartbeats)")
            .baseUnit("entries")
            .register(registry);
    condition =
        MultiGauge.builder("shardeddb.operator.condition")
            .description("1 for each condition's current type, status and reason")
            .register(registry);
    movePhase =
        MultiGauge.builder("shardeddb.operator.resharding.move.phase")
            .description("1 for the in-flight resharding move, labelled with its phase")
            .register(registry);
    moveRowsCopied =
        MultiGauge.builder("shardeddb.operator.resharding.move.rows.copied")
            .description("rows the in-flight move's destination has copied")
            .register(registry);
    moveLastProgress =
        MultiGauge.builder("shardeddb.operator.resharding.move.last.progress.timestamp")
            .description(
                "when the in-flight move last changed phase, rows, log position or attempt"
                    + " (Unix time, as this operator process saw it)")
            .baseUnit("seconds")
            .register(registry);
    lastBackup =
        MultiGauge.builder("shardeddb.operator.backup.last.completed.timestamp")
            .description(
                "when the database's newest Completed base backup completed (Unix time); before"
                    + " its first one, when the database was created; only databases with"
                    + " spec.backup")
            .baseUnit("seconds")
            .register(registry);
  }

  /** Records the status {@code sdb} carries (none yet: an empty status). */
  public synchronized void record(ShardedDatabase sdb) {
    ResourceID id = ResourceID.fromResource(sdb);
    ShardedDatabaseStatus status = sdb.getStatus();
    View previous = databases.get(id);
    View view = View.of(sdb, status, previous, clock.instant());
    databases.put(id, view);
    counters.computeIfAbsent(
        id,
        k ->
            List.of(
                failovers(view.tags()),
                switchovers(view.tags()))); // at 0 from the start, so increase() sees the first
    publish();
  }

  /**
   * Takes note of a backup: a Completed base backup moves its database's last backup time forward
   * (never back: retention deleting older backups changes nothing).
   */
  public synchronized void recordBackup(ShardedDatabaseBackup backup) {
    ShardedDatabaseBackupStatus status = backup.getStatus();
    ShardedDatabaseBackupSpec spec = backup.getSpec();
    if (status == null
        || spec == null
        || spec.database() == null
        || spec.methodOrDefault() != ShardedDatabaseBackupSpec.BackupMethod.Base
        || !ShardedDatabaseBackupStatus.COMPLETED.equals(status.phase())) {
      return;
    }
    Instant completed = parse(status.completedAt());
    if (completed == null) {
      return;
    }
    ResourceID db = new ResourceID(spec.database(), backup.getMetadata().getNamespace());
    Instant known = lastBackups.get(db);
    if (known == null || completed.isAfter(known)) {
      lastBackups.put(db, completed);
      publish();
    }
  }

  /** Drops every series of the database {@code id}. */
  public synchronized void forget(ResourceID id) {
    lastBackups.remove(id);
    if (databases.remove(id) != null) {
      publish();
    }
    List<Counter> gone = counters.remove(id);
    if (gone != null) {
      gone.forEach(registry::remove);
    }
  }

  /** Counts the Events that are failovers and switch-overs (hooked into {@link EventRecorder}). */
  public void eventRecorded(ShardedDatabase sdb, EventReason reason) {
    Tags tags = databaseTags(sdb);
    switch (reason) {
      case FailoverCompleted -> failovers(tags).increment();
      case PrimarySwitchedOver -> switchovers(tags).increment();
      default -> {}
    }
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    if (resource instanceof ShardedDatabase sdb) {
      record(sdb);
    } else if (resource instanceof ShardedDatabaseBackup backup) {
      recordBackup(backup);
    }
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    // A deleted backup may carry its database's name: only a database's own deletion forgets it.
    if (!BACKUP_CONTROLLER.equals(metadata.get(Constants.CONTROLLER_NAME))) {
      forget(resourceID);
    }
  }

  private Counter failovers(Tags tags) {
    return Counter.builder("shardeddb.operator.failovers")
        .description("failovers the operator completed (a new primary elected after fencing)")
        .tags(tags)
        .register(registry);
  }

  private Counter switchovers(Tags tags) {
    return Counter.builder("shardeddb.operator.switchovers")
        .description("planned switch-overs (shardeddb.io/promote) the operator completed")
        .tags(tags)
        .register(registry);
  }

  private void publish() {
    List<MultiGauge.Row<?>> epochs = new ArrayList<>();
    List<MultiGauge.Row<?>> ready = new ArrayList<>();
    List<MultiGauge.Row<?>> desired = new ArrayList<>();
    List<MultiGauge.Row<?>> quorum = new ArrayList<>();
    List<MultiGauge.Row<?>> primary = new ArrayList<>();
    List<MultiGauge.Row<?>> lag = new ArrayList<>();
    List<MultiGauge.Row<?>> conditions = new ArrayList<>();
    List<MultiGauge.Row<?>> phase = new ArrayList<>();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    List<MultiGauge.Row<?>> progress = new ArrayList<>();
    List<MultiGauge.Row<?>> backups = new ArrayList<>();
    for (Map.Entry<ResourceID, View> e : databases.entrySet()) {
      View db = e.getValue();
      if (db.backupsSince() != null) {
        Instant last = lastBackups.getOrDefault(e.getKey(), db.backupsSince());
        backups.add(MultiGauge.Row.of(db.tags(), last.toEpochMilli() / 1000.0));
      }
      for (ShardView s : db.shards()) {
        Tags shard = db.tags().and("shard", s.id());
        epochs.add(MultiGauge.Row.of(shard, s.epoch()));
        ready.add(MultiGauge.Row.of(shard, s.ready()));
        desired.add(MultiGauge.Row.of(shard, s.desired()));
        quorum.add(MultiGauge.Row.of(shard, s.quorum()));
        primary.add(MultiGauge.Row.of(shard, s.primaryReady() ? 1 : 0));
        s.lag()
            .forEach((pod, entries) -> lag.add(MultiGauge.Row.of(shard.and("pod", pod), entries)));
      }
      for (Condition c : db.conditions()) {
        conditions.add(
            MultiGauge.Row.of(
                db.tags()
                    .and("type", Objects.toString(c.getType(), ""))
                    .and("status", Objects.toString(c.getStatus(), "Unknown"))
                    .and("reason", Objects.toString(c.getReason(), "")),
                1));
      }
      if (db.move() != null) {
        MoveStatus m = db.move();
        Tags move =
            db.tags()
                .and("move", m.id())
                .and("source", m.source())
                .and("destination", m.destination());
        phase.add(MultiGauge.Row.of(move.and("phase", m.phase().name()), 1));
        rows.add(MultiGauge.Row.of(move, m.rowsCopied() == null ? 0 : m.rowsCopied()));
        progress.add(MultiGauge.Row.of(move, db.moveProgressAt().toEpochMilli() / 1000.0));
      }
    }
    epoch.register(epochs, true);
    readyReplicas.register(ready, true);
    desiredReplicas.register(desired, true);
    writeQuorum.register(quorum, true);
    primaryReady.register(primary, true);
    replicaLag.register(lag, true);
    condition.register(conditions, true);
    movePhase.register(phase, true);
    moveRowsCopied.register(rows, true);
    moveLastProgress.register(progress, true);
    lastBackup.register(backups, true);
  }

  private static Tags databaseTags(HasMetadata sdb) {
    return Tags.of(
        "namespace",
        Objects.toString(sdb.getMetadata().getNamespace(), ""),
        "database",
        sdb.getMetadata().getName());
  }

  private static Instant parse(String rfc3339) {
    if (rfc3339 == null) {
      return null;
    }
    try {
      return Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static int compare(ResourceID a, ResourceID b) {
    int byNamespace = a.getNamespace().orElse("").compareTo(b.getNamespace().orElse(""));
    return byNamespace != 0 ? byNamespace : a.getName().compareTo(b.getName());
  }

  /** One shard as the gauges show it. */
  private record ShardView(
      String id,
      long epoch,
      int ready,
      int desired,
      int quorum,
      boolean primaryReady,
      Map<String, Long> lag) {}

  /**
   * One database as the gauges show it; {@code moveProgressAt} is when the in-flight move was first
   * seen as it is now.
   */
  private record View(
      Tags tags,
      List<ShardView> shards,
      List<Condition> conditions,
      MoveStatus move,
      Instant moveProgressAt,
      Instant backupsSince) {

    static View of(ShardedDatabase sdb, ShardedDatabaseStatus status, View previous, Instant now) {
      ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
      Map<String, Integer> desiredById = new HashMap<>();
      for (ShardSpec s : spec.shardsOrEmpty()) {
        desiredById.put(s.id(), spec.replicasOf(s));
      }
      List<ShardView> shards = new ArrayList<>();
      List<Condition> conditions = List.of();
      MoveStatus move = null;
      if (status != null) {
        for (ShardStatus s : status.shardsOrEmpty()) {
          int desired = desiredById.getOrDefault(s.id(), s.replicasOrEmpty().size());
          Map<String, Long> lag = new TreeMap<>();
          for (ReplicaStatus r : s.replicasOrEmpty()) {
            if (r.lagLsn() != null) {
              lag.put(r.pod(), r.lagLsn());
            }
          }
          shards.add(
              new ShardView(
                  s.id(),
                  s.epochOrZero(),
                  s.readyReplicas() == null ? 0 : s.readyReplicas(),
                  desired,
                  spec.writeQuorumOrDefault().required(Math.max(1, desired)),
                  s.primary() != null
                      && s.replica(s.primary())
                          .map(r -> Boolean.TRUE.equals(r.ready()))
                          .orElse(false),
                  lag));
        }
        conditions = status.conditionsOrEmpty();
        move = status.reshardingOrEmpty().inFlight().orElse(null);
      }
      Instant progressAt = now;
      if (move != null
          && previous != null
          && previous.move() != null
          && sameProgress(previous.move(), move)) {
        progressAt = previous.moveProgressAt();
      }
      // With spec.backup: the time a missing backup counts from (its creation; unknown: now).
      Instant backupsSince = null;
      if (spec.backup() != null) {
        Instant created = parse(sdb.getMetadata().getCreationTimestamp());
        backupsSince =
            created != null
                ? created
                : previous != null && previous.backupsSince() != null
                    ? previous.backupsSince()
                    : now;
      }
      return new View(databaseTags(sdb), shards, conditions, move, progressAt, backupsSince);
    }

    private static boolean sameProgress(MoveStatus a, MoveStatus b) {
      return a.id().equals(b.id())
          && a.phase() == b.phase()
          && Objects.equals(a.rowsCopied(), b.rowsCopied())
          && Objects.equals(a.sourceLsn(), b.sourceLsn())
          && a.attemptOrFirst() == b.attemptOrFirst();
    }
  }
}
