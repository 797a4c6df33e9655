package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.FailoverSpec;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.backup.ArchiveHealth;
import io.shardeddb.operator.backup.RestoreGate;
import io.shardeddb.operator.cert.OperatorTls;
import io.shardeddb.operator.cert.TlsSecrets;
import io.shardeddb.operator.crd.CrdFreshness;
import io.shardeddb.operator.crd.StoredStatusMonitor;
import io.shardeddb.operator.dependent.CaSecretDependent;
import io.shardeddb.operator.dependent.ConfigMapDependent;
import io.shardeddb.operator.dependent.DisruptionBudgetApiCondition;
import io.shardeddb.operator.dependent.Models;
import io.shardeddb.operator.dependent.MysqlSecretDependent;
import io.shardeddb.operator.dependent.RouterDeploymentDependent;
import io.shardeddb.operator.dependent.RouterNetworkPolicyDependent;
import io.shardeddb.operator.dependent.RouterPodDisruptionBudgetDependent;
import io.shardeddb.operator.dependent.RouterPodDisruptionBudgetV1beta1Dependent;
import io.shardeddb.operator.dependent.RouterRoleBindingDependent;
import io.shardeddb.operator.dependent.RouterRoleDependent;
import io.shardeddb.operator.dependent.RouterServiceAccountDependent;
import io.shardeddb.operator.dependent.RouterServiceDependent;
import io.shardeddb.operator.dependent.RouterTokenSecretDependent;
import io.shardeddb.operator.dependent.ShardAuthSecretDependent;
import io.shardeddb.operator.dependent.ShardDataAuthSecretDependent;
import io.shardeddb.operator.dependent.ShardNetworkPolicyDependent;
import io.shardeddb.operator.dependent.ShardPodDisruptionBudgetDependent;
import io.shardeddb.operator.dependent.ShardPodDisruptionBudgetV1beta1Dependent;
import io.shardeddb.operator.dependent.ShardServiceDependent;
import io.shardeddb.operator.dependent.ShardStatefulSetDependent;
import io.shardeddb.operator.dependent.TlsModels;
import io.shardeddb.operator.dependent.TlsSecretDependent;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.Labels;
import io.shardeddb.operator.model.MetricsScraper;
import io.shardeddb.operator.model.SecretModel;
import io.shardeddb.operator.replacement.PodReplacementPolicy;
import io.shardeddb.operator.replacement.ReplacementDecision;
import io.shardeddb.operator.reshard.Layouts;
import io.shardeddb.operator.reshard.MovePlanner;
import io.shardeddb.operator.reshard.Resharder;
import io.shardeddb.operator.reshard.ShardEndpoint;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.ArchiveCondition;
import io.shardeddb.operator.status.ConditionReason;
import io.shardeddb.operator.status.ConditionType;
import io.shardeddb.operator.status.Conditions;
import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.SecurityCondition;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.operator.status.StatusAggregator;
import io.shardeddb.operator.storage.VolumeResizer;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.topology.PointRange;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a ShardedDatabase: validate, observe pods and heartbeats, decide which shards run, let
 * the dependents workflow create or update the owned resources, coordinate each shard (bring-up,
 * failover, re-copy), replace stuck pods, and record the status. It never waits: work that is not
 * possible yet is retried by {@code rescheduleAfter}.
 *
 * <p>Why one file (~650 lines, with the workflow's dependent list): it is the one place where a
 * pass runs in order (validate, observe, workflow, coordinate, replace stuck pods, reshard,
 * status); each step's logic lives in its own class ({@link ShardPlanner}, {@link ShardRequests},
 * {@link Resharder}, the status aggregator, the dependents).
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = ConfigMapDependent.class),
      @Dependent(
          type = RouterTokenSecretDependent.class,
          reconcilePrecondition = RouterTokenSecretDependent.Generated.class),
      @Dependent(
          type = MysqlSecretDependent.class,
          reconcilePrecondition = MysqlSecretDependent.Generated.class),
      @Dependent(type = ShardAuthSecretDependent.class),
      @Dependent(type = ShardDataAuthSecretDependent.class),
      @Dependent(type = CaSecretDependent.class),
      @Dependent(type = TlsSecretDependent.class),
      @Dependent(type = RouterServiceAccountDependent.class),
      @Dependent(type = RouterRoleDependent.class),
      @Dependent(type = RouterRoleBindingDependent.class),
      @Dependent(type = RouterDeploymentDependent.class),
      @Dependent(type = RouterServiceDependent.class),
      @Dependent(type = RouterNetworkPolicyDependent.class),
      @Dependent(
          type = RouterPodDisruptionBudgetDependent.class,
          activationCondition = DisruptionBudgetApiCondition.V1.class),
      @Dependent(
          type = RouterPodDisruptionBudgetV1beta1Dependent.class,
          activationCondition = DisruptionBudgetApiCondition.V1beta1.class),
      @Dependent(type = ShardServiceDependent.class),
      @Dependent(type = ShardStatefulSetDependent.class),
      // Budgets in the newest policy version the server serves (activation conditions).
      @Dependent(
          type = ShardPodDisruptionBudgetDependent.class,
          activationCondition = DisruptionBudgetApiCondition.V1.class),
      @Dependent(
          type = ShardPodDisruptionBudgetV1beta1Dependent.class,
          activationCondition = DisruptionBudgetApiCondition.V1beta1.class),
      @Dependent(type = ShardNetworkPolicyDependent.class)
    })
