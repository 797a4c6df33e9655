package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.protocol.shard.Heartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** A coordinator deciding with {@code planner} and acting through {@code actuator}. */
  public ShardCoordinator(
      ShardPlanner planner, RecopyPolicy recopy, ShardActuator actuator, EventRecorder events) {
    this.planner = planner;
    this.recopy = recopy;
    this.copies = new CopyVerification(recopy);
    this.actuator = actuator;
    this.events = events;
  }

  /** One pass over a shard. */
  public ShardOutcome coordinate(ShardContext ctx) {
    ShardObservation o = ShardObservation.of(ctx);
    ShardPlan plan = planner.plan(o);
    if (plan.stage() == ShardPlan.Stage.ELECT) {
      Map<String, TimedFence> answers = actuator.fence(plan.actions());
      plan = planner.elect(o, plan, answers);
    }
    List<ActionResult> results = new ArrayList<>(actuator.apply(plan.actions()));
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
    return report.outcome();
  }

  private static Map<String, Heartbeat> heartbeatsOf(ShardObservation o) {
    Map<String, Heartbeat> out = new java.util.HashMap<>();
    o.beats().forEach((pod, t) -> out.put(pod, t.heartbeat()));
    return out;
  }
}
