package io.shardeddb.operator.storage;

import io.fabric8.kubernetes.api.model.Quantity;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.model.ShardModel;
import io.shardeddb.operator.recopy.RebuildGate;
import io.shardeddb.operator.status.ConditionReason;
import io.shardeddb.operator.status.ConditionType;
import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a larger {@code spec.storage.size} asks of one shard's volumes, decided from what was
 * observed (the live StatefulSet's claim template, each pod's PersistentVolumeClaim, whether their
 * StorageClass allows expansion), as CloudNativePG and Percona do it: where the class allows
 * expansion, each claim's request is raised (the storage driver grows the volume, the kubelet its
 * file system) and the StatefulSet, whose claim templates the API server never lets change, is
 * deleted with its pods orphaned and re-created with the new template, so no pod restarts. Where
 * the class does not allow it (or is unknown), the volumes are replaced by a rolling rebuild
 * ({@code spec.storage.resizePolicy: ExpandOrRebuild}, the default): the StatefulSet is re-created
 * with the new template the same way, then one pod at a time, secondaries highest ordinal first and
 * the primary last after a planned switch-over, its claim and pod are deleted so the StatefulSet
 * creates both anew and the empty replica copies in from the primary ({@link #rebuildStep}); never
 * while that would leave fewer in-sync replicas than a write needs ({@link RebuildGate}). Under
 * {@code ExpandOnly}, or with fewer than three replicas, nothing is touched: the resize is reported
 * as unsupported and the data stays as it is. Pure; {@link VolumeResizer} does the API calls.
 *
 * <p>Why this file is over 450 lines: expansion, the StatefulSet's re-creation and the rolling
 * rebuild are the outcomes of one decision per pass over the same observations, and the rebuild's
 * order and gate only make sense read with it; the API calls are apart.
 */
public final class VolumeResizePlanner {

  /** Where one shard's resize stands. */
  public enum Phase {
    /** Every volume and the template have (at least) the spec's size. */
    Resized,
    /** Claims were (or are being) raised, or the StatefulSet is being re-created. */
    Expanding,
    /** The volumes grew; the file system on one of them waits for the kubelet to grow it. */
    FileSystemResizePending,
    /** The class cannot expand: the pods move onto new volumes one at a time. */
    Rebuilding,
    /** The StorageClass does not allow expansion, or is unknown: nothing is done. */
    Unsupported
  }

  /**
   * One pod's claim: its requested size, the capacity its volume has ({@code null} while unbound),
   * whether its {@code FileSystemResizePending} condition is true and whether it is being deleted
   * (a deleted claim stays while a pod uses it).
   */
  public record Claim(
      String name,
      String requested,
      String capacity,
      boolean fileSystemResizePending,
      boolean deleting) {

    /** A claim not being deleted. */
    public Claim(String name, String requested, String capacity, boolean fileSystemResizePending) {
      this(name, requested, capacity, fileSystemResizePending, false);
    }
  }

  /**
   * What is known of one shard's volumes: the live StatefulSet ({@code templateSize} null when
   * there is none; {@code statefulSetDeleting} when it is on its way out), its pods' count and
   * claims, the claims' StorageClass ({@code expandable} null when it could not be read), and
   * whether volumes that cannot expand may be replaced by a rolling rebuild ({@code
   * spec.storage.resizePolicy}).
   */
  public record Observed(
      String shard,
      String statefulSet,
      String templateSize,
      boolean statefulSetDeleting,
      int pods,
      List<Claim> claims,
      String storageClass,
      Boolean expandable,
      boolean rebuild) {

    /** Volumes that are only ever expanded ({@code resizePolicy: ExpandOnly}). */
    public Observed(
        String shard,
        String statefulSet,
        String templateSize,
        boolean statefulSetDeleting,
        int pods,
        List<Claim> claims,
        String storageClass,
        Boolean expandable) {
      this(
          shard,
          statefulSet,
          templateSize,
          statefulSetDeleting,
          pods,
          claims,
          storageClass,
          expandable,
          false);
    }

    /** The claim of this pod, if it exists. */
    Optional<Claim> claimOf(String pod) {
      String name = ShardModel.dataClaimName(pod);
      return claims.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The shard's pod names, ordinal 0 first. */
    List<String> podNames() {
      return IntStream.range(0, pods).mapToObj(i -> statefulSet + "-" + i).toList();
    }
  }

  /** One shard pod as the pass saw it. */
  public record PodState(
      String name, int ordinal, boolean ready, boolean running, boolean terminating) {}

  /** What a rolling rebuild does to one shard in this pass: at most one step. */
  public sealed interface RebuildStep permits ReplaceVolume, RecreatePod, Wait {}

  /**
   * Delete the pod's claim (it stays while the pod runs) and then the pod: the StatefulSet creates
   * both again, the claim from the new template, and the empty replica copies in.
   */
  public record ReplaceVolume(String pod, String claim, String from, String to)
      implements RebuildStep {}

  /**
   * Delete a pod that was re-created before its old claim was gone: it waits for that claim, which
   * never comes back, and holds no data.
   */
  public record RecreatePod(String pod, String claim) implements RebuildStep {}

  /** Nothing this pass, and why. */
  public record Wait(String why) implements RebuildStep {}

  /** Something to do to the API server. */
  public sealed interface Action permits ExpandClaim, RecreateStatefulSet {}

  /** Raise the claim's requested storage from {@code from} to {@code to}. */
  public record ExpandClaim(String claim, String from, String to) implements Action {}

  /**
   * Delete the StatefulSet with its pods (and their claims) orphaned; the workflow re-creates it
   * with a {@code to} claim template and it adopts the running pods.
   */
  public record RecreateStatefulSet(String name, String from, String to) implements Action {}

  /**
   * One shard's decision: the claim template size its desired StatefulSet carries this pass, the
   * actions, and where it stands (with a message naming the shard).
   */
  public record Plan(
      String shard, String templateSize, List<Action> actions, Phase phase, String message) {}

  private VolumeResizePlanner() {}

  /** What to do for a shard whose spec asks for volumes of {@code wanted}. */
  public static Plan plan(String wanted, Observed o) {
    List<Claim> small = o.claims().stream().filter(c -> less(c.requested(), wanted)).toList();
    boolean templateSmall = o.templateSize() != null && less(o.templateSize(), wanted);
    // A rolling rebuild under way: a claim deleted and its pod not re-created yet, re-created
    // without its new claim, or with a new claim not bound yet.
    boolean replacing =
        o.rebuild()
            && (o.claims().stream().anyMatch(c -> c.deleting() || c.capacity() == null)
                || (o.templateSize() != null
                    && !o.claims().isEmpty()
                    && o.claims().size() < o.pods()));
    if ((!small.isEmpty() || (templateSmall && !o.claims().isEmpty()) || replacing)
        && !Boolean.TRUE.equals(o.expandable())) {
      String have = small.isEmpty() ? o.templateSize() : small.get(0).requested();
      String blocked =
          o.rebuild()
              ? RebuildGate.refusal(o.shard(), "any of its pods", o.pods(), o.pods() - 1L)
              : null;
      if (o.rebuild() && blocked == null) {
        return rebuilding(wanted, o, templateSmall);
      }
      return new Plan(
          o.shard(),
          o.templateSize() != null ? o.templateSize() : wanted,
          List.of(),
          Phase.Unsupported,
          "shard "
              + o.shard()
              + ": "
              + why(o)
              + ", so its volumes keep "
              + have
              + " although spec.storage.size asks for "
              + wanted
              + (blocked == null
                  ? " and spec.storage.resizePolicy is ExpandOnly"
                  : "; a rolling rebuild onto new volumes cannot keep writes going: "
                      + blocked
                      + " (raise replicas to 3 first)")
              + "; the data is left as it is (put the size back, or see docs/operator.md for"
              + " moving to a class that expands)");
    }
    List<Action> actions = new ArrayList<>();
    small.forEach(c -> actions.add(new ExpandClaim(c.name(), c.requested(), wanted)));
    String template;
    boolean templatePending = false;
    if (o.templateSize() == null) {
      template = wanted;
    } else if (!templateSmall) {
      // Equal, or larger than the spec (never shrunk): as it is.
      template = o.templateSize();
    } else if (o.claims().isEmpty() && o.pods() > 0) {
      // Pods without claims: emulated volumes (local mode), whose API server lets the template
      // change in place; nothing to expand.
      template = wanted;
    } else {
      template = o.templateSize();
      templatePending = true;
      if (!o.statefulSetDeleting()) {
        actions.add(new RecreateStatefulSet(o.statefulSet(), o.templateSize(), wanted));
      }
    }
    List<Claim> notGrown =
        o.claims().stream()
            .filter(c -> c.capacity() == null || less(c.capacity(), wanted))
            .filter(c -> !c.fileSystemResizePending())
            .toList();
    List<Claim> fileSystem = o.claims().stream().filter(Claim::fileSystemResizePending).toList();
    if (!actions.isEmpty() || templatePending || !notGrown.isEmpty()) {
      List<String> waiting = new ArrayList<>();
      if (!small.isEmpty() || !notGrown.isEmpty()) {
        waiting.add(
            "volumes growing to "
                + wanted
                + " ("
                + (small.isEmpty() ? notGrown : small)
                    .stream().map(Claim::name).collect(Collectors.joining(", "))
                + ")");
      }
      if (templatePending) {
        waiting.add(
            "StatefulSet "
                + o.statefulSet()
                + " being re-created with "
                + wanted
                + " volume claims (its pods keep running)");
      }
      return new Plan(
          o.shard(),
          template,
          List.copyOf(actions),
          Phase.Expanding,
          "shard " + o.shard() + ": " + String.join("; ", waiting));
    }
    if (!fileSystem.isEmpty()) {
      return new Plan(
          o.shard(),
          template,
          List.of(),
          Phase.FileSystemResizePending,
          "shard "
              + o.shard()
              + ": "
              + fileSystem.stream().map(Claim::name).collect(Collectors.joining(", "))
              + " grew to "
              + wanted
              + " and waits for its file system to grow (FileSystemResizePending: the kubelet"
              + " grows it while the pod runs, or when the pod next starts)");
    }
    return new Plan(
        o.shard(), template, List.of(), Phase.Resized, "shard " + o.shard() + ": " + wanted);
  }

  /** A shard whose volumes cannot expand: re-create the StatefulSet, then rebuild pod by pod. */
  private static Plan rebuilding(String wanted, Observed o, boolean templateSmall) {
    List<Action> actions = new ArrayList<>();
    // The live template until the old StatefulSet is gone (never shrunk); the spec's after.
    String template = o.templateSize() == null ? wanted : o.templateSize();
    if (templateSmall && !o.statefulSetDeleting()) {
      actions.add(new RecreateStatefulSet(o.statefulSet(), o.templateSize(), wanted));
    }
    List<String> names = o.podNames();
    long done = names.stream().filter(p -> rebuilt(wanted, o, p)).count();
    List<String> todo = names.stream().filter(p -> !rebuilt(wanted, o, p)).toList();
    String message =
        "shard "
            + o.shard()
            + ": rolling rebuild onto "
            + wanted
            + " volumes ("
            + why(o)
            + "), "
            + done
            + " of "
            + names.size()
            + " pods done"
            + (templateSmall
                ? "; StatefulSet "
                    + o.statefulSet()
                    + " being re-created with "
                    + wanted
                    + " volume claims first (its pods keep running)"
                : "; left: " + String.join(", ", todo));
    return new Plan(o.shard(), template, List.copyOf(actions), Phase.Rebuilding, message);
  }

  /** Whether the pod's claim exists, is not going, has the wanted size and is bound. */
  private static boolean rebuilt(String wanted, Observed o, String pod) {
    return o.claimOf(pod)
        .map(c -> !c.deleting() && c.capacity() != null && !less(c.requested(), wanted))
        .orElse(false);
  }

  /**
   * Whether the shard's StatefulSet is being re-created with {@code wanted} claims: its live
   * template is smaller (it is being deleted with its pods orphaned, or is deleted this pass) while
   * the volumes grow or are rebuilt. The workflow then leaves it alone (creates, updates and
   * deletes nothing) and, once it is gone, creates it with {@code wanted} claims: handing the
   * workflow the old template instead lets a deletion that finishes mid-pass be followed by a
   * StatefulSet with the old template again, which the next pass deletes in turn, each delete
   * racing the pods' adoption (the real-cluster tier, 2026-11-25).
   */
  public static boolean recreating(String wanted, Plan plan) {
    return (plan.phase() == Phase.Expanding || plan.phase() == Phase.Rebuilding)
        && plan.templateSize() != null
        && less(plan.templateSize(), wanted);
  }

  /**
   * The pods of a rebuilding shard that still wait for a volume of the wanted size: they count as
   * outdated for the planned switch-over of a roll ({@code ShardRequests.handOver}), so once only
   * the primary waits it hands over to a rebuilt, caught-up secondary and is rebuilt last.
   */
  public static Set<String> awaitingVolume(String wanted, Plan plan, Observed o) {
    if (plan.phase() != Phase.Rebuilding) {
      return Set.of();
    }
    return o.podNames().stream()
        .filter(p -> !rebuilt(wanted, o, p))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * The one step of a rolling rebuild this pass, decided from the shard's coordination outcome (its
   * phase and status of this pass) and its pods. In order: a pod re-created on a claim that was
   * going is deleted again (it holds no data); nothing else while the StatefulSet still has the old
   * template, the shard has no serving primary, a pod is missing or going, or a rebuilt pod is not
   * back Ready and caught up; then the pod whose claim is already going (a rebuild begun), else the
   * secondary with the highest ordinal whose claim is small; the primary never (once only it is
   * left, the planned switch-over makes it a secondary); and only while the other voters in sync
   * still make a write quorum ({@link RebuildGate}, the rule of the rebuild request).
   */
  public static RebuildStep rebuildStep(
      String wanted,
      Plan plan,
      Observed o,
      ShardPhase phase,
      ShardStatus status,
      List<PodState> pods) {
    String shard = "shard " + o.shard() + ": ";
    if (plan.phase() != Phase.Rebuilding) {
      return new Wait(shard + "no rolling rebuild");
    }
    if (less(plan.templateSize(), wanted)) {
      return new Wait(shard + "StatefulSet " + o.statefulSet() + " is being re-created first");
    }
    Map<String, PodState> byName = new HashMap<>();
    pods.stream().filter(p -> !p.terminating()).forEach(p -> byName.put(p.name(), p));
    for (String name : o.podNames()) {
      PodState p = byName.get(name);
      Optional<Claim> claim = o.claimOf(name);
      if (p != null
          && StrandedPod.waitsForAGoneClaim(
              p.running(), claim.isPresent(), claim.map(Claim::deleting).orElse(false))) {
        return new RecreatePod(name, ShardModel.dataClaimName(name));
      }
    }
    boolean serving =
        status != null
            && status.primary() != null
            && (phase == ShardPhase.Ready
                || phase == ShardPhase.Degraded
                || phase == ShardPhase.Copying);
    if (!serving) {
      return new Wait(shard + "waiting for a serving primary (" + phase + ")");
    }
    for (String name : o.podNames()) {
      PodState p = byName.get(name);
      if (p == null) {
        return new Wait(shard + "waiting for pod " + name + " to come back");
      }
      boolean caughtUp =
          p.ready()
              && status
                  .replica(name)
                  .map(r -> Boolean.TRUE.equals(r.ready()) && r.state() == ReplicaState.Ready)
                  .orElse(false);
      boolean onNewClaim =
          o.claimOf(name).map(c -> !c.deleting() && !less(c.requested(), wanted)).orElse(false);
      if (onNewClaim && !caughtUp) {
        return new Wait(
            shard
                + "waiting for "
                + name
                + ", on its new volume, to be Ready and caught up ("
                + status.replica(name).map(r -> String.valueOf(r.state())).orElse("no status")
                + ")");
      }
    }
    String primary = status.primary();
    Optional<String> begun =
        o.podNames().stream()
            .filter(n -> o.claimOf(n).map(Claim::deleting).orElse(false))
            .findFirst();
    Optional<String> next =
        begun.isPresent()
            ? begun
            : o.podNames().stream()
                .filter(n -> !n.equals(primary))
                .filter(n -> o.claimOf(n).map(c -> less(c.requested(), wanted)).orElse(false))
                .reduce((a, b) -> b);
    if (next.isEmpty()) {
      return o.claimOf(primary).map(c -> less(c.requested(), wanted)).orElse(false)
          ? new Wait(
              shard
                  + "only primary "
                  + primary
                  + " is left: waiting for the planned switch-over to a rebuilt secondary")
          : new Wait(shard + "every volume rebuilt");
    }
    String pod = next.get();
    if (pod.equals(primary)) {
      return new Wait(shard + pod + " is the primary; waiting for the planned switch-over");
    }
    int voting =
        Math.min(
            status.voters() != null && status.voters() > 0
                ? status.voters()
                : status.replicasOrEmpty().size(),
            o.pods());
    long inSyncOthers =
        status.replicasOrEmpty().stream()
            .filter(r -> !r.pod().equals(pod))
            .filter(r -> ordinal(r.pod()) < voting)
            .filter(r -> Boolean.TRUE.equals(r.ready()) && r.state() == ReplicaState.Ready)
            .filter(r -> r.role() == (r.pod().equals(primary) ? Role.Primary : Role.Secondary))
            .count();
    String refusal = RebuildGate.refusal(o.shard(), pod, voting, inSyncOthers);
    if (refusal != null) {
      return new Wait(refusal + "; waiting");
    }
    Claim claim = o.claimOf(pod).orElseThrow();
    return new ReplaceVolume(pod, claim.name(), claim.requested(), wanted);
  }

  private static int ordinal(String pod) {
    try {
      return Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
    } catch (RuntimeException e) {
      return Integer.MAX_VALUE;
    }
  }

  /**
   * The database's {@code StorageResizing} condition from every shard's plan: False with
   * StorageResizeUnsupported when a shard cannot grow, True while one grows (VolumeExpanding, then
   * RollingRebuild, then FileSystemResizePending), else False and Reconciled.
   */
  public static DesiredCondition condition(String wanted, List<Plan> plans) {
    List<Plan> unsupported = plans.stream().filter(p -> p.phase() == Phase.Unsupported).toList();
    if (!unsupported.isEmpty()) {
      return DesiredCondition.isFalse(
          ConditionType.StorageResizing,
          ConditionReason.StorageResizeUnsupported,
          joined(unsupported));
    }
    List<Plan> expanding = plans.stream().filter(p -> p.phase() == Phase.Expanding).toList();
    if (!expanding.isEmpty()) {
      return DesiredCondition.isTrue(
          ConditionType.StorageResizing, ConditionReason.VolumeExpanding, joined(expanding));
    }
    List<Plan> rebuilding = plans.stream().filter(p -> p.phase() == Phase.Rebuilding).toList();
    if (!rebuilding.isEmpty()) {
      return DesiredCondition.isTrue(
          ConditionType.StorageResizing, ConditionReason.RollingRebuild, joined(rebuilding));
    }
    List<Plan> fileSystem =
        plans.stream().filter(p -> p.phase() == Phase.FileSystemResizePending).toList();
    if (!fileSystem.isEmpty()) {
      return DesiredCondition.isTrue(
          ConditionType.StorageResizing,
          ConditionReason.FileSystemResizePending,
          joined(fileSystem));
    }
    return DesiredCondition.isFalse(
        ConditionType.StorageResizing,
        ConditionReason.Reconciled,
        "every shard's volumes have the spec's size (" + wanted + ")");
  }

  private static String joined(List<Plan> plans) {
    return plans.stream().map(Plan::message).collect(Collectors.joining("; "));
  }

  private static String why(Observed o) {
    if (o.storageClass() == null) {
      return "its volumes have no StorageClass (none named and no default), which cannot be"
          + " checked for expansion";
    }
    if (o.expandable() == null) {
      return "the StorageClass "
          + o.storageClass()
          + " could not be read (missing, or the operator may not get storageclasses)";
    }
    return "the StorageClass "
        + o.storageClass()
        + " does not allow volume expansion (allowVolumeExpansion is not true)";
  }

  /** Whether quantity {@code a} is smaller than {@code b}; an unreadable one counts as smaller. */
  static boolean less(String a, String b) {
    return amount(a).compareTo(amount(b)) < 0;
  }

  private static BigDecimal amount(String quantity) {
    try {
      return new Quantity(quantity).getNumericalAmount();
    } catch (RuntimeException e) {
      return BigDecimal.ZERO;
    }
  }
}
