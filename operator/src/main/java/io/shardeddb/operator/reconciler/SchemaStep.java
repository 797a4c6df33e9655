package io.shardeddb.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.SchemaChangeStatus;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.crd.StoredStatusMonitor;
import io.shardeddb.operator.reshard.ShardEndpoint;
import io.shardeddb.operator.schema.SchemaChanges;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.protocol.client.ServerCallException;
import io.shardeddb.protocol.shard.SchemaChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema step (docs/sql.md, "Changing the schema"): decides with {@link SchemaChanges} and does
 * what it decided — records a new change in {@code status.schemaChange} before asking any shard (a
 * status write of its own, like a move's), asks each shard's primary that has not applied it
 * ({@code POST /schema}: one Schema entry in the shard's log, acknowledged by its write quorum),
 * and reports to the aggregate the schema every shard has (what routers use) and the change still
 * in flight. Moves do not start while a change is in flight, nor a change while a move is.
 */
final class SchemaStep {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaStep.class);

  /** How soon to look again while a change is in flight. */
  static final Duration IN_FLIGHT_RECHECK = Duration.ofSeconds(2);

  /**
   * The schema every shard has applied and its version (what the aggregate records in {@code
   * status.applied}), the change in flight (null: none), why a wanted change waits (null: it does
   * not) and the Events to record.
   */
  record Report(
      SchemaSpec applied,
      long version,
      SchemaChangeStatus inFlight,
      String waiting,
      List<ShardEvent> events) {

    /** Whether moves must wait: a change is in flight. */
    boolean holdsMoves() {
      return inFlight != null;
    }

    /** How soon to look again (null: no sooner than usual). */
    Duration lookAgainWithin() {
      return inFlight != null ? IN_FLIGHT_RECHECK : null;
    }
  }

  private final ShardServerClient shards;
  private final StoredStatusMonitor crd;

  SchemaStep(ShardServerClient shards, StoredStatusMonitor crd) {
    this.shards = shards;
    this.crd = crd;
  }

  Report step(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      WorkflowStep.Layout layout,
      List<ShardOutcome> outcomes) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    AppliedSpec recorded = previous.applied();
    SchemaSpec applied =
        recorded == null || recorded.schema() == null ? spec.schema() : recorded.schema();
    long version = recorded == null ? 1 : recorded.schemaVersionOrOne();
    if (!spec.initialized()) {
      return new Report(applied, version, null, null, List.of());
    }
    if (spec.bootstrap() != null
        && previous.schemaChange() == null
        && (recorded == null || recorded.schemaVersion() == null)) {
      Report learned = learn(sdb, context, applied, version, outcomes);
      if (learned != null) {
        return learned;
      }
    }
    SchemaChanges.Decision decision =
        SchemaChanges.decide(
            applied,
            version,
            spec.schema(),
            previous.schemaChange(),
            layout.inFlight() != null,
            storageFormats(outcomes));
    return switch (decision) {
      case SchemaChanges.Settled s -> new Report(applied, version, null, null, List.of());
      // The validator refuses the spec first (SpecValidator.refusedChanges): not reached then.
      case SchemaChanges.Refused r -> new Report(applied, version, null, r.reason(), List.of());
      case SchemaChanges.Waiting w -> new Report(applied, version, null, w.reason(), List.of());
      case SchemaChanges.Apply a -> apply(sdb, context, previous, a, applied, version, outcomes);
    };
  }

  /** Each replica's storage format as this pass's heartbeats reported it ("shard/pod" → format). */
  static Map<String, Integer> storageFormats(List<ShardOutcome> outcomes) {
    Map<String, Integer> formats = new LinkedHashMap<>();
    for (ShardOutcome o : outcomes) {
      for (ReplicaStatus r : o.status().replicasOrEmpty()) {
        formats.put(o.status().id() + "/" + r.pod(), r.storageFormat());
      }
    }
    return formats;
  }

  private Report apply(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      SchemaChanges.Apply decided,
      SchemaSpec applied,
      long version,
      List<ShardOutcome> outcomes) {
    SchemaChangeStatus change = decided.change();
    if (decided.record()) {
      try {
        record(sdb, context, change);
      } catch (StoredStatusMonitor.CrdOutdatedException e) {
        // A change the status cannot remember is not started.
        return new Report(applied, version, null, e.getMessage(), List.of());
      }
    }
    Map<String, ShardEndpoint> endpoints = ReshardStep.endpoints(sdb, outcomes);
    List<String> ids = outcomes.stream().map(o -> o.status().id()).toList();
    List<String> appliedNow = new ArrayList<>();
    Map<String, String> held = new LinkedHashMap<>();
    SchemaChange body = SchemaChanges.body(applied, change);
    if (body == null) {
      // The change asks for the tables applied already: nothing for a shard to log.
      return new Report(change.schema(), change.version(), null, null, List.of());
    }
    for (String id : ids) {
      if (change.appliedOnOrEmpty().contains(id)) {
        continue;
      }
      ShardEndpoint ep = endpoints.get(id);
      if (ep == null || ep.primaryUrl() == null || !ep.ready()) {
        held.put(id, "no ready primary yet");
        continue;
      }
      try {
        shards.changeSchema(ep.primaryUrl(), body);
        appliedNow.add(id);
      } catch (ServerCallException e) {
        LOG.info(
            "{}: shard {} did not apply schema version {}: {}",
            sdb.getMetadata().getName(),
            id,
            change.version(),
            e.getMessage());
        held.put(id, e.getMessage());
      }
    }
    SchemaChangeStatus next = SchemaChanges.after(change, ids, appliedNow, held);
    List<ShardEvent> events = new ArrayList<>();
    if (SchemaChanges.done(next, ids)) {
      events.add(
          new ShardEvent(
              EventReason.SchemaChanged,
              "schema version "
                  + change.version()
                  + " ("
                  + SchemaChanges.describe(applied, change)
                  + ") applied on every shard: columns "
                  + body.schema().columnNames()));
      return new Report(change.schema(), change.version(), null, null, List.copyOf(events));
    }
    if (next.message() != null && !Objects.equals(next.message(), change.message())) {
      events.add(
          new ShardEvent(
              EventReason.SchemaChangeHeld,
              "schema version " + change.version() + " waits on " + next.message()));
    }
    return new Report(applied, version, next, null, List.copyOf(events));
  }

  /**
   * A restored database: its shards replayed the archive to the target, Schema entries included, so
   * their schema may be newer than the base backup's that the resource was created with. Asks each
   * ready primary ({@code GET /schema}) while the status records no version of its own; when every
   * shard reports the same newer schema, the spec's schema becomes it (so the spec is not refused
   * as removing columns) and the report carries it (so routers use it and the next change is the
   * version after it). Null: nothing learned this pass.
   */
  private Report learn(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      SchemaSpec applied,
      long version,
      List<ShardOutcome> outcomes) {
    Map<String, ShardEndpoint> endpoints = ReshardStep.endpoints(sdb, outcomes);
    List<String> ids = outcomes.stream().map(o -> o.status().id()).toList();
    Map<String, SchemaChange> answers = new LinkedHashMap<>();
    for (String id : ids) {
      ShardEndpoint ep = endpoints.get(id);
      if (ep == null || ep.primaryUrl() == null || !ep.ready()) {
        return null;
      }
      try {
        answers.put(id, shards.schema(ep.primaryUrl()));
      } catch (ServerCallException e) {
        LOG.info(
            "{}: shard {} did not say its schema: {}",
            sdb.getMetadata().getName(),
            id,
            e.getMessage());
        return null;
      }
    }
    SchemaChange learned = SchemaChanges.learned(applied, version, ids, answers);
    if (learned == null) {
      return null;
    }
    SchemaSpec schema = SchemaSpec.of(learned.tableSet());
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    if (!schema.toTableSet().equals(spec.schema().toTableSet())) {
      ShardedDatabase changed = io.fabric8.kubernetes.client.utils.Serialization.clone(sdb);
      changed.setSpec(spec.withSchema(schema));
      try {
        // resourceVersion of the copy this pass read: any change since is a 409, asked again.
        ShardedDatabase updated = context.getClient().resource(changed).update();
        sdb.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
        sdb.setSpec(changed.getSpec());
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        LOG.info(
            "{}: the learned schema is not in the spec yet: {}",
            sdb.getMetadata().getName(),
            e.getMessage());
        return null;
      }
    }
    return new Report(
        schema,
        learned.version(),
        null,
        null,
        List.of(
            new ShardEvent(
                EventReason.SchemaLearned,
                "the restored shards are at schema version "
                    + learned.version()
                    + " (columns "
                    + learned.schema().columnNames()
                    + (learned.tables() == null
                        ? ""
                        : ", tables "
                            + learned.tableSet().all().stream().map(t -> t.table()).toList())
                    + "): spec.schema and status.applied take it")));
  }

  /** Writes the change to {@code status.schemaChange} before any shard is asked. */
  private void record(
      ShardedDatabase sdb, Context<ShardedDatabase> context, SchemaChangeStatus change) {
    AtomicReference<ShardedDatabaseStatus> sent = new AtomicReference<>();
    ShardedDatabase updated =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            sdb,
            context,
            r -> {
              ShardedDatabaseStatus now =
                  r.getStatus() != null ? r.getStatus() : ShardedDatabaseStatus.builder().build();
              if (now.schemaChange() != null) {
                throw new IllegalStateException(
                    "schema change version "
                        + now.schemaChange().version()
                        + " was recorded meanwhile; this pass asks nothing");
              }
              sent.set(now.toBuilder().schemaChange(change).build());
              r.setStatus(sent.get());
              return r;
            });
    if (updated != null && updated.getMetadata() != null) {
      sdb.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
    }
    crd.requireStored(sent.get(), updated);
  }
}