@ControllerConfiguration(name = ShardedDatabaseReconciler.NAME)
public class ShardedDatabaseReconciler implements Reconciler<ShardedDatabase> {

  /** The controller's name (metrics, logs). */
  public static final String NAME = "shardeddb";

  private static final Logger LOG = LoggerFactory.getLogger(ShardedDatabaseReconciler.class);

  private final KubernetesClient client;
  private final Images images;
  private final ShardServerClient shards;
  private final Clock clock;
  private final ExecutorService probes;
  private final SpecValidator validator;
  private final RestoreGate restoreGate;
  private final VolumeResizer volumes;
  private final ShardCoordinator coordinator;
  private final ShardRemovalGuard removalGuard;
  private final Resharder resharder;
  private final PodReplacementPolicy replacement;
  private final StatusAggregator aggregator;
  private final EventRecorder events;
  private final String operatorNamespace;
  private final MetricsScraper scraper;
  private final ResyncIntervals resync;
  // Each database's CA and the operator's certificate for it, kept across passes.
  private final OperatorTls tls = new OperatorTls(new TlsSecrets(new SecureRandom()));
  // Which shards' archives the backup scheduler found stalled (the ContinuousArchiving condition).
  private final ArchiveHealth archives;
  // What status writes showed about the server's CRD (cluster-wide, so one per operator).
  private final StoredStatusMonitor crd = new StoredStatusMonitor();

  /**
   * A reconciler using these collaborators; {@code probes} runs heartbeats in parallel; the
   * operator runs in {@code operatorNamespace} (null: unknown); shard NetworkPolicies admit {@code
   * scraper} on the metrics port; {@code resync} says when to run again.
   */
  public ShardedDatabaseReconciler(
      KubernetesClient client,
      Images images,
      ShardServerClient shards,
      Clock clock,
      ExecutorService probes,
      SpecValidator validator,
      ShardCoordinator coordinator,
      ShardRemovalGuard removalGuard,
      Resharder resharder,
      PodReplacementPolicy replacement,
      StatusAggregator aggregator,
      EventRecorder events,
      String operatorNamespace,
      MetricsScraper scraper,
      ResyncIntervals resync,
      ArchiveHealth archives) {
    this.archives = archives;
    this.client = client;
    this.images = images;
    this.shards = shards;
    this.clock = clock;
    this.probes = probes;
    this.validator = validator;
    this.restoreGate = new RestoreGate(client);
    this.volumes = new VolumeResizer(client);
    this.coordinator = coordinator;
    this.removalGuard = removalGuard;
    this.resharder = resharder;
    this.replacement = replacement;
    this.aggregator = aggregator;
    this.events = events;
    this.operatorNamespace = operatorNamespace;
    this.scraper = scraper;
    this.resync = resync;
  }

