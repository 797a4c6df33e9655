package io.shardeddb.planner.pass;

import io.shardeddb.operator.reconciler.ActionResult;
import io.shardeddb.operator.reconciler.CopyVerification;
import io.shardeddb.operator.reconciler.ShardObservation;
import io.shardeddb.operator.reconciler.ShardPlan;
import io.shardeddb.operator.reconciler.ShardPlanner;
import io.shardeddb.operator.reconciler.ShardReport;
import io.shardeddb.operator.reconciler.ShardRequests;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One short pass over a shard: observe ({@link ShardObservation}) → plan ({@link ShardPlanner},
 * pure) → act ({@link ShardActuator}, the only caller of shard-servers) → report ({@link
 * ShardReport}, pure). A failover is two rounds of the same: fence everyone, then choose from the
 * answers. What is not possible yet is left for the next pass; the one wait inside a pass is a
 * switch-over's, bounded, for its target to catch up with the fenced primary (a long-poll through
 * the actuator, timed by its {@link Calls}' clock).
 *
 * <p>It is the operator's pass and the simulator's: the operator gives it the HTTP client on a
 * thread pool and records its events as Kubernetes Events; the simulator gives it the simulated
 * transport on its scheduler (docs/safety.md, "The simulator").
 */
public final class ShardCoordinator {

  private final ShardPlanner planner;
  private final RecopyPolicy recopy;
  private final CopyVerification copies;
  private final ShardActuator actuator;
  private final Duration switchoverCatchUp;
  private final PassRules rules;

  /**
   * How long a switch-over waits, with the old primary fenced (writes paused), for the target to
   * apply the old primary's whole log before giving up and keeping the old primary.
   */
  public static final Duration SWITCHOVER_CATCH_UP = Duration.ofSeconds(5);

  /** A coordinator deciding with {@code planner} and acting through {@code actuator}. */
  public ShardCoordinator(ShardPlanner planner, RecopyPolicy recopy, ShardActuator actuator) {
    this(planner, recopy, actuator, SWITCHOVER_CATCH_UP, new PassRules());
  }

  /**
   * A coordinator whose switch-overs wait at most {@code switchoverCatchUp} for the target, asking
   * {@code rules} at its decision points (the production {@link PassRules}; the simulator's {@code
   * BrokenRulesAreCaughtTest} weakens one).
   */
  public ShardCoordinator(
      ShardPlanner planner,
      RecopyPolicy recopy,
      ShardActuator actuator,
      Duration switchoverCatchUp,
      PassRules rules) {
    this.planner = planner;
    this.recopy = recopy;
    this.copies = new CopyVerification(recopy);
    this.actuator = actuator;
    this.switchoverCatchUp = switchoverCatchUp;
    this.rules = rules;
  }

  /** One pass over a shard observed as {@code o}; the pass's events go to {@code events}. */
  public ShardOutcome coordinate(ShardObservation o, Consumer<List<ShardEvent>> events) {
    ShardPlan plan = planner.plan(o);
    if (plan.stage() == ShardPlan.Stage.ELECT) {
      // A replica silent this pass (the hung primary) is not waited for: a majority decides.
      Map<String, TimedFence> answers =
          rules.fencesBeforeElecting()
              ? actuator.fence(plan.actions(), o.beats().keySet())
              : unfenced(o, plan);
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
    events.accept(report.events());
    Set<String> verified = new HashSet<>(awaitingVerification);
    verified.removeAll(plan.copying());
    return report.outcome().with(plan.request(), Set.copyOf(verified));
  }

  /**
   * What a broken {@link PassRules#fencesBeforeElecting} elects from: this pass's heartbeats taken
   * as the fences' answers, with no fence sent — the replicas go on accepting the old primary's
   * entries after the positions the election compares.
   */
  private static Map<String, TimedFence> unfenced(ShardObservation o, ShardPlan plan) {
    Map<String, TimedFence> out = new java.util.LinkedHashMap<>();
    o.beats()
        .forEach(
            (pod, t) -> {
              Heartbeat h = t.heartbeat();
              out.put(
                  pod,
                  new TimedFence(
                      new FenceResponse(
                          h.name(),
                          plan.fenceEpoch(),
                          h.lastEntryEpoch(),
                          h.appliedLsn(),
                          h.state()),
                      t.latency()));
            });
    return out;
  }

  private static Map<String, Heartbeat> heartbeatsOf(ShardObservation o) {
    Map<String, Heartbeat> out = new java.util.HashMap<>();
    o.beats().forEach((pod, t) -> out.put(pod, t.heartbeat()));
    return out;
  }
}
