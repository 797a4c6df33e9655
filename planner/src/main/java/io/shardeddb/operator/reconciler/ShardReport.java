package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.IsolatedPrimary;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure: the shard's status after a pass, from the plan, how its calls went and the heartbeats taken
 * after them; plus the Events that depend on those results (a re-copy started, a stale epoch).
 */
public final class ShardReport {

  /** The outcome and the Events to record. */
  public record Report(ShardOutcome outcome, List<ShardEvent> events) {}

  private ShardReport() {}

  /** Reports a pass. */
  public static Report of(
      ShardObservation o,
      ShardPlan plan,
      List<ActionResult> results,
      Map<String, Heartbeat> fresh) {
    List<ShardEvent> events = new ArrayList<>();
    Optional<ActionResult> failed = results.stream().filter(r -> !r.ok()).findFirst();
    if (plan.stage() == ShardPlan.Stage.BRING_UP && failed.isPresent()) {
      // Some replica did not take its first role: nothing is recorded, the next pass adopts what
      // the replicas accepted or tries again.
      return new Report(
          new ShardOutcome(
              ShardStatus.builder()
                  .id(o.shardId())
                  .readyReplicas(0)
                  .replicas(replicas(o, fresh, 0, null, Set.of()))
                  .build(),
              o.desiredReplicas(),
              ShardPhase.BringingUp,
              "bring-up in progress: " + failed.get().error()),
          events);
    }
    events.addAll(plan.events());
    ShardPhase phase = plan.phase();
    for (ActionResult r : results) {
      if (r.ok() && r.action() instanceof ShardAction.Resync s) {
        events.add(
            new ShardEvent(
                EventReason.RecopyStarted,
                "shard "
                    + o.shardId()
                    + ": "
                    + s.pod()
                    + " re-copies from primary "
                    + plan.primary()
                    + ": "
                    + s.reason()));
        phase = phase == ShardPhase.Ready ? ShardPhase.Copying : phase;
      } else if (r.staleEpoch() && r.action() instanceof ShardAction.AssignRole a) {
        events.add(
            new ShardEvent(
                EventReason.StaleEpoch,
                "shard "
                    + o.shardId()
                    + ": "
                    + a.pod()
                    + " refused epoch "
                    + a.request().epoch()
                    + ": "
                    + r.error()));
      }
    }
    String primary = plan.primary();
    String since = plan.since();
    String message = plan.message();
    Optional<ActionResult> refused = refusedPrimaryRole(plan, results);
    if (refused.isPresent()) {
      // The replica chosen as primary refused its role (its log is behind the position it was
      // chosen for, or it saw a higher epoch): the shard has no primary. None is recorded, so no
      // router sends it writes and the next pass elects again without waiting (rule 2). The
      // plan's FailoverCompleted did not happen: only the refusal (StaleEpoch) is reported.
      events.removeIf(e -> e.reason() == EventReason.FailoverCompleted);
      primary = null;
      String before = o.previous().primaryUnavailableSince();
      since = before != null ? before : o.now().toString();
      phase = ShardPhase.PrimaryUnavailable;
      message =
          plan.primary()
              + " refused the primary role at epoch "
              + plan.epoch()
              + ": "
              + refused.get().error()
              + "; no primary until the next election";
    }
    List<ReplicaStatus> replicas = replicas(o, fresh, plan.epoch(), primary, plan.copying());
    int ready = (int) replicas.stream().filter(r -> Boolean.TRUE.equals(r.ready())).count();
    if (phase == ShardPhase.Ready && ready < o.desiredReplicas()) {
      boolean copying =
          replicas.stream()
              .anyMatch(
                  r -> r.state() == ReplicaState.Copying || r.state() == ReplicaState.CatchingUp);
      phase = copying ? ShardPhase.Copying : ShardPhase.Degraded;
      message = ready + " of " + o.desiredReplicas() + " replicas ready";
    }
    int voters = plan.voters() > 0 ? plan.voters() : VotingSet.recordedVoters(o);
    Integer shrink =
        plan.shrinkVoters() > 0
            ? Integer.valueOf(plan.shrinkVoters())
            : plan.shrinkVoters() == ShardPlan.CLEAR_SHRINK ? null : o.previous().shrinkVoters();
    ShardStatus status =
        new ShardStatus(
            o.shardId(),
            plan.epoch() == 0 ? null : plan.epoch(),
            primary,
            ready,
            since,
            replicas,
            voters,
            shrink != null && shrink > 0 && shrink < voters ? shrink : null,
            plan.isolated() != null
                ? new IsolatedPrimary(plan.isolated(), o.now().toString())
                : o.previous().isolatedPrimary());
    return new Report(new ShardOutcome(status, o.desiredReplicas(), phase, message), events);
  }

  /** The plan's primary's refusal (409) of the Primary role the plan gave it, if any. */
  private static Optional<ActionResult> refusedPrimaryRole(
      ShardPlan plan, List<ActionResult> results) {
    return results.stream()
        .filter(r -> r.staleEpoch() && r.action() instanceof ShardAction.AssignRole)
        .filter(
            r -> {
              ShardAction.AssignRole a = (ShardAction.AssignRole) r.action();
              return a.pod().equals(plan.primary()) && a.request().role() == Role.Primary;
            })
        .findFirst();
  }

  private static List<ReplicaStatus> replicas(
      ShardObservation o,
      Map<String, Heartbeat> hb,
      long epoch,
      String primary,
      Set<String> copying) {
    List<ReplicaStatus> out = new ArrayList<>();
    for (Member m : o.members()) {
      Heartbeat h = hb.get(m.name());
      // A finished copy is reported as still copying until its checksum matched the primary's.
      boolean verifying = copying.contains(m.name());
      boolean caughtUp =
          h != null
              && !verifying
              && h.state() == ReplicaState.Ready
              && h.epoch() == epoch
              && epoch > 0
              && (m.name().equals(primary) ? h.role() == Role.Primary : h.role() == Role.Secondary);
      Integer progress = null;
      if (verifying) {
        progress = 100;
      } else if (h != null && h.copy() != null && h.copy().rowsTotal() > 0) {
        progress = (int) Math.min(100, h.copy().rowsCopied() * 100 / h.copy().rowsTotal());
      } else if (h != null && h.state() == ReplicaState.Copying) {
        progress = 0;
      }
      out.add(
          new ReplicaStatus(
              m.name(),
              m.url(),
              h == null ? Role.None : h.role(),
              m.ready() && caughtUp,
              verifying ? ReplicaState.Copying : h == null ? null : h.state(),
              h == null ? null : h.appliedLsn(),
              h == null ? null : h.lagLsn(),
              progress,
              h == null ? null : h.storageFormat()));
    }
    return out;
  }
}