  @Override
  public List<EventSource<?, ShardedDatabase>> prepareEventSources(
      EventSourceContext<ShardedDatabase> context) {
    // Shard pods belong to StatefulSets, not to the resource: map them back by label.
    InformerEventSourceConfiguration<Pod> pods =
        InformerEventSourceConfiguration.from(Pod.class, ShardedDatabase.class)
            .withName("shard-pods")
            .withLabelSelector(Labels.SELECT_SHARD)
            .withSecondaryToPrimaryMapper(
                pod ->
                    Set.of(
                        new ResourceID(
                            pod.getMetadata().getLabels().get(Labels.INSTANCE),
                            pod.getMetadata().getNamespace())))
            .build();
    return List.of(new InformerEventSource<>(pods, context));
  }

  @Override
  public UpdateControl<ShardedDatabase> reconcile(
      ShardedDatabase sdb, Context<ShardedDatabase> context) {
    Instant now = clock.instant();
    ShardedDatabaseStatus previous =
        sdb.getStatus() != null
            ? sdb.getStatus()
            : new ShardedDatabaseStatus(null, null, null, null, null, null);
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);

    List<String> problems = validator.problems(sdb);
    if (problems.isEmpty() && previous.applied() == null) {
      // A database restored from a backup: nothing is created unless the restore can be done.
      String restore = restoreGate.problem(sdb);
      if (restore != null) {
        problems = List.of(restore);
      }
    }
    if (!problems.isEmpty()) {
      StatusAggregator.Result invalid = aggregator.invalid(sdb, previous, problems, now);
      events.recordAll(sdb, invalid.events());
      return finish(sdb, context, previous, invalid, false, null);
    }

    Map<String, List<PodView>> podsByShard =
        context
            .getSecondaryResourcesAsStream(Pod.class)
            .map(PodView::of)
            .collect(
                Collectors.groupingBy(
                    p -> p.pod().getMetadata().getLabels().getOrDefault(Labels.SHARD, "")));
    List<String> reachable =
        podsByShard.values().stream()
            .flatMap(List::stream)
            .filter(PodView::reachable)
            .map(PodView::url)
            .toList();
    String database = sdb.getMetadata().getNamespace() + "/" + sdb.getMetadata().getName();
    shards.useCredential(database, reachable, shardCredential(sdb, context));
    // TLS (docs/security.md): the database's CA this pass (stored, or generated until it is) and
    // the operator's own certificate for calling its shard-servers.
    CertificateAuthority authority =
        tls.authority(sdb, context.getSecondaryResourcesAsStream(Secret.class), now);
    shards.useTls(database, reachable, tls.clientContext(sdb, authority, now));
    Map<String, TimedHeartbeat> heartbeats = heartbeats(podsByShard);

