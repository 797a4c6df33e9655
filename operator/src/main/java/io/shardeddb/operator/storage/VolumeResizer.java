package io.shardeddb.operator.storage;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.StorageSpec;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.ShardModel;
import io.shardeddb.operator.status.ConditionReason;
import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.operator.storage.VolumeResizePlanner.Claim;
import io.shardeddb.operator.storage.VolumeResizePlanner.ExpandClaim;
import io.shardeddb.operator.storage.VolumeResizePlanner.Observed;
import io.shardeddb.operator.storage.VolumeResizePlanner.Phase;
import io.shardeddb.operator.storage.VolumeResizePlanner.Plan;
import io.shardeddb.operator.storage.VolumeResizePlanner.PodState;
import io.shardeddb.operator.storage.VolumeResizePlanner.RebuildStep;
import io.shardeddb.operator.storage.VolumeResizePlanner.RecreatePod;
import io.shardeddb.operator.storage.VolumeResizePlanner.RecreateStatefulSet;
import io.shardeddb.operator.storage.VolumeResizePlanner.ReplaceVolume;
import io.shardeddb.operator.storage.VolumeResizePlanner.Wait;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a larger {@code spec.storage.size} (docs/operator.md, "Growing the volumes"):
 * observes each shard's live StatefulSet, claims and StorageClass, lets {@link VolumeResizePlanner}
 * decide, raises the claims and re-creates the StatefulSets (orphan deletion: the pods keep
 * running), and says which claim template each desired StatefulSet carries this pass and which
 * StatefulSets the workflow leaves alone while they are re-created ({@link #resize}, in the
 * workflow step). Where the class cannot expand, the shards step then takes one step of the rolling
 * rebuild per shard and pass ({@link #rebuild}), decided from that pass's shard outcome. It reads
 * nothing from the API server while every template already has the spec's size and no resize is
 * under way.
 */
public final class VolumeResizer {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeResizer.class);

  /**
   * One pass's outcome: the shards with the claim template their StatefulSets carry, the
   * StorageResizing condition (null: no resize ever, nothing to report), the Events due, whether a
   * resize is under way (come back soon), whether the size is not taken up (unsupported, or a
   * rolling rebuild not finished: the applied size then stays what it was, so the spec may be put
   * back), and the shards under a rolling rebuild, by id.
   */
  public record Result(
      List<DesiredShard> shards,
      DesiredCondition condition,
      List<ShardEvent> events,
      boolean busy,
      boolean notTakenUp,
      Map<String, Rebuild> rebuilds) {

    /** A result with no rolling rebuild. */
    public Result(
        List<DesiredShard> shards,
        DesiredCondition condition,
        List<ShardEvent> events,
        boolean busy,
        boolean notTakenUp) {
      this(shards, condition, events, busy, notTakenUp, Map.of());
    }

    /** The pods of this shard that wait for a volume of the new size (none: no rebuild). */
    public Set<String> awaitingVolume(String shard) {
      Rebuild r = rebuilds.get(shard);
      return r == null ? Set.of() : r.awaiting();
    }
  }

  /**
   * One shard under a rolling rebuild this pass: the size, what was observed and decided, and the
   * pods still waiting for a volume of that size.
   */
  public record Rebuild(String wanted, Observed observed, Plan plan, Set<String> awaiting) {}

  private final KubernetesClient client;

  public VolumeResizer(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Resizes what {@code sdb}'s spec asks for; {@code live} are the shard StatefulSets by name (the
   * informer's), {@code previous} the StorageResizing condition the status holds.
   */
  public Result resize(
      ShardedDatabase sdb,
      List<DesiredShard> shards,
      Map<String, StatefulSet> live,
      Optional<Condition> previous) {
    return resize(sdb, shards, live, previous, null);
  }

  /**
   * As above, with the size {@code status.applied.storageSize} records (null: none): while it is
   * smaller than the spec's, a resize is not finished (a rolling rebuild keeps it until every claim
   * has the new size), so the volumes are observed even when the condition was never written (a
   * status write lost right after the StatefulSet was re-created with the new template).
   */
  public Result resize(
      ShardedDatabase sdb,
      List<DesiredShard> shards,
      Map<String, StatefulSet> live,
      Optional<Condition> previous,
      String appliedSize) {
    StorageSpec storage = ShardedDatabaseResources.spec(sdb).storageOrDefault();
    String wanted = storage.sizeOrDefault();
    boolean rebuild = storage.resizePolicyOrDefault() == StorageSpec.ResizePolicy.ExpandOrRebuild;
    String db = sdb.getMetadata().getName();
    boolean underWay = previous.map(c -> "True".equals(c.getStatus())).orElse(false);
    boolean unsupportedBefore =
        previous
            .map(c -> ConditionReason.StorageResizeUnsupported.name().equals(c.getReason()))
            .orElse(false);
    boolean anySmall = false;
    for (DesiredShard s : shards) {
      String template =
          templateSize(live.get(ShardedDatabaseResources.shardStatefulSetName(db, s.id())));
      anySmall |= template != null && VolumeResizePlanner.less(template, wanted);
    }
    boolean appliedSmall = appliedSize != null && VolumeResizePlanner.less(appliedSize, wanted);
    if (!anySmall && !underWay && !unsupportedBefore && !appliedSmall) {
      // Settled: every template has the spec's size. Report only once a resize has happened.
      return new Result(
          shards,
          previous.isPresent() ? VolumeResizePlanner.condition(wanted, List.of()) : null,
          List.of(),
          false,
          false);
    }

    String namespace = sdb.getMetadata().getNamespace();
    Map<String, Optional<Boolean>> classes = new HashMap<>();
    List<Plan> plans = new ArrayList<>();
    List<DesiredShard> out = new ArrayList<>();
    List<ShardEvent> events = new ArrayList<>();
    Map<String, Rebuild> rebuilds = new LinkedHashMap<>();
    for (DesiredShard s : shards) {
      String stsName = ShardedDatabaseResources.shardStatefulSetName(db, s.id());
      StatefulSet sts = live.get(stsName);
      List<PersistentVolumeClaim> claims = new ArrayList<>();
      for (int i = 0; i < s.pods(); i++) {
        PersistentVolumeClaim c =
            client
                .persistentVolumeClaims()
                .inNamespace(namespace)
                .withName(ShardModel.dataClaimName(stsName + "-" + i))
                .get();
        if (c != null) {
          claims.add(c);
        }
      }
      String className =
          claims.stream()
              .map(c -> c.getSpec() == null ? null : c.getSpec().getStorageClassName())
              .filter(n -> n != null && !n.isEmpty())
              .findFirst()
              .orElse(storage.storageClassName());
      Boolean expandable =
          className == null
              ? null
              : classes.computeIfAbsent(className, this::expandable).orElse(null);
      Observed observed =
          new Observed(
              s.id(),
              stsName,
              templateSize(sts),
              sts != null && sts.getMetadata().getDeletionTimestamp() != null,
              s.pods(),
              claims.stream().map(VolumeResizer::claim).toList(),
              className,
              expandable,
              rebuild);
      Plan plan = VolumeResizePlanner.plan(wanted, observed);
      plans.add(plan);
      if (plan.phase() == Phase.Rebuilding) {
        rebuilds.put(
            s.id(),
            new Rebuild(
                wanted,
                observed,
                plan,
                VolumeResizePlanner.awaitingVolume(wanted, plan, observed)));
      }
      boolean recreating = VolumeResizePlanner.recreating(wanted, plan);
      out.add(
          s.withVolumeSize(recreating ? wanted : plan.templateSize())
              .withStatefulSetHeld(recreating));
      plan.actions().forEach(a -> act(namespace, a, className).ifPresent(events::add));
    }
    DesiredCondition condition = VolumeResizePlanner.condition(wanted, plans);
    boolean unsupported = plans.stream().anyMatch(p -> p.phase() == Phase.Unsupported);
    String before = previous.map(Condition::getMessage).orElse(null);
    if (unsupported && !(unsupportedBefore && condition.message().equals(before))) {
      events.add(new ShardEvent(EventReason.StorageResizeUnsupported, condition.message()));
    }
    if (underWay && ConditionReason.Reconciled.name().equals(condition.reason())) {
      events.add(new ShardEvent(EventReason.StorageResized, condition.message()));
    }
    return new Result(
        out,
        condition,
        List.copyOf(events),
        condition.status(),
        unsupported || !rebuilds.isEmpty(),
        Map.copyOf(rebuilds));
  }

  /**
   * One step of a shard's rolling rebuild ({@link VolumeResizePlanner#rebuildStep}), decided from
   * this pass's outcome of the shard ({@code phase}, {@code status}) and its pods; the Event of the
   * step taken, empty when none was (waiting, or the call failed).
   */
  public Optional<ShardEvent> rebuild(
      String namespace, Rebuild r, ShardPhase phase, ShardStatus status, List<PodState> pods) {
    RebuildStep step =
        VolumeResizePlanner.rebuildStep(r.wanted(), r.plan(), r.observed(), phase, status, pods);
    String shard = r.observed().shard();
    try {
      switch (step) {
        case Wait w -> {
          LOG.debug("rolling rebuild: {}", w.why());
          return Optional.empty();
        }
        case ReplaceVolume v -> {
          // The claim stays (pvc-protection) while the pod uses it; once the pod is gone, both go
          // and the StatefulSet creates them again, the claim from the new template.
          client.persistentVolumeClaims().inNamespace(namespace).withName(v.claim()).delete();
          client.pods().inNamespace(namespace).withName(v.pod()).delete();
          int total = r.observed().pods();
          return Optional.of(
              new ShardEvent(
                  EventReason.VolumeRebuildStarted,
                  "shard "
                      + shard
                      + ": rolling rebuild onto "
                      + v.to()
                      + " volumes (StorageClass "
                      + r.observed().storageClass()
                      + " cannot expand): deleted claim "
                      + v.claim()
                      + " ("
                      + v.from()
                      + ") and pod "
                      + v.pod()
                      + "; its StatefulSet re-creates both and the replica copies in from primary "
                      + status.primary()
                      + " ("
                      + (total - r.awaiting().size())
                      + " of "
                      + total
                      + " pods done before it)"));
        }
        case RecreatePod p -> {
          client.pods().inNamespace(namespace).withName(p.pod()).delete();
          return Optional.of(
              new ShardEvent(
                  EventReason.VolumeRebuildStarted,
                  "shard "
                      + shard
                      + ": deleted pod "
                      + p.pod()
                      + " again: it was re-created before its old claim "
                      + p.claim()
                      + " was gone and waits for it; its StatefulSet re-creates it with a new"
                      + " claim"));
        }
      }
    } catch (KubernetesClientException ex) {
      LOG.warn("rolling rebuild step {} failed: {}", step, ex.getMessage());
    }
    return Optional.empty();
  }

  private Optional<ShardEvent> act(
      String namespace, VolumeResizePlanner.Action action, String className) {
    try {
      switch (action) {
        case ExpandClaim e -> {
          client
              .persistentVolumeClaims()
              .inNamespace(namespace)
              .withName(e.claim())
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + e.to() + "\"}}}}");
          return Optional.of(
              new ShardEvent(
                  EventReason.VolumeExpansionStarted,
                  "raised "
                      + e.claim()
                      + " from "
                      + e.from()
                      + " to "
                      + e.to()
                      + " (StorageClass "
                      + className
                      + " allows expansion)"));
        }
        case RecreateStatefulSet r -> {
          // The plan was made on the informer's copy, which can still show the old StatefulSet
          // after it was deleted and re-created: read it again and delete only an old one. Deleting
          // the re-created one (its pods orphaned) races its adoption of the pods, and the garbage
          // collector then deletes them all (the real-cluster tier, 2026-11-25).
          StatefulSet now =
              client.apps().statefulSets().inNamespace(namespace).withName(r.name()).get();
          String size = templateSize(now);
          if (now == null
              || now.getMetadata().getDeletionTimestamp() != null
              || size == null
              || !VolumeResizePlanner.less(size, r.to())) {
            return Optional.empty();
          }
          // Orphan: the pods and their claims stay; the re-created StatefulSet adopts them.
          client
              .apps()
              .statefulSets()
              .inNamespace(namespace)
              .withName(r.name())
              .withPropagationPolicy(DeletionPropagation.ORPHAN)
              .delete();
          return Optional.of(
              new ShardEvent(
                  EventReason.StatefulSetRecreated,
                  "deleted StatefulSet "
                      + r.name()
                      + " with its pods orphaned, to re-create it with "
                      + r.to()
                      + " volume claims instead of "
                      + r.from()
                      + " (a claim template cannot change); its pods keep running"));
        }
      }
    } catch (KubernetesClientException ex) {
      LOG.warn("volume resize step {} failed: {}", action, ex.getMessage());
    }
    return Optional.empty();
  }

  /** Whether the class allows expansion; empty when it cannot be read. */
  private Optional<Boolean> expandable(String className) {
    try {
      StorageClass c = client.storage().v1().storageClasses().withName(className).get();
      return c == null
          ? Optional.empty()
          : Optional.of(Boolean.TRUE.equals(c.getAllowVolumeExpansion()));
    } catch (KubernetesClientException e) {
      LOG.info("cannot read StorageClass {}: {}", className, e.getMessage());
      return Optional.empty();
    }
  }

  /** The live StatefulSet's data claim template size, or null without one. */
  static String templateSize(StatefulSet sts) {
    if (sts == null || sts.getSpec() == null || sts.getSpec().getVolumeClaimTemplates() == null) {
      return null;
    }
    return sts.getSpec().getVolumeClaimTemplates().stream()
        .filter(
            t ->
                t.getMetadata() != null && ShardModel.DATA_VOLUME.equals(t.getMetadata().getName()))
        .map(VolumeResizer::requested)
        .filter(q -> q != null)
        .findFirst()
        .orElse(null);
  }

  private static Claim claim(PersistentVolumeClaim c) {
    Quantity capacity =
        c.getStatus() == null || c.getStatus().getCapacity() == null
            ? null
            : c.getStatus().getCapacity().get("storage");
    boolean fileSystem =
        c.getStatus() != null
            && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(
                    k ->
                        "FileSystemResizePending".equals(k.getType())
                            && "True".equals(k.getStatus()));
    return new Claim(
        c.getMetadata().getName(),
        requested(c),
        capacity == null ? null : capacity.toString(),
        fileSystem,
        c.getMetadata().getDeletionTimestamp() != null);
  }

  private static String requested(PersistentVolumeClaim c) {
    if (c.getSpec() == null
        || c.getSpec().getResources() == null
        || c.getSpec().getResources().getRequests() == null) {
      return null;
    }
    Quantity q = c.getSpec().getResources().getRequests().get("storage");
    return q == null ? null : q.toString();
  }
}
