package io.shardeddb.operator.storage;

import io.fabric8.kubernetes.api.model.Quantity;
import io.shardeddb.operator.status.ConditionReason;
import io.shardeddb.operator.status.ConditionType;
import io.shardeddb.operator.status.DesiredCondition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a larger {@code spec.storage.size} asks of one shard's volumes, decided from what was
 * observed (the live StatefulSet's claim template, each pod's PersistentVolumeClaim, whether their
 * StorageClass allows expansion), as CloudNativePG and Percona do it: where the class allows
 * expansion, each claim's request is raised (the storage driver grows the volume, the kubelet its
 * file system) and the StatefulSet, whose claim templates the API server never lets change, is
 * deleted with its pods orphaned and re-created with the new template, so no pod restarts. Where
 * the class does not allow it (or is unknown), nothing is touched: the resize is reported as
 * unsupported and the data stays as it is. Pure; {@link VolumeResizer} does the API calls.
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
    /** The StorageClass does not allow expansion, or is unknown: nothing is done. */
    Unsupported
  }

  /**
   * One pod's claim: its requested size, the capacity its volume has ({@code null} while unbound)
   * and whether its {@code FileSystemResizePending} condition is true.
   */
  public record Claim(
      String name, String requested, String capacity, boolean fileSystemResizePending) {}

  /**
   * What is known of one shard's volumes: the live StatefulSet ({@code templateSize} null when
   * there is none; {@code statefulSetDeleting} when it is on its way out), its pods' count and
   * claims, and the claims' StorageClass ({@code expandable} null when it could not be read).
   */
  public record Observed(
      String shard,
      String statefulSet,
      String templateSize,
      boolean statefulSetDeleting,
      int pods,
      List<Claim> claims,
      String storageClass,
      Boolean expandable) {}

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
    if ((!small.isEmpty() || (templateSmall && !o.claims().isEmpty()))
        && !Boolean.TRUE.equals(o.expandable())) {
      String have = small.isEmpty() ? o.templateSize() : small.get(0).requested();
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

  /**
   * The database's {@code StorageResizing} condition from every shard's plan: False with
   * StorageResizeUnsupported when a shard cannot grow, True while one grows (VolumeExpanding, then
   * FileSystemResizePending), else False and Reconciled.
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
