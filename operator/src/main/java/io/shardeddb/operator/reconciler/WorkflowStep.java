package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.dependent.Models;
import io.shardeddb.operator.dependent.TlsModels;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.NetworkAccess;
import io.shardeddb.operator.reshard.Layouts;
import io.shardeddb.operator.reshard.MovePlanner;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.ConditionType;
import io.shardeddb.operator.storage.VolumeResizer;
import io.shardeddb.protocol.topology.PointRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow step: decides which shards run and with how many pods (a shard dropped from the spec
 * keeps running while it owns a range or takes part in the move in flight, or, with backups on,
 * until its archive holds its whole log, {@link ShardRemovalGuard}; a shrink keeps its pods until
 * the staying replicas hold every acknowledged write, {@link ResizeGate}; a larger volume, {@link
 * VolumeResizer}), then lets the dependents workflow create or update the owned objects from that
 * {@link DatabaseModel}.
 */
final class WorkflowStep {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowStep.class);

  /**
   * The published layout (routers route by it), the spec's layout ({@code target}), and the move
   * recorded in flight (null: none); resharding moves the rows from the one to the other.
   */
  record Layout(
      Map<String, PointRange> published, Map<String, PointRange> target, MoveStatus inFlight) {

    static Layout of(ShardedDatabaseSpec spec, ShardedDatabaseStatus previous) {
      Map<String, PointRange> target = Layouts.ofSpec(spec.shardsOrEmpty());
      return new Layout(
          MovePlanner.withNewCoverage(Layouts.published(previous.applied(), target), target),
          target,
          previous.reshardingOrEmpty().inFlight().orElse(null));
    }

    /** The shards resharding needs running: every published owner, the move's two ends. */
    Set<String> shards() {
      Set<String> out = new HashSet<>(published.keySet());
      if (inFlight != null) {
        out.add(inFlight.source());
        out.add(inFlight.destination());
      }
      return out;
    }
  }

  /**
   * What the workflow was given: the model (the shards that run, each with its pods), the removals
   * refused, the shrinks waiting, the volume resize, the layout, whether the database hibernates
   * ({@link Hibernation}: every StatefulSet and the router at zero pods) and the pods the user
   * fenced ({@link Fencing}), with the problems of those two annotations.
   */
  record Desired(
      DatabaseModel model,
      List<ShardRemovalGuard.Refusal> refusals,
      List<String> resizing,
      VolumeResizer.Result volumeResize,
      Layout layout,
      boolean hibernated,
      Fencing.Fenced fenced,
      List<String> annotationProblems) {

    /** The ids of the shards that run, in the model's order. */
    List<String> shardIds() {
      return model.shards().stream().map(DesiredShard::id).toList();
    }
  }

  private final Images images;
  private final ShardRemovalGuard removalGuard;
  private final VolumeResizer volumes;
  private final String operatorNamespace;
  private final NetworkAccess network;

  WorkflowStep(
      Images images,
      ShardRemovalGuard removalGuard,
      VolumeResizer volumes,
      String operatorNamespace,
      NetworkAccess network) {
    this.images = images;
    this.removalGuard = removalGuard;
    this.volumes = volumes;
    this.operatorNamespace = operatorNamespace;
    this.network = network;
  }

  Desired reconcile(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      ObserveStep.Observed observed) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    Layout layout = Layout.of(spec, previous);
    Set<String> specIds =
        spec.shardsOrEmpty().stream().map(ShardSpec::id).collect(Collectors.toSet());
    List<ShardRemovalGuard.Refusal> refusals =
        removalGuard.refusals(
            previous.shardsOrEmpty(), specIds, layout.shards(), spec.backup() != null);
    DatabaseModel model =
        DatabaseModel.of(
                sdb,
                images,
                refusals.stream().map(ShardRemovalGuard.Refusal::shard).toList(),
                operatorNamespace)
            .withNetwork(network);
    List<String> resizing = new ArrayList<>();
    model = model.withShards(gated(model.shards(), observed, previous, resizing));
    // A larger spec.storage.size: claims expanded, StatefulSets re-created with their pods
    // orphaned; each desired StatefulSet keeps its live claim template until then.
    VolumeResizer.Result volumeResize =
        volumes.resize(
            sdb,
            model.shards(),
            shardStatefulSets(context),
            previous.condition(ConditionType.StorageResizing.name()),
            previous.applied() == null ? null : previous.applied().storageSize());
    model = model.withShards(volumeResize.shards());
    Map<String, String> annotations = sdb.getMetadata().getAnnotations();
    Hibernation.State hibernation = Hibernation.of(annotations);
    Fencing.Fenced fenced =
        Fencing.parse(annotations == null ? null : annotations.get(Fencing.ANNOTATION));
    List<String> annotationProblems = new ArrayList<>();
    if (hibernation.problem() != null) {
      annotationProblems.add(hibernation.problem());
    }
    if (fenced.problem() != null) {
      annotationProblems.add(fenced.problem());
    }
    if (hibernation.on()) {
      // Scaled to zero, claims kept: StatefulSets never delete their pods' claims.
      model = model.withShards(model.shards().stream().map(s -> s.withPods(0)).toList());
      model = model.asHibernated();
    }
    Models.put(context, model);
    TlsModels.put(context, observed.tls());
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    return new Desired(
        model,
        refusals,
        resizing,
        volumeResize,
        layout,
        hibernation.on(),
        fenced,
        List.copyOf(annotationProblems));
  }

  /**
   * Each shard with the pods its StatefulSet keeps: more than the spec's count while replicas being
   * removed may still hold acknowledged writes ({@link ResizeGate}, DESIGN §5 rule 12).
   */
  private static List<DesiredShard> gated(
      List<DesiredShard> shards,
      ObserveStep.Observed observed,
      ShardedDatabaseStatus previous,
      List<String> resizing) {
    List<DesiredShard> out = new ArrayList<>();
    for (DesiredShard s : shards) {
      List<PodView> pods =
          observed.pods(s.id()).stream()
              .filter(p -> p.ordinal() >= 0 && !p.terminating())
              .map(ShardPod::view)
              .toList();
      Map<String, TimedHeartbeat> heartbeats = observed.heartbeats();
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

  /** The shard StatefulSets the informer holds, by name. */
  private static Map<String, StatefulSet> shardStatefulSets(Context<ShardedDatabase> context) {
    Map<String, StatefulSet> out = new HashMap<>();
    context
        .getSecondaryResourcesAsStream(StatefulSet.class)
        .forEach(s -> out.put(s.getMetadata().getName(), s));
    return out;
  }
}
