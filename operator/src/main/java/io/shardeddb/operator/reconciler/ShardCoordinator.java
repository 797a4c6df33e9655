package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.protocol.shard.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One short pass over a shard: observe ({@link ShardObservation}) → plan ({@link ShardPlanner},
 * pure) → act ({@link ShardActuator}, the only caller of shard-servers) → report ({@link
 * ShardReport}, pure). A failover is two rounds of the same: fence everyone, then choose from the
 * answers. It never waits: what is not possible yet is left for the next pass.
 */
public final class ShardCoordinator {

  private final ShardPlanner planner;
  private final RecopyPolicy recopy;
  private final CopyVerification copies;
  private final ShardActuator actuator;
  private final EventRecorder events;
  private final Duration switchoverCatchUp;

  /**
   * How long a switch-over waits, with the old primary fenced (writes paused), for the target to
   * apply the old primary's whole log before giving up and keeping the old primary.
   */
  public static final Duration SWITCHOVER_CATCH_UP = Duration.ofSeconds(5);

  /** A coordinator deciding with {@code planner} and acting through {@code actuator}. */
  public ShardCoordinator(
      ShardPlanner planner, RecopyPolicy recopy, ShardActuator actuator, EventRecorder events) {
    this(planner, recopy, actuator, events, SWITCHOVER_CATCH_UP);
  }

  /** A coordinator whose switch-overs wait at most {@code switchoverCatchUp} for the target. */
  public ShardCoordinator(
      ShardPlanner planner,
      RecopyPolicy recopy,
      ShardActuator actuator,
      EventRecorder events,
      Duration switchoverCatchUp) {
    this.planner = planner;
    this.recopy = recopy;
    this.copies = new CopyVerification(recopy);
    this.actuator = actuator;
    this.events = events;
    this.switchoverCatchUp = switchoverCatchUp;
  }

  /** One pass over a shard. */
  public ShardOutcome coordinate(ShardContext ctx) {
    ShardObservation o = ctx.observation();
    ShardPlan plan = planner.plan(o);
    if (plan.stage() == ShardPlan.Stage.ELECT) {
      // A replica silent this pass (the hung primary) is not waited for: a majority decides.
      Map<String, TimedFence> answers = actuator.fence(plan.actions(), o.beats().keySet());
      plan = planner.elect(o, plan, answers).withRequest(plan.request());
    }
    if (plan.stage() == ShardPlan.Stage.SWITCH_OVER) {
      // Writes are paused from the fence on: wait (bounded, a long-poll on the target's heartbeat)
      // only for the target to hold the fenced primary's whole log, then announce at once, in this
      // same pass.
      TimedFence answer = actuator.fence(plan.actions()).get(plan.primary());
      String targetUrl = o.member(plan.target()).map(ShardObservation.Member::url).orElse(null);
      Heartbeat target =
          answer == null || targetUrl == null
              ? null
              : actuator.awaitHeartbeat(
                  targetUrl,
                  answer.answer().lastLsn(),
                  h -> ShardRequests.caughtUp(answer.answer(), h),
                  switchoverCatchUp);
      plan = planner.completeSwitchover(o, plan, answer, target);
    }
    List<ActionResult> results = new ArrayList<>(actuator.apply(plan.actions()));
    plan = planner.afterApply(plan, results);
    Set<String> awaitingVerification = plan.copying();
    int applied = plan.actions().size();
    plan =
        copies.judge(
            o,
            plan,
            actuator.verify(
                plan.actions(),
                c ->
                    recopy.verify(c.replica(), c.primary())
                        != RecopyPolicy.Verification.NOT_COMPARABLE));
    results.addAll(actuator.apply(plan.actions().subList(applied, plan.actions().size())));
    Map<String, Heartbeat> fresh = results.isEmpty() ? heartbeatsOf(o) : actuator.refresh(o);
    ShardReport.Report report = ShardReport.of(o, plan, results, fresh);
    events.recordAll(ctx.sdb(), report.events());
    Set<String> verified = new HashSet<>(awaitingVerification);
    verified.removeAll(plan.copying());
    return report.outcome().with(plan.request(), Set.copyOf(verified));
  }

  private static Map<String, Heartbeat> heartbeatsOf(ShardObservation o) {
    Map<String, Heartbeat> out = new java.util.HashMap<>();
    o.beats().forEach((pod, t) -> out.put(pod, t.heartbeat()));
    return out;
  }
}
