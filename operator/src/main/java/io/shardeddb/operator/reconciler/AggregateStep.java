package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.SecretKeys;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.backup.ArchiveHealth;
import io.shardeddb.operator.reshard.Layouts;
import io.shardeddb.operator.status.ConditionType;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.PassReport;
import io.shardeddb.operator.status.StatusAggregator;
import io.shardeddb.operator.storage.RetireGate;
import io.shardeddb.operator.storage.VolumeResizer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregate step: gathers what the other steps report and what status needs besides (the
 * router's readiness, the router token Secret, the archives' health, the applied spec, the request
 * outcomes), lets {@link StatusAggregator} — the one owner of conditions — decide the new status,
 * and records the Events it returns.
 */
final class AggregateStep {

  private static final Logger LOG = LoggerFactory.getLogger(AggregateStep.class);

  /**
   * The reason of the Event saying a merged-away shard waits for its archive; recorded by name,
   * like the backup Events on a database ({@code ArchiveStalled}, {@code ArchiveGap}).
   */
  static final String RETIRE_WAITS_FOR_ARCHIVE = "RetireWaitsForArchive";

  private final KubernetesClient client;
  private final StatusAggregator aggregator;
  private final ArchiveHealth archives;
  private final EventRecorder events;

  AggregateStep(
      KubernetesClient client,
      StatusAggregator aggregator,
      ArchiveHealth archives,
      EventRecorder events) {
    this.client = client;
    this.aggregator = aggregator;
    this.archives = archives;
    this.events = events;
  }

  /** The status of a database whose spec cannot be applied; its Warning recorded. */
  StatusAggregator.Result invalid(
      ShardedDatabase sdb,
      ShardedDatabaseStatus previous,
      java.util.List<String> problems,
      Instant now) {
    StatusAggregator.Result result = aggregator.invalid(sdb, previous, problems, now);
    events.recordAll(sdb, result.events());
    return result;
  }

  /** The status of a database refused because another one holds its names; Events recorded. */
  StatusAggregator.Result nameClash(
      ShardedDatabase sdb,
      ShardedDatabaseStatus previous,
      java.util.List<String> clashes,
      Instant now) {
    StatusAggregator.Result result = aggregator.nameClash(sdb, previous, clashes, now);
    events.recordAll(sdb, result.events());
    return result;
  }

  /** The status after a full pass; its Events recorded. */
  StatusAggregator.Result aggregate(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      WorkflowStep.Desired desired,
      ShardsStep.Shards shards,
      ReshardStep.Report reshard,
      SchemaStep.Report schema,
      CaStep ca,
      Instant now) {
    VolumeResizer.Result volumes = desired.volumeResize();
    // The workflow applied this spec: its fixed fields are the ones later specs are held to. The
    // shards are the published layout, which only a cut-over changes; the schema the one every
    // shard has applied, which only the schema step changes.
    AppliedSpec applied =
        SpecValidator.appliedOf(sdb)
            .withLayout(
                Layouts.toApplied(reshard.published()),
                previous.applied(),
                SpecValidator.shardIdsOf(sdb),
                reshard.floors())
            .withSchema(schema.applied(), schema.version());
    if (volumes.notTakenUp() && previous.applied() != null) {
      // Not taken up (unsupported, or a rolling rebuild not finished): the spec may go back to the
      // size the volumes have.
      applied = applied.withStorageSize(previous.applied().storageSize());
    }
    Set<String> verified =
        shards.outcomes().stream().flatMap(o -> o.verified().stream()).collect(Collectors.toSet());
    StatusAggregator.Result result =
        aggregator.aggregate(
            sdb,
            previous,
            PassReport.builder()
                .outcomes(shards.outcomes())
                .refusals(reasons(desired, ShardRemovalGuard.Kind.Refused))
                .resizing(desired.resizing())
                .retireWaits(reasons(desired, ShardRemovalGuard.Kind.AwaitingArchive))
                .schemaWaits(schema.waiting() == null ? List.of() : List.of(schema.waiting()))
                .router(routerStatus(sdb, context))
                .resharding(reshard.resharding())
                .storage(
                    new PassReport.Storage(volumes.condition(), volumes.events(), volumes.busy()))
                .ca(ca.report())
                .adminTokenMissing(adminTokenMissing(sdb))
                .archiveStalls(
                    archives.stalled(
                        sdb.getMetadata().getNamespace() + "/" + sdb.getMetadata().getName()))
                .applied(applied)
                .refusedRequests(shards.requests().refused())
                .holds(
                    new PassReport.Holds(
                        desired.hibernated(),
                        desired.fenced().all()
                            ? List.of(Fencing.ALL)
                            : List.copyOf(new java.util.TreeSet<>(desired.fenced().pods())),
                        desired.annotationProblems()))
                .requests(
                    AnnotationRequests.merge(
                        previous.requestsOrEmpty(),
                        java.util.stream.Stream.concat(
                                shards.handled().stream(), ca.handled().stream())
                            .toList(),
                        verified,
                        now))
                .build(),
            now);
    events.recordAll(sdb, result.events());
    events.recordAll(sdb, schema.events());
    announceRetireWaits(sdb, previous, desired);
    // The schema change in flight, as the schema step left it (recorded mid-pass, after the
    // status this pass started from was read).
    return new StatusAggregator.Result(
        result.status().toBuilder().schemaChange(schema.inFlight()).build(),
        result.busy() || schema.holdsMoves(),
        result.failoverPending(),
        result.events());
  }

