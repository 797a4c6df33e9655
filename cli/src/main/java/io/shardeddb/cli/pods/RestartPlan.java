package io.shardeddb.cli.pods;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pure: the order of a rolling restart of a shard's pods, decided from the shard's status. The
 * secondaries go first, one at a time (by name), then the primary hands its role over to a
 * caught-up secondary (a planned switch-over) and is restarted last as a secondary. One pod is down
 * at a time, so a shard is refused when a replica is already not ready (a restart would take a
 * second one down), and when one pod down leaves fewer in-sync voting replicas than a write needs
 * (writes would stop during each restart) unless forced.
 */
public final class RestartPlan {
  private RestartPlan() {}

  /** One thing the restart does, in order. */
  public sealed interface Step {
    String shard();
  }

  /**
   * Delete {@code pod} and wait until its StatefulSet has it back, ready and caught up; {@code why}
   * says which pod it is (a secondary, the former primary, the only replica).
   */
  public record Restart(String shard, String pod, String why) implements Step {}

  /**
   * Ask the operator to switch the shard's primary {@code from} over to the most caught-up ready
   * secondary then ({@link #switchOverTarget}); {@code to} is the one it would be now.
   */
  public record SwitchOver(String shard, String from, String to) implements Step {}

  /**
   * A shard's part of the plan: its steps, or why it is refused (then no steps); {@code note} is a
   * consequence the user accepted with {@code --force}, or null.
   */
  public record ShardPlan(String shard, List<Step> steps, String refusal, String note) {
    static ShardPlan refused(String shard, String why) {
      return new ShardPlan(shard, List.of(), why, null);
    }
  }

  /**
   * The plan for one shard: {@code status} as the resource reports it (null: none yet), {@code
   * voting} how many of its replicas vote (the write quorum is a majority of them).
   */
  public static ShardPlan plan(String shard, ShardStatus status, int voting, boolean force) {
    List<ReplicaStatus> replicas = status == null ? List.of() : status.replicasOrEmpty();
    if (replicas.isEmpty()) {
      return ShardPlan.refused(shard, "shard " + shard + " reports no replicas yet");
    }
    String primary = status.primary();
    if (primary == null || status.replica(primary).isEmpty()) {
      return ShardPlan.refused(
          shard, "shard " + shard + " has no primary now; restart it once it has one");
    }
    for (ReplicaStatus r : replicas) {
      if (!Boolean.TRUE.equals(r.ready())) {
        return ShardPlan.refused(
            shard,
            "pod "
                + r.pod()
                + " of shard "
                + shard
                + " is not ready"
                + (r.state() == null ? "" : " (" + r.state() + ")")
                + "; restarting another would take a second pod of the shard down");
      }
    }
    int needed = FailoverPlanner.majority(voting);
    // Every replica is ready; the pod down may be a voter, so the others that vote must do.
    int up = (int) replicas.stream().filter(r -> DestroyCheck.voting(r.pod(), status)).count() - 1;
    String note = null;
    if (up < needed) {
      String pause =
          "one pod down leaves "
              + up
              + " of shard "
              + shard
              + "'s "
              + voting
              + " voting replicas in sync, fewer than the "
              + needed
              + " a write needs: writes to the shard stop while each pod restarts";
      if (!force) {
        return ShardPlan.refused(shard, pause + " (--force to restart anyway)");
      }
      note = pause;
    }
    List<Step> steps = new ArrayList<>();
    replicas.stream()
        .map(ReplicaStatus::pod)
        .filter(p -> !p.equals(primary))
        .sorted()
        .forEach(p -> steps.add(new Restart(shard, p, "secondary")));
    Optional<String> target = switchOverTarget(status);
    if (target.isPresent()) {
      steps.add(new SwitchOver(shard, primary, target.get()));
      steps.add(new Restart(shard, primary, "former primary"));
    } else {
      steps.add(new Restart(shard, primary, "the only replica: in place"));
    }
    return new ShardPlan(shard, List.copyOf(steps), null, note);
  }

  /**
   * The secondary a switch-over hands the primary's role to: a ready one holding the most of the
   * log (ties: by name); empty when the shard has none.
   */
  public static Optional<String> switchOverTarget(ShardStatus status) {
    return status.replicasOrEmpty().stream()
        .filter(r -> r.role() == Role.Secondary)
        .filter(r -> !r.pod().equals(status.primary()))
        .filter(r -> Boolean.TRUE.equals(r.ready()))
        .sorted(
            Comparator.comparing((ReplicaStatus r) -> r.appliedLsn() == null ? -1L : r.appliedLsn())
                .reversed()
                .thenComparing(ReplicaStatus::pod))
        .map(ReplicaStatus::pod)
        .findFirst();
  }
}
