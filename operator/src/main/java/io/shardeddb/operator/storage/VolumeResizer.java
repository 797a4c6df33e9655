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
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.StorageSpec;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.ShardModel;
import io.shardeddb.operator.status.ConditionReason;
import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.storage.VolumeResizePlanner.Claim;
import io.shardeddb.operator.storage.VolumeResizePlanner.ExpandClaim;
import io.shardeddb.operator.storage.VolumeResizePlanner.Observed;
import io.shardeddb.operator.storage.VolumeResizePlanner.Phase;
import io.shardeddb.operator.storage.VolumeResizePlanner.Plan;
import io.shardeddb.operator.storage.VolumeResizePlanner.RecreateStatefulSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a larger {@code spec.storage.size} (docs/operator.md, "Growing the volumes"):
 * observes each shard's live StatefulSet, claims and StorageClass, lets {@link VolumeResizePlanner}
 * decide, raises the claims and re-creates the StatefulSets (orphan deletion: the pods keep
 * running), and says which claim template each desired StatefulSet carries this pass. It reads
 * nothing from the API server while every template already has the spec's size and no resize is
 * under way.
 */
public final class VolumeResizer {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeResizer.class);

  /**
   * One pass's outcome: the shards with the claim template their StatefulSets carry, the
   * StorageResizing condition (null: no resize ever, nothing to report), the Events due, whether a
   * resize is under way (come back soon), and whether the size could not be taken up (the applied
   * size then stays what it was, so the spec may be put back).
   */
  public record Result(
      List<DesiredShard> shards,
      DesiredCondition condition,
      List<ShardEvent> events,
      boolean busy,
      boolean unsupported) {}

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
    StorageSpec storage = ShardedDatabaseResources.spec(sdb).storageOrDefault();
    String wanted = storage.sizeOrDefault();
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
    if (!anySmall && !underWay && !unsupportedBefore) {
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
      Plan plan =
          VolumeResizePlanner.plan(
              wanted,
              new Observed(
                  s.id(),
                  stsName,
                  templateSize(sts),
                  sts != null && sts.getMetadata().getDeletionTimestamp() != null,
                  s.pods(),
                  claims.stream().map(VolumeResizer::claim).toList(),
                  className,
                  expandable));
      plans.add(plan);
      out.add(s.withVolumeSize(plan.templateSize()));
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
    return new Result(out, condition, List.copyOf(events), condition.status(), unsupported);
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
        fileSystem);
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
