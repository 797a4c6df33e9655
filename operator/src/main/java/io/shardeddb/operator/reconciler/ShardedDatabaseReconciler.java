package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.backup.resource.RestoreGate;
import io.shardeddb.operator.backup.ArchiveHealth;
import io.shardeddb.operator.cert.OperatorTls;
import io.shardeddb.operator.cert.TlsSecrets;
import io.shardeddb.operator.crd.StoredStatusMonitor;
import io.shardeddb.operator.dependent.CaSecretDependent;
import io.shardeddb.operator.dependent.ConfigMapDependent;
import io.shardeddb.operator.dependent.DisruptionBudgetApiCondition;
import io.shardeddb.operator.dependent.LayoutRequestDependent;
import io.shardeddb.operator.dependent.MetricsAuthSecretDependent;
import io.shardeddb.operator.dependent.MysqlSecretDependent;
import io.shardeddb.operator.dependent.PodMonitorDependent;
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
import io.shardeddb.operator.dependent.ShardTlsSecretDependent;
import io.shardeddb.operator.dependent.TlsSecretDependent;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.NetworkAccess;
import io.shardeddb.operator.replacement.PodReplacementPolicy;
import io.shardeddb.operator.reshard.Resharder;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.StatusAggregator;
import io.shardeddb.operator.storage.VolumeResizer;
import io.shardeddb.planner.pass.ShardCoordinator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a ShardedDatabase as a flat list of named steps, each in its own file
 * (docs/operator.md, "One reconcile"): {@link LayoutRequestStep the router's layout request},
 * validate, {@link NameClash names no other database holds}, {@link ObserveStep observe}, {@link
 * WorkflowStep workflow} (which shards run, then the dependents), {@link RetiredVolumesStep the
 * volumes of shards merged away}, {@link ShardsStep shards}, {@link StuckPodReplacer stuck pods},
 * {@link SchemaStep schema changes}, {@link ReshardStep resharding}, {@link AggregateStep
 * aggregate} (the one owner of conditions) and {@link FinishStep finish}. It never waits: work that
 * is not possible yet is retried by {@code rescheduleAfter}. This file holds the list, the event
 * sources and the workflow's dependents.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = ConfigMapDependent.class),
      @Dependent(type = LayoutRequestDependent.class),
      @Dependent(
          type = RouterTokenSecretDependent.class,
          reconcilePrecondition = RouterTokenSecretDependent.Generated.class),
      @Dependent(
          type = MysqlSecretDependent.class,
          reconcilePrecondition = MysqlSecretDependent.Generated.class),
      @Dependent(type = ShardAuthSecretDependent.class),
      @Dependent(type = ShardDataAuthSecretDependent.class),
      @Dependent(type = MetricsAuthSecretDependent.class),
      @Dependent(
          type = CaSecretDependent.class,
          reconcilePrecondition = CaSecretDependent.Decided.class),
      @Dependent(type = TlsSecretDependent.class),
      @Dependent(type = ShardTlsSecretDependent.class),
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
      @Dependent(type = ShardNetworkPolicyDependent.class),
      // The database's own PodMonitor: only when asked for and the API is served.
      @Dependent(
          type = PodMonitorDependent.class,
          activationCondition = PodMonitorDependent.Served.class)
    })
@ControllerConfiguration(name = ShardedDatabaseReconciler.NAME)
public class ShardedDatabaseReconciler implements Reconciler<ShardedDatabase> {

  /** The controller's name (metrics, logs). */
  public static final String NAME = "shardeddb";

  /** The informer event source for Nodes (cluster-scoped; no Node event triggers a pass). */
  static final String NODES = "nodes";

