package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Pure: a user's fence of shard pods ({@code kubectl sdb fence}, the annotation {@code
 * shardeddb.io/fenced-pods: '["pod", ...]'}, {@code '["*"]'} for every pod), as CloudNativePG's
 * {@code cnpg.io/fencedInstances}. Not the shard-servers' epoch fence ({@code /fence}), which the
 * operator takes during a switch-over or failover: a user's fence is a state the operator keeps
 * across passes until the pod is unfenced.
 *
 * <p>What a fence does, decided here and in {@link ShardRequests#handOver}: the pod leaves the
 * routing (its status entry loses its address, {@link #hidden}, and routers route only to replicas
 * with one), a fenced primary hands its role over by the planned switch-over to the most caught-up
 * unfenced secondary (while none can take over, the shard takes no writes: its primary has no
 * routable address), and no planned switch-over makes a fenced pod primary. The pod keeps its
 * process and its role, and keeps receiving the log, so it is caught up when unfenced.
 *
 * <p>{@link #refusal} is the rule {@code kubectl sdb fence} applies before writing the annotation:
 * the unfenced in-sync voting replicas must make a write quorum on their own, so that whatever is
 * done to the fenced pods (stopped, inspected, destroyed) cannot stop the shard's writes.
 */
public final class Fencing {

  /** The annotation holding the fenced pods: a JSON array of pod names, or {@code ["*"]}. */
  public static final String ANNOTATION = "shardeddb.io/fenced-pods";

  /** The name that fences every pod of the database. */
  public static final String ALL = "*";

  /** A Kubernetes object name (DNS-1123 subdomain), what a pod name is. */
  private static final Pattern POD_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private Fencing() {}

  /**
   * The fenced pods as the annotation names them: {@code pods} by name, {@code all} for {@code
   * "*"}; {@code problem} says why the value cannot be read (then nothing is fenced).
   */
  public record Fenced(Set<String> pods, boolean all, String problem) {

    /** Nothing fenced. */
    public static final Fenced NONE = new Fenced(Set.of(), false, null);

    public Fenced {
      pods = Set.copyOf(pods);
    }

    /** Whether {@code pod} is fenced. */
    public boolean fences(String pod) {
      return all || pods.contains(pod);
    }

    /** Whether nothing is fenced. */
    public boolean isEmpty() {
      return !all && pods.isEmpty();
    }

    /** The fenced pods among {@code names}, in their order. */
    public List<String> among(Collection<String> names) {
      return names.stream().filter(this::fences).toList();
    }
  }

  /**
   * Reads the annotation's value: a JSON array of pod names ({@code ["db-sh1-1","db-sh2-0"]}),
   * {@code ["*"]} for every pod; absent or blank, nothing fenced.
   */
  public static Fenced parse(String value) {
    if (value == null || value.isBlank()) {
      return Fenced.NONE;
    }
    String v = value.trim();
    if (!v.startsWith("[") || !v.endsWith("]")) {
      return invalid(value, "must be a JSON array of pod names, e.g. [\"db-sh1-1\"] or [\"*\"]");
    }
    String inner = v.substring(1, v.length() - 1).trim();
    Set<String> pods = new TreeSet<>();
    boolean all = false;
    if (!inner.isEmpty()) {
      for (String item : inner.split(",", -1)) {
        String s = item.trim();
        if (s.length() < 2 || !s.startsWith("\"") || !s.endsWith("\"")) {
          return invalid(value, "each element must be a quoted pod name, got " + s);
        }
        String name = s.substring(1, s.length() - 1);
        if (ALL.equals(name)) {
          all = true;
        } else if (!POD_NAME.matcher(name).matches() || name.length() > 253) {
          return invalid(value, "'" + name + "' is not a pod name");
        } else {
          pods.add(name);
        }
      }
    }
    return new Fenced(pods, all, null);
  }

  /** The annotation's value for {@code pods} (sorted, {@code ["*"]} when it holds {@link #ALL}). */
  public static String format(Collection<String> pods) {
    Collection<String> names = pods.contains(ALL) ? List.of(ALL) : new TreeSet<>(pods);
    return names.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  private static Fenced invalid(String value, String why) {
    return new Fenced(Set.of(), false, "annotation " + ANNOTATION + " " + why + ": " + value);
  }

  /**
   * Why fencing {@code fenced} (all fenced pods of this shard, old and new) may not be done, or
   * null when it may: the shard's voting replicas that are ready in {@code shard}'s status and not
   * fenced must hold a write quorum ({@code quorum} over the voting count) by themselves.
   */
  public static String refusal(ShardStatus shard, WriteQuorum quorum, Set<String> fenced) {
    List<ReplicaStatus> voting =
        shard.replicasOrEmpty().stream().filter(r -> votes(r.pod(), shard)).toList();
    int needed = quorum.required(Math.max(1, voting.size()));
    List<String> serving = new ArrayList<>();
    for (ReplicaStatus r : voting) {
      if (Boolean.TRUE.equals(r.ready()) && !fenced.contains(r.pod())) {
        serving.add(r.pod());
      }
    }
    if (serving.size() >= needed) {
      return null;
    }
    return "fencing "
        + String.join(", ", new TreeSet<>(fenced))
        + " would leave "
        + serving.size()
        + " of "
        + voting.size()
        + " voting replicas of shard "
        + shard.id()
        + " ready and unfenced"
        + (serving.isEmpty() ? "" : " (" + String.join(", ", serving) + ")")
        + ", fewer than the "
        + needed
        + " a write needs ("
        + quorum
        + " quorum)";
  }

  /**
   * {@code status} as routers are to see it: each fenced replica without its address (routers route
   * only to replicas with one), so no read or write goes through it.
   */
  public static ShardStatus hidden(ShardStatus status, Fenced fenced) {
    if (fenced == null || fenced.isEmpty() || status.replicas() == null) {
      return status;
    }
    List<ReplicaStatus> replicas =
        status.replicas().stream()
            .map(
                r ->
                    fenced.fences(r.pod())
                        ? new ReplicaStatus(
                            r.pod(),
                            null,
                            r.role(),
                            r.ready(),
                            r.state(),
                            r.appliedLsn(),
                            r.lagLsn(),
                            r.copyProgress(),
                            r.storageFormat())
                        : r)
            .toList();
    return status.toBuilder().replicas(replicas).build();
  }

  /**
   * A pass's outcome as the fence leaves it: the fenced replicas {@link #hidden} from routers, and
   * while the primary itself is fenced (no unfenced replica could take over yet) phase {@link
   * ShardPhase#PrimaryFenced}: the shard takes no writes.
   */
  public static ShardOutcome apply(ShardOutcome outcome, Fenced fenced) {
    if (fenced == null || fenced.isEmpty()) {
      return outcome;
    }
    ShardStatus status = hidden(outcome.status(), fenced);
    String primary = status.primary();
    List<String> inShard =
        fenced.among(status.replicasOrEmpty().stream().map(ReplicaStatus::pod).toList());
    String message =
        inShard.isEmpty() ? outcome.message() : outcome.message() + "; fenced: " + inShard;
    ShardPhase phase = outcome.phase();
    if (primary != null && fenced.fences(primary) && phase != ShardPhase.Hibernated) {
      phase = ShardPhase.PrimaryFenced;
      message =
          "primary "
              + primary
              + " is fenced and no unfenced caught-up secondary can take over: no writes; "
              + message;
    }
    return new ShardOutcome(
        status, outcome.desiredReplicas(), phase, message, outcome.request(), outcome.verified());
  }

  /**
   * Whether {@code pod} votes: every replica does unless the status names a voter count, and then
   * only ordinals below it (the others are learners still copying in).
   */
  static boolean votes(String pod, ShardStatus shard) {
    if (shard.voters() == null) {
      return true;
    }
    int dash = pod.lastIndexOf('-');
    try {
      return Integer.parseInt(pod.substring(dash + 1)) < shard.voters();
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