    Set<String> specIds =
        spec.shardsOrEmpty().stream().map(ShardSpec::id).collect(Collectors.toSet());
    // The published layout (routers route by it) and the spec's layout; resharding moves the
    // rows from the one to the other, publishing each move at its cut-over.
    Map<String, PointRange> target = Layouts.ofSpec(spec.shardsOrEmpty());
    Map<String, PointRange> published =
        MovePlanner.withNewCoverage(Layouts.published(previous.applied(), target), target);
    MoveStatus inFlight = previous.reshardingOrEmpty().inFlight().orElse(null);
    Set<String> reshardingShards = new HashSet<>(published.keySet());
    if (inFlight != null) {
      reshardingShards.add(inFlight.source());
      reshardingShards.add(inFlight.destination());
    }
    List<ShardRemovalGuard.Refusal> refusals =
        removalGuard.refusals(previous.shardsOrEmpty(), specIds, reshardingShards);
    DatabaseModel model =
        DatabaseModel.of(
                sdb,
                images,
                refusals.stream().map(ShardRemovalGuard.Refusal::shard).toList(),
                operatorNamespace)
            .withScraper(scraper);
    List<String> resizing = new ArrayList<>();
    model = model.withShards(gated(model.shards(), podsByShard, heartbeats, previous, resizing));
    // A larger spec.storage.size: claims expanded, StatefulSets re-created with their pods
    // orphaned; each desired StatefulSet keeps its live claim template until then.
    VolumeResizer.Result volumeResize =
        volumes.resize(
            sdb,
            model.shards(),
            shardStatefulSets(context),
            previous.condition(ConditionType.StorageResizing.name()));
    model = model.withShards(volumeResize.shards());
    Models.put(context, model);
    TlsModels.put(context, authority);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    AnnotationRequests.Routed requests =
        AnnotationRequests.route(
            sdb.getMetadata().getAnnotations(),
            model.shards().stream().map(DesiredShard::id).toList(),
            podsByShard.entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().stream().map(PodView::name).toList())),
            now);
    List<ShardOutcome> outcomes = new ArrayList<>();
    for (DesiredShard shard : model.shards()) {
      ShardSpec shardSpec =
          spec.shardsOrEmpty().stream()
              .filter(s -> s.id().equals(shard.id()))
              .findFirst()
              .orElse(null);
      List<PodView> pods = podsByShard.getOrDefault(shard.id(), List.of());
      Map<String, TimedHeartbeat> shardBeats = new HashMap<>();
      pods.forEach(
          p ->
              Optional.ofNullable(heartbeats.get(p.name()))
                  .ifPresent(h -> shardBeats.put(p.name(), h)));
      outcomes.add(
          coordinator.coordinate(
              new ShardContext(
                  sdb,
                  shard.id(),
                  configRequest(spec, shardSpec, published.get(shard.id())),
                  shard.replicas(),
                  spec.writeQuorumOrDefault(),
                  Duration.ofSeconds(spec.failoverOrDefault().primaryUnavailableSecondsOrDefault()),
                  previous.shard(shard.id()).orElse(null),
                  pods,
                  shardBeats,
                  now,
                  requests.promoteByShard().get(shard.id()),
                  requests.rebuildByShard().get(shard.id()),
                  updateRevision(sdb, context, shard.id()))));
      replaceStuckPods(sdb, pods, spec.failoverOrDefault(), now);
      roll(sdb, outcomes.get(outcomes.size() - 1), pods, updateRevision(sdb, context, shard.id()));
    }

    // An outdated CRD prunes status.resharding: a move it cannot record is neither started nor
    // continued (each pass would re-plan it from nothing), whatever the spec asks.
    Optional<CrdFreshness.Outdated> outdated = crd.outdated();
    Resharder.Outcome stepped = new Resharder.Outcome(published, null, null, List.of(), false);
    if (spec.initialized() && outdated.isEmpty()) {
      try {
        stepped =
            resharder.step(
                new Resharder.View(
                    generation(sdb), published, target, inFlight, endpoints(outcomes)),
                new StatusMoveRecorder(sdb, context, crd));
      } catch (StoredStatusMonitor.CrdOutdatedException e) {
        LOG.warn("resharding of {} stops: {}", sdb.getMetadata().getName(), e.getMessage());
        outdated = Optional.of(e.outdated());
      }
    }
    Resharder.Outcome reshard = stepped;

    RouterStatus router = routerStatus(sdb, context);
    StatusAggregator.Result result =
        aggregator.aggregate(
            sdb,
            previous,
            outcomes,
            refusals.stream()
                .filter(r -> !r.resharding())
                .map(ShardRemovalGuard.Refusal::reason)
                .toList(),
            resizing,
            router,
            now);
    List<RequestStatus> handled = new ArrayList<>(requests.refused());
    requests.refused().forEach(r -> events.record(sdb, refusalEvent(r)));
    outcomes.stream().map(ShardOutcome::request).filter(r -> r != null).forEach(handled::add);
    Set<String> verified =
        outcomes.stream().flatMap(o -> o.verified().stream()).collect(Collectors.toSet());
    // The workflow applied this spec: its fixed fields are the ones later specs are held to. The
    // shards are the published layout, which only a cut-over changes.
    AppliedSpec applied =
        SpecValidator.appliedOf(sdb).withShards(Layouts.toApplied(reshard.published()));
    if (volumeResize.unsupported() && previous.applied() != null) {
      // Not taken up: the spec may go back to the size the volumes have.
      applied = applied.withStorageSize(previous.applied().storageSize());
    }
    List<DesiredCondition> databaseConditions =
        new ArrayList<>(
            List.of(
                reshardingCondition(reshard, outdated),
                SecurityCondition.of(spec, adminTokenMissing(sdb)),
                ArchiveCondition.of(
                    spec.backup() != null,
                    archives.stalled(
                        sdb.getMetadata().getNamespace() + "/" + sdb.getMetadata().getName()))));
    if (volumeResize.condition() != null) {
      databaseConditions.add(volumeResize.condition());
    }
    ShardedDatabaseStatus withReshard =
        result
            .status()
            .withApplied(applied)
            .withRequests(
                AnnotationRequests.merge(previous.requestsOrEmpty(), handled, verified, now))
            .withResharding(
                reshard.move() == null
                    ? previous.resharding()
                    : previous.reshardingOrEmpty().with(reshard.move()));
    withReshard =
        withReshard.withConditions(
            Conditions.apply(
                withReshard.conditionsOrEmpty(), databaseConditions, generation(sdb), now));
    List<ShardEvent> due = new ArrayList<>(result.events());
    insecureEvent(previous, withReshard).ifPresent(due::add);
    due.addAll(reshard.events());
    due.addAll(volumeResize.events());
    if (outdated.isPresent()
        && !previous
            .condition(ConditionType.Resharding.name())
            .map(c -> ConditionReason.CrdOutdated.name().equals(c.getReason()))
            .orElse(false)) {
      due.add(new ShardEvent(EventReason.CrdOutdated, outdated.get().message()));
    }
    if (reshard.blocked() != null
        && !previous
            .condition(ConditionType.Resharding.name())
            .map(c -> reshard.blocked().equals(c.getMessage()))
            .orElse(false)) {
      due.add(new ShardEvent(EventReason.ReshardingBlocked, reshard.blocked()));
    }
    result =
        new StatusAggregator.Result(
            withReshard,
            result.busy() || reshard.busy() || volumeResize.busy(),
            result.failoverPending(),
            List.copyOf(due));
    events.recordAll(sdb, result.events());
    boolean inProgress = result.status().requestsOrEmpty().stream().anyMatch(r -> !r.finished());
    // A cut-over's fence pauses the range's writes: its next look comes within FENCE_RECHECK.
    UpdateControl<ShardedDatabase> control =
        finish(
            sdb,
            context,
            previous,
            result,
            result.busy() || inProgress,
            reshard.fenceHeld() ? Resharder.FENCE_RECHECK : null);
    // Only once the outcome is recorded: a request whose pass failed is taken up again.
    handled.stream()
        .map(r -> AnnotationRequests.annotation(r.type()))
        .distinct()
        .forEach(key -> clearRequest(sdb, key));
    return control;
  }

  private static ShardEvent refusalEvent(RequestStatus r) {
    return new ShardEvent(
        r.type() == RequestStatus.Type.Promote
            ? EventReason.SwitchoverRefused
            : EventReason.RebuildRefused,
        r.message());
  }

  /**
   * Removes the request annotation {@code key} if it still holds the value this pass read (a JSON
   * patch with a test): a request written meanwhile stays for the next pass.
   */
  private void clearRequest(ShardedDatabase sdb, String key) {
    Map<String, String> annotations = sdb.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    if (value == null) {
      return;
    }
    String path = "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
    String patch =
        Serialization.asJson(
            List.of(
                Map.of("op", "test", "path", path, "value", value),
                Map.of("op", "remove", "path", path)));
    try {
      client
          .resources(ShardedDatabase.class)
          .inNamespace(sdb.getMetadata().getNamespace())
          .withName(sdb.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON), patch);
    } catch (KubernetesClientException e) {
      LOG.info(
          "request {} on {} not cleared (changed meanwhile?): {}",
          key,
          sdb.getMetadata().getName(),
          e.getMessage());
    }
  }

  @Override
  public ErrorStatusUpdateControl<ShardedDatabase> updateErrorStatus(
      ShardedDatabase sdb, Context<ShardedDatabase> context, Exception e) {
    LOG.warn("reconcile of {} failed", sdb.getMetadata().getName(), e);
    ShardedDatabaseStatus previous =
        sdb.getStatus() != null
            ? sdb.getStatus()
            : new ShardedDatabaseStatus(null, null, null, null, null, null);
    ShardedDatabaseStatus failed = aggregator.failed(sdb, previous, e, clock.instant());
    if (!failed.equals(previous)) {
      try {
        writeStatus(sdb, context, failed);
      } catch (RuntimeException writeFailed) {
        LOG.debug("could not record the failure of {}", sdb.getMetadata().getName(), writeFailed);
      }
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private UpdateControl<ShardedDatabase> finish(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      StatusAggregator.Result result,
      boolean busy,
      Duration atMost) {
    Duration next =
        result.failoverPending()
            ? resync.failoverWatch(
                clock.instant(),
                result.status().shardsOrEmpty().stream()
                    .map(ShardStatus::primaryUnavailableSince)
                    .filter(Objects::nonNull)
                    .map(Instant::parse)
                    .toList(),
                Duration.ofSeconds(
                    sdb.getSpec().failoverOrDefault().primaryUnavailableSecondsOrDefault()))
            : busy ? resync.busy() : resync.settled();
    if (atMost != null && atMost.compareTo(next) < 0) {
      next = atMost;
    }
    if (!result.status().equals(previous)) {
      writeStatus(sdb, context, result.status());
    }
    return UpdateControl.<ShardedDatabase>noUpdate().rescheduleAfter(next);
  }

  /**
   * Replaces the whole status with optimistic locking and caches the answer, so the next pass sees
   * the epoch it just recorded. A JSON patch computed against a stale copy could land on the wrong
   * array element. On a conflict the SDK re-applies the change to a newer copy: {@link
   * StatusWriteGuard} refuses that when the newer copy records another election (epochs stay unique
   * per election); the pass then fails and is retried from the new status.
   */
  private void writeStatus(
      ShardedDatabase sdb, Context<ShardedDatabase> context, ShardedDatabaseStatus status) {
    ShardedDatabaseStatus basis = sdb.getStatus();
    ShardedDatabase stored =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            sdb,
            context,
            r -> {
              StatusWriteGuard.check(basis, r.getStatus());
              r.setStatus(status);
              return r;
            });
    // Every pass writes status.applied.sharding: its answer tells whether the CRD is current.
    crd.observe(status, stored);
  }

  /**
   * The shard's /config: its spec range as before, plus the sharding and the ranges it owns in the
   * published layout ({@code owned}); a shard not published yet (a move's new destination) owns
   * nothing until it adopts a range.
   */
  private static ShardConfigRequest configRequest(
      ShardedDatabaseSpec spec, ShardSpec shard, PointRange owned) {
    if (shard == null || spec.schema() == null) {
      return null;
    }
    return new ShardConfigRequest(
        spec.schema().toTableSchema().toContract(),
        List.of(shard.id()),
        spec.schema().table(),
        spec.schema().shardKey(),
        shard.low(),
        shard.size(),
        spec.shardingOrDefault(),
        owned == null ? List.of() : List.of(owned));
  }

  /** How to reach each shard this pass coordinated: primary first, and whether it is Ready. */
  private static Map<String, ShardEndpoint> endpoints(List<ShardOutcome> outcomes) {
    Map<String, ShardEndpoint> out = new HashMap<>();
    for (ShardOutcome o : outcomes) {
      ShardStatus s = o.status();
      String primaryUrl =
          s.primary() == null ? null : s.replica(s.primary()).map(ReplicaStatus::url).orElse(null);
      List<String> urls = new ArrayList<>();
      if (primaryUrl != null) {
        urls.add(primaryUrl);
      }
      s.replicasOrEmpty().stream()
          .map(ReplicaStatus::url)
          .filter(u -> u != null && !u.equals(primaryUrl))
          .forEach(urls::add);
      out.put(
          s.id(), new ShardEndpoint(primaryUrl, List.copyOf(urls), o.phase() == ShardPhase.Ready));
    }
    return out;
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
              && ((s.getData() != null && s.getData().get(SecretModel.ADMIN_TOKEN) != null)
                  || (s.getStringData() != null
                      && s.getStringData().get(SecretModel.ADMIN_TOKEN) != null));
      return s == null || has ? null : named;
    } catch (KubernetesClientException e) {
      LOG.debug("cannot read {} to check its admin-token", named, e);
      return null;
    }
  }

  /** A Warning Event when the Insecure condition turns true or changes what it says. */
  private static Optional<ShardEvent> insecureEvent(
      ShardedDatabaseStatus previous, ShardedDatabaseStatus now) {
    Optional<io.fabric8.kubernetes.api.model.Condition> was =
        previous.condition(ConditionType.Insecure.name());
    Optional<io.fabric8.kubernetes.api.model.Condition> is =
        now.condition(ConditionType.Insecure.name());
    if (is.isEmpty() || !"True".equals(is.get().getStatus())) {
      return Optional.empty();
    }
    if (was.isPresent()
        && "True".equals(was.get().getStatus())
        && was.get().getMessage().equals(is.get().getMessage())) {
      return Optional.empty();
    }
    return Optional.of(new ShardEvent(EventReason.InsecureSettings, is.get().getMessage()));
  }

  private static DesiredCondition reshardingCondition(
      Resharder.Outcome reshard, Optional<CrdFreshness.Outdated> outdated) {
    if (outdated.isPresent()) {
      return DesiredCondition.isFalse(
          ConditionType.Resharding, ConditionReason.CrdOutdated, outdated.get().message());
    }
    if (reshard.move() != null && !reshard.move().phase().finished()) {
      MoveStatus m = reshard.move();
      return DesiredCondition.isTrue(
          ConditionType.Resharding,
          ConditionReason.MoveInProgress,
          "moving ["
              + m.low()
              + ", "
              + (m.low() + m.size())
              + ") from "
              + m.source()
              + " to "
              + m.destination()
              + ": "
              + m.phase()
              + ", "
              + m.message());
    }
    if (reshard.blocked() != null) {
      return DesiredCondition.isFalse(
          ConditionType.Resharding, ConditionReason.ReshardingBlocked, reshard.blocked());
    }
    return DesiredCondition.isFalse(
        ConditionType.Resharding,
        ConditionReason.Reconciled,
        "every shard owns the range the spec gives it");
  }

  private static long generation(ShardedDatabase sdb) {
    Long g = sdb.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  /** Every reachable shard-server's heartbeat, asked in parallel; the silent ones are absent. */
  private Map<String, TimedHeartbeat> heartbeats(Map<String, List<PodView>> podsByShard) {
    Map<String, CompletableFuture<TimedHeartbeat>> calls = new HashMap<>();
    podsByShard.values().stream()
        .flatMap(List::stream)
        .filter(PodView::reachable)
        .forEach(
            p ->
                calls.put(
                    p.name(),
                    CompletableFuture.supplyAsync(() -> shards.heartbeat(p.url()), probes)));
    Map<String, TimedHeartbeat> out = new HashMap<>();
    calls.forEach(
        (pod, call) -> {
          try {
            out.put(pod, call.join());
          } catch (RuntimeException e) {
            LOG.debug("no heartbeat from {}: {}", pod, e.getMessage());
          }
        });
    return out;
  }

  private void replaceStuckPods(
      ShardedDatabase sdb, List<PodView> pods, FailoverSpec failover, Instant now) {
    for (PodView pod : pods) {
      if (pod.ready()) {
        continue;
      }
      String nodeName = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getNodeName();
      Optional<Node> node =
          nodeName == null
              ? Optional.empty()
              : Optional.ofNullable(client.nodes().withName(nodeName).get());
      ReplacementDecision decision =
          replacement.decide(
              pod.pod(),
              node,
              now,
              failover.crashLoopRestartsOrDefault(),
              Duration.ofSeconds(failover.nodeNotReadySecondsOrDefault()));
      if (decision.action() == ReplacementDecision.Action.KEEP) {
        continue;
      }
      try {
        var resource =
            client.pods().inNamespace(pod.pod().getMetadata().getNamespace()).withName(pod.name());
        if (decision.action() == ReplacementDecision.Action.FORCE_DELETE) {
          resource.withGracePeriod(0).delete();
        } else {
          resource.delete();
        }
        events.record(
            sdb,
            new ShardEvent(
                EventReason.PodReplaced,
                (decision.action() == ReplacementDecision.Action.FORCE_DELETE
                        ? "force-deleted "
                        : "deleted ")
                    + pod.name()
                    + " so its StatefulSet recreates it: "
                    + decision.reason()));
      } catch (KubernetesClientException e) {
        LOG.warn("could not delete pod {}: {}", pod.name(), e.getMessage());
      }
    }
  }

  /** The shard StatefulSets the informer holds, by name. */
  private static Map<String, StatefulSet> shardStatefulSets(Context<ShardedDatabase> context) {
    Map<String, StatefulSet> out = new HashMap<>();
    context
        .getSecondaryResourcesAsStream(StatefulSet.class)
        .forEach(s -> out.put(s.getMetadata().getName(), s));
    return out;
  }

  /** The shard StatefulSet's update revision (its current template), or null when unknown. */
  private static String updateRevision(
      ShardedDatabase sdb, Context<ShardedDatabase> context, String shardId) {
    String name =
        ShardedDatabaseResources.shardStatefulSetName(sdb.getMetadata().getName(), shardId);
    return context
        .getSecondaryResourcesAsStream(StatefulSet.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .map(StatefulSet::getStatus)
        .filter(Objects::nonNull)
        .map(StatefulSetStatus::getUpdateRevision)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /**
   * Rolls one outdated secondary onto the StatefulSet's new template ({@link RollPlanner}): shard
   * StatefulSets update {@code OnDelete}, so the operator decides which pod goes when.
   */
  private void roll(
      ShardedDatabase sdb, ShardOutcome outcome, List<PodView> pods, String updateRevision) {
    Optional<PodView> next =
        RollPlanner.next(outcome.phase(), outcome.status(), pods, updateRevision);
    if (next.isEmpty()) {
      return;
    }
    PodView pod = next.get();
    try {
      client
          .pods()
          .inNamespace(pod.pod().getMetadata().getNamespace())
          .withName(pod.name())
          .delete();
      events.record(
          sdb,
          new ShardEvent(
              EventReason.PodRolled,
              "deleted secondary "
                  + pod.name()
                  + " so its StatefulSet re-creates it from the new template (revision "
                  + pod.pod().getMetadata().getLabels().get(PodView.REVISION_LABEL)
                  + " -> "
                  + updateRevision
                  + "); the primary goes last, after a planned switch-over"));
    } catch (KubernetesClientException e) {
      LOG.warn("could not delete pod {} for the roll: {}", pod.name(), e.getMessage());
    }
  }

  /**
   * Each shard with the pods its StatefulSet keeps: more than the spec's count while replicas being
   * removed may still hold acknowledged writes ({@link ResizeGate}, DESIGN §5 rule 12).
   */
  private static List<DesiredShard> gated(
      List<DesiredShard> shards,
      Map<String, List<PodView>> podsByShard,
      Map<String, TimedHeartbeat> heartbeats,
      ShardedDatabaseStatus previous,
      List<String> resizing) {
    List<DesiredShard> out = new ArrayList<>();
    for (DesiredShard s : shards) {
      List<PodView> pods =
          podsByShard.getOrDefault(s.id(), List.of()).stream()
              .filter(p -> p.ordinal() >= 0 && !p.terminating())
              .toList();
      ResizeGate.Decision d =
          ResizeGate.decide(s.replicas(), pods, heartbeats, previous.shard(s.id()).orElse(null));
      if (d.waiting() != null) {
        LOG.info("shard {}: {}", s.id(), d.waiting());
        resizing.add("shard " + s.id() + ": " + d.waiting());
      }
      out.add(s.withPods(d.pods()));
    }
    return out;
  }

  /**
   * The shard credential the operator sends (key {@code token} of the database's shard-auth Secret,
   * from the informer cache), or null before the Secret exists.
   */
  private static String shardCredential(ShardedDatabase sdb, Context<ShardedDatabase> context) {
    String name = ShardedDatabaseResources.shardAuthSecretName(sdb.getMetadata().getName());
    return context
        .getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .map(Secret::getData)
        .filter(data -> data != null && data.get(SecretModel.TOKEN) != null)
        .map(
            data ->
                new String(
                        Base64.getDecoder().decode(data.get(SecretModel.TOKEN)),
                        StandardCharsets.UTF_8)
                    .trim())
        .findFirst()
        .orElse(null);
  }

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
}