  private static final Logger LOG = LoggerFactory.getLogger(ShardedDatabaseReconciler.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final SpecValidator validator;
  private final LayoutRequestStep layoutRequest;
  private final RestoreGate restoreGate;
  private final StatusAggregator aggregator;
  private final ObserveStep observe;
  private final WorkflowStep workflow;
  private final RetiredVolumesStep retiredVolumes;
  private final ShardsStep shards;
  private final StuckPodReplacer stuckPods;
  private final ReshardStep resharding;
  private final SchemaStep schema;
  private final AggregateStep aggregate;
  private final FinishStep finish;
  private final OperatorTls tls;
  private final HeartbeatEventSource heartbeats;
  // The Node informer's cache (null until the event sources are prepared): stuck-pod replacement
  // reads nodes from it instead of asking the API server for each unready pod.
  private volatile InformerEventSource<Node, ShardedDatabase> nodes;

  /**
   * A reconciler using these collaborators; {@code heartbeats} polls the shard-servers (an event
   * source of this controller, registered by {@link #prepareEventSources}); the operator runs in
   * {@code operatorNamespace} (null: unknown); the NetworkPolicies admit what {@code network} says
   * (the metrics scraper, egress); {@code resync} says when to run again.
   */
  public ShardedDatabaseReconciler(
      KubernetesClient client,
      Images images,
      ShardServerClient shardClient,
      Clock clock,
      HeartbeatEventSource heartbeats,
      SpecValidator validator,
      ShardCoordinator coordinator,
      ShardRemovalGuard removalGuard,
      Resharder resharder,
      PodReplacementPolicy replacement,
      StatusAggregator aggregator,
      EventRecorder events,
      String operatorNamespace,
      NetworkAccess network,
      ResyncIntervals resync,
      ArchiveHealth archives,
      CaTimes caTimes) {
    this.client = client;
    this.clock = clock;
    this.validator = validator;
    this.layoutRequest = new LayoutRequestStep(client, validator, events);
    this.restoreGate = new RestoreGate(client);
    this.aggregator = aggregator;
    // What status writes showed about the server's CRD (cluster-wide, so one per operator).
    StoredStatusMonitor crd = new StoredStatusMonitor();
    // Each database's CA and the operator's certificate for it, kept across passes.
    this.tls =
        new OperatorTls(
            new TlsSecrets(new SecureRandom(), TlsSecrets.LEAF_VALIDITY, caTimes.validity()),
            caTimes.overlap());
    this.heartbeats = heartbeats;
    this.observe = new ObserveStep(shardClient, heartbeats, tls, client);
    VolumeResizer volumes = new VolumeResizer(client);
    this.workflow = new WorkflowStep(images, removalGuard, volumes, operatorNamespace, network);
    this.retiredVolumes = new RetiredVolumesStep(client, events);
    this.shards = new ShardsStep(client, coordinator, events, volumes);
    this.stuckPods = new StuckPodReplacer(client, replacement, events);
    this.resharding = new ReshardStep(resharder, crd);
    this.schema = new SchemaStep(shardClient, crd);
    this.aggregate = new AggregateStep(client, aggregator, archives, events);
    this.finish = new FinishStep(client, clock, resync, crd);
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
    // Nodes are a cache for stuck-pod replacement only: passes run on their own schedule.
    InformerEventSourceConfiguration<Node> nodeConfig =
        InformerEventSourceConfiguration.from(Node.class, ShardedDatabase.class)
            .withName(NODES)
            .withWatchAllNamespaces()
            .withFollowControllerNamespacesChanges(false)
            .withSecondaryToPrimaryMapper(node -> Set.of())
            .build();
    nodes = new InformerEventSource<>(nodeConfig, context);
    return List.of(new InformerEventSource<>(pods, context), nodes, heartbeats);
  }

  @Override
  public UpdateControl<ShardedDatabase> reconcile(
      ShardedDatabase sdb, Context<ShardedDatabase> context) {
    Instant now = clock.instant();
    if (layoutRequest.step(sdb, context, now)) {
      // The merged layout is a new generation; its own event starts the pass that applies it.
      return UpdateControl.<ShardedDatabase>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
    }
    ShardedDatabaseStatus previous = statusOf(sdb);
    List<String> problems = problems(sdb, previous);
    if (!problems.isEmpty()) {
      return finish.invalid(
          sdb, context, previous, aggregate.invalid(sdb, previous, problems, now));
    }
    List<String> clashes =
        NameClash.problems(
            sdb,
            context.getPrimaryCache().list(sdb.getMetadata().getNamespace()).toList(),
            new NameOwners(client, sdb.getMetadata().getNamespace()));
    if (!clashes.isEmpty()) {
      return finish.invalid(
          sdb, context, previous, aggregate.nameClash(sdb, previous, clashes, now));
    }
    ObserveStep.Observed observed = observe.observe(sdb, context, now);
    WorkflowStep.Desired desired = workflow.reconcile(sdb, context, previous, observed);
    retiredVolumes.step(sdb, context, previous, observed, desired);
    ShardsStep.Shards coordinated =
        shards.coordinate(sdb, context, previous, observed, desired, now);
    stuckPods.replace(
        sdb,
        desired.shardIds().stream().flatMap(id -> observed.pods(id).stream()).toList(),
        ShardedDatabaseResources.spec(sdb).failoverOrDefault(),
        now,
        StuckPodReplacer.Nodes.of(nodes, client));
    SchemaStep.Report schemaReport =
        schema.step(sdb, context, previous, desired.layout(), coordinated.outcomes());
    ReshardStep.Report reshard =
        resharding.step(
            sdb, context, desired.layout(), coordinated.outcomes(), schemaReport.holdsMoves());
    Map<String, String> annotations = sdb.getMetadata().getAnnotations();
    AggregateStep.CaStep ca =
        new AggregateStep.CaStep(
            CaReport.of(observed.tls(), ShardedDatabaseResources.tlsEnabled(sdb), tls.overlap()),
            CaReport.request(
                observed.tls(),
                annotations == null ? null : annotations.get(ObserveStep.ROTATE_CA),
                now));
    StatusAggregator.Result result =
        aggregate.aggregate(
            sdb, context, previous, desired, coordinated, reshard, schemaReport, ca, now);
    List<RequestStatus> handled = new ArrayList<>(coordinated.handled());
    handled.addAll(ca.handled());
    // A rotation under way is looked at again when its next step is due.
    Duration atMost = reshard.lookAgainWithin();
    if (schemaReport.lookAgainWithin() != null
        && (atMost == null || schemaReport.lookAgainWithin().compareTo(atMost) < 0)) {
      atMost = schemaReport.lookAgainWithin();
    }
    if (observed.tls() != null && observed.tls().state() != null) {
      Instant due = observed.tls().state().due(tls.overlap());
      if (due != null) {
        Duration until = Duration.between(now, due);
        Duration soon = until.isNegative() ? Duration.ofSeconds(1) : until.plusSeconds(1);
        atMost = atMost == null || soon.compareTo(atMost) < 0 ? soon : atMost;
      }
    }
    return finish.finish(sdb, context, previous, result, atMost, handled);
  }

  /**
   * What keeps the spec from being applied: the validator's problems, and for a database restored
   * from a backup that has applied nothing yet, why the restore cannot be done.
   */
  private List<String> problems(ShardedDatabase sdb, ShardedDatabaseStatus previous) {
    List<String> problems = validator.problems(sdb);
    if (problems.isEmpty() && previous.applied() == null) {
      String restore = restoreGate.problem(sdb);
      if (restore != null) {
        return List.of(restore);
      }
    }
    return problems;
  }

  @Override
  public ErrorStatusUpdateControl<ShardedDatabase> updateErrorStatus(
      ShardedDatabase sdb, Context<ShardedDatabase> context, Exception e) {
    LOG.warn("reconcile of {} failed", sdb.getMetadata().getName(), e);
    ShardedDatabaseStatus previous = statusOf(sdb);
    ShardedDatabaseStatus failed = aggregator.failed(sdb, previous, e, clock.instant());
    if (!failed.equals(previous)) {
      try {
        finish.writeStatus(sdb, context, failed);
      } catch (RuntimeException writeFailed) {
        LOG.debug("could not record the failure of {}", sdb.getMetadata().getName(), writeFailed);
      }
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * How long a CA the operator makes is valid (rotated with a third of it left), and how long each
   * step of a rotation waits ({@link io.shardeddb.operator.cert.CaRotation}).
   */
  public record CaTimes(Duration validity, Duration overlap) {

    /** A year; five minutes. */
    public static final CaTimes DEFAULTS =
        new CaTimes(TlsSecrets.CA_VALIDITY, OperatorTls.CA_OVERLAP);
  }

  private static ShardedDatabaseStatus statusOf(ShardedDatabase sdb) {
    return sdb.getStatus() != null ? sdb.getStatus() : ShardedDatabaseStatus.builder().build();
  }
}