  /** The words of the shards the workflow keeps for {@code kind}, in its order. */
  private static List<String> reasons(WorkflowStep.Desired desired, ShardRemovalGuard.Kind kind) {
    return desired.refusals().stream()
        .filter(r -> r.kind() == kind)
        .map(ShardRemovalGuard.Refusal::reason)
        .toList();
  }

  /**
   * A Normal {@code RetireWaitsForArchive} Event for each shard merged away whose wait for its
   * archive starts this pass (the previous Progressing condition does not show it): once per wait,
   * not every pass; the condition says that it lasts.
   */
  private void announceRetireWaits(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, WorkflowStep.Desired desired) {
    String shown =
        previous
            .condition(ConditionType.Progressing.name())
            .map(io.fabric8.kubernetes.api.model.Condition::getMessage)
            .orElse(null);
    for (ShardRemovalGuard.Refusal r : desired.refusals()) {
      if (r.kind() == ShardRemovalGuard.Kind.AwaitingArchive
          && RetireGate.announce(r.id(), shown)) {
        events.normal(sdb, RETIRE_WAITS_FOR_ARCHIVE, r.reason());
      }
    }
  }

  /** What the CA step shows: its condition and Events, and its answer to a request. */
  record CaStep(
      PassReport.Ca report, java.util.List<io.shardeddb.api.v1alpha1.RequestStatus> handled) {}

  private static RouterStatus routerStatus(ShardedDatabase sdb, Context<ShardedDatabase> context) {
    int ready =
        context
            .getSecondaryResource(Deployment.class)
            .map(d -> d.getStatus() == null ? null : d.getStatus().getReadyReplicas())
            .orElse(0);
    return new RouterStatus(
        ready,
        ShardedDatabaseResources.routerEndpoint(
            sdb.getMetadata().getName(),
            sdb.getMetadata().getNamespace(),
            ShardedDatabaseResources.routerServesTls(sdb)));
  }

  /**
   * The name of the user's router token Secret when it exists without {@code admin-token} (the data
   * token never stands in: routers cannot start, and the Insecure condition says why); null
   * otherwise, and for the generated Secret (it always has both).
   */
  private String adminTokenMissing(ShardedDatabase sdb) {
    String named = ShardedDatabaseResources.spec(sdb).secretsOrDefault().routerToken();
    if (named == null) {
      return null;
    }
    try {
      Secret s =
          client.secrets().inNamespace(sdb.getMetadata().getNamespace()).withName(named).get();
      boolean has =
          s != null
              && ((s.getData() != null && s.getData().get(SecretKeys.ADMIN_TOKEN) != null)
                  || (s.getStringData() != null
                      && s.getStringData().get(SecretKeys.ADMIN_TOKEN) != null));
      return s == null || has ? null : named;
    } catch (KubernetesClientException e) {
      LOG.debug("cannot read {} to check its admin-token", named, e);
      return null;
    }
  }
}
