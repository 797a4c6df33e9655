package io.shardeddb.simulation;

import io.shardeddb.api.v1alpha1.IsolatedPrimary;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.CopyVerification;
import io.shardeddb.operator.reconciler.PodView;
import io.shardeddb.operator.reconciler.ResizeGate;
import io.shardeddb.operator.reconciler.ShardAction;
import io.shardeddb.operator.reconciler.ShardObservation;
import io.shardeddb.operator.reconciler.ShardPlan;
import io.shardeddb.operator.reconciler.ShardPlanner;
import io.shardeddb.operator.reconciler.ShardReport;
import io.shardeddb.operator.reconciler.ShardRequests;
import io.shardeddb.operator.recopy.CopyCheck;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.simulation.Messages.Fence;
import io.shardeddb.simulation.Messages.FenceAck;
import io.shardeddb.simulation.Messages.Ping;
import io.shardeddb.simulation.Messages.Pong;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated operator: runs the operator's real, pure {@link ShardPlanner} one pass at a time
 * the way the reconciler does — heartbeats with a deadline, then the StatefulSet's size from the
 * production {@link ResizeGate} (on this pass's heartbeats and the previous status, before the
 * shard's pass, as the reconciler's {@code gated}), then {@code plan}; for an election the fences
 * with a deadline, then {@code elect} on exactly their answers; for a switch-over (a leaving
 * primary's hand-over) the old primary's fence, the target's heartbeat polled until caught up
 * (bounded), then {@code completeSwitchover}; then the plan's calls, and the status the production
 * {@link ShardReport} makes of the pass (epoch, primary, the voting count to record) — the only
 * thing that survives an operator restart, with the spec's replica count and the StatefulSet's
 * size. Only the transport and the StatefulSet controller are simulated.
 *
 * <p>Why this file is over 450 lines: it is one reconciler pass in simulated time (observe, gate,
 * plan, fence and elect, switch over, act, verify, report) and the injection points of the scripted
 * schedules, which must sit between exactly those steps.
 */
final class SimOperator {
  static final String NAME = "operator";
  private String lastPlanTrace;
  private static final long DEADLINE = 150;
  private static final long PASS = 250;
  private static final Instant EPOCH_START = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Every replica the world may have, by ordinal; the first {@link #pods} are the StatefulSet's.
   */
  private final List<String> replicas;

  private final Scheduler scheduler;
  private final Network network;
  private final Map<String, SimReplica> byName;
  private final ShardPlanner planner = new ShardPlanner(new RecopyPolicy());
  private final CopyVerification verification = new CopyVerification(new RecopyPolicy());
  private final String shard;
  private final String name;
  private ShardStatus status;
  private final Map<String, TimedHeartbeat> beats = new HashMap<>();
  private final Map<String, TimedFence> fences = new HashMap<>();
  private long passStartedAt;
  private long fenceEpoch = -1;
  private int incarnation;
  private long failovers;
  private java.util.function.Consumer<String> beforeRoles;

  /** {@code spec.shards[].replicas}: what the user asks for. */
  private int desired;

  /** The StatefulSet's size: the pods that exist (ordinals below it). */
  private int pods;

  /** The StatefulSet controller: creates or removes pods to reach a size. */
  private final java.util.function.IntConsumer statefulSet;

  // A switch-over in progress: its target and the target's last heartbeat.
  private String switchTarget;
  private Heartbeat targetBeat;

  SimOperator(
      List<String> replicas, Scheduler scheduler, Network network, Map<String, SimReplica> byName) {
    this(NAME, "sh1", replicas, replicas.size(), scheduler, network, byName, size -> {});
  }

  /** The shard loop of shard {@code shard}, as node {@code name} ({@link MoveSimulation}). */
  SimOperator(
      String name,
      String shard,
      List<String> replicas,
      Scheduler scheduler,
      Network network,
      Map<String, SimReplica> byName) {
    this(name, shard, replicas, replicas.size(), scheduler, network, byName, size -> {});
  }

  /**
   * An operator over {@code replicas} (every ordinal the world may have) whose shard starts with
   * {@code initial} replicas in its spec and StatefulSet; {@code statefulSet} sizes the pods.
   */
  SimOperator(
      List<String> replicas,
      int initial,
      Scheduler scheduler,
      Network network,
      Map<String, SimReplica> byName,
      java.util.function.IntConsumer statefulSet) {
    this(NAME, "sh1", replicas, initial, scheduler, network, byName, statefulSet);
  }

  private SimOperator(
      String name,
      String shard,
      List<String> replicas,
      int initial,
      Scheduler scheduler,
      Network network,
      Map<String, SimReplica> byName,
      java.util.function.IntConsumer statefulSet) {
    this.name = name;
    this.shard = shard;
    this.status = ShardStatus.builder().id(shard).replicas(List.of()).build();
    this.replicas = replicas;
    this.desired = initial;
    this.pods = initial;
    this.scheduler = scheduler;
    this.network = network;
    this.byName = byName;
    this.statefulSet = statefulSet;
  }

  private Runnable afterShrinkRole;

  /**
   * A fault to inject once, right after the operator sends the primary a Primary role counted over
   * fewer replicas than the recorded voting count (a shrink moving the quorum to the staying
   * replicas, rule 12).
   */
  void onceShrinkRoleSent(Runnable fault) {
    afterShrinkRole = fault;
  }

  /**
   * Rule 12 broken on purpose ({@code BrokenRulesAreCaughtTest}): the StatefulSet follows the spec
   * at once, as before {@link ResizeGate} (the pods past a lowered count go with their volumes
   * while they may hold acknowledged writes).
   */
  boolean withoutResizeGate;

  /**
   * Rule 12 broken on purpose: elections see only the replicas the spec keeps, with its count as
   * the voting set — as the operator elected before the joint majority (review 2026-11-23 #2).
   */
  boolean electsOverTheSpecOnly;

  /**
   * Rule 12 broken on purpose: elections ignore the smaller voting set a shrink recorded ({@code
   * status.shards[].shrinkVoters}) and count over the recorded voters alone once the spec is back
   * up — the window before that field (docs/safety.md, "A shrink reverted half-way").
   */
  boolean electsIgnoringTheRecordedShrink;

  /**
   * Rule 11 with rule 12 broken on purpose: the planner never sees which primary was last replaced
   * for reaching no majority ({@code status.shards[].isolatedPrimary}), so a leaving primary hands
   * over to it while it is still cut off — the ping-pong {@code MembershipFaultIT} measured.
   */
  boolean forgetsIsolatedPrimary;

  private Runnable learnersCounted;

  /**
   * A fault to inject once, when a primary's heartbeat first reports its term confirmed while it
   * feeds learners, before the pass sees that heartbeat.
   */
  void onceTermConfirmedWithLearners(Runnable fault) {
    learnersCounted = fault;
  }

  /** A spec change: the shard's replica count becomes {@code count}. */
  void resize(int count) {
    desired = count;
  }

  int desired() {
    return desired;
  }

  /** The StatefulSet's size (the pods that exist). */
  int pods() {
    return pods;
  }

  /** The voting count the status records (absent: every pod). */
  int recordedVoters() {
    Integer v = status.voters();
    return v != null && v > 0 ? v : Math.max(desired, pods);
  }

  /** The smaller voting count a shrink recorded (rule 12), 0 when none is in force. */
  int recordedShrinkVoters() {
    Integer s = status.shrinkVoters();
    return s != null && s > 0 && s < recordedVoters() ? s : 0;
  }

  /** What a {@code /config} says the shard owns (null: the bring-up's ranges). */
  private java.util.function.Supplier<List<io.shardeddb.protocol.topology.PointRange>> owned =
      () -> null;

  /**
   * An operator of shard {@code shard} of {@link MoveSimulation} over {@code replicas} (every
   * ordinal it may have), {@code initial} of them pods; {@code statefulSet} sizes the pods; its
   * {@code /config} says the shard owns what {@code owned} gives (the published layout's range).
   */
  static SimOperator forShard(
      String name,
      String shard,
      List<String> replicas,
      int initial,
      Scheduler scheduler,
      Network network,
      Map<String, SimReplica> byName,
      java.util.function.IntConsumer statefulSet,
      java.util.function.Supplier<List<io.shardeddb.protocol.topology.PointRange>> owned) {
    SimOperator o =
        new SimOperator(name, shard, replicas, initial, scheduler, network, byName, statefulSet);
    o.owned = owned;
    return o;
  }

  /** The shard's status as this operator last recorded it (what routers read). */
  ShardStatus status() {
    return status;
  }

  /** The recorded primary (what routers read from the status). */
  String primary() {
    return status.primary();
  }

  long failovers() {
    return failovers;
  }

  /**
   * A fault to inject once, at the next election, between the fence answers it chose from and the
   * role calls it sends: {@code fault} gets the elected replica's name.
   */
  void onceElectedBeforeRoles(java.util.function.Consumer<String> fault) {
    beforeRoles = fault;
  }

  /** A fault to inject once, when the next election's fences are about to be sent. */
  void onceFencing(Runnable fault) {
    beforeFences = fault;
  }

  private Runnable beforeFences;

  void start() {
    incarnation++;
    network.liveness(name, Network.Liveness.UP);
    pass(incarnation);
  }

  void crash() {
    incarnation++;
    network.liveness(name, Network.Liveness.DOWN);
  }

  private void later(long delay, int inc, Runnable r) {
    scheduler.after(
        delay,
        () -> {
          if (inc == incarnation) {
            r.run();
          }
        });
  }

  private void pass(int inc) {
    beats.clear();
    passStartedAt = scheduler.now();
    members().forEach(r -> network.send(name, r, new Ping()));
    later(DEADLINE, inc, () -> decide(inc));
  }

  void receive(String from, Object m) {
    long latency = scheduler.now() - passStartedAt;
    switch (m) {
      case Pong p -> {
        if (learnersCounted != null
            && p.primary()
            && p.quorum() != null
            && p.quorum().termCommitted()
            && !p.quorum().learners().isEmpty()) {
          // The scripted fault strikes before this answer reaches the pass.
          Runnable fault = learnersCounted;
          learnersCounted = null;
          fault.run();
          return;
        }
        beats.put(p.name(), new TimedHeartbeat(heartbeat(p), Duration.ofMillis(latency)));
        if (p.name().equals(switchTarget)) {
          targetBeat = heartbeat(p);
        }
      }
      case FenceAck f -> {
        if (f.epoch() == fenceEpoch) {
          fences.put(
              f.name(),
              new TimedFence(
                  new FenceResponse(
                      f.name(), f.epoch(), f.lastEntryEpoch(), f.lastLsn(), f.state()),
                  Duration.ofMillis(latency)));
        }
      }
      default -> {}
    }
  }

  /** The pods of the shard's StatefulSet. */
  private List<String> members() {
    return replicas.subList(0, pods);
  }

  private ShardObservation observe() {
    List<ShardObservation.Member> members = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      String r = replicas.get(i);
      members.add(
          new ShardObservation.Member(
              r, i, url(r), beats.containsKey(r), 0, Duration.ofSeconds(60)));
    }
    return new ShardObservation(
        shard,
        new ShardConfigRequest(
            new SchemaDoc(List.of("k"), List.of("Number")), List.of(shard), "t", "k", 0L, 1L << 40),
        desired,
        WriteQuorum.Majority,
        Duration.ofMillis(ShardSimulation.UNAVAILABLE),
        status,
        members,
        Map.copyOf(beats),
        EPOCH_START.plusMillis(scheduler.now()));
  }

  private void decide(int inc) {
    ShardObservation o = observe();
    // The reconciler sizes the StatefulSet before the shard's pass, from this pass's heartbeats
    // and the previous status; the pass then plans over the pods it listed before (rule 12).
    List<PodView> podViews = new ArrayList<>();
    for (ShardObservation.Member m : o.members()) {
      podViews.add(
          new PodView(m.name(), m.ordinal(), m.name(), m.ready(), m.ready(), 0, false, null));
    }
    int size =
        withoutResizeGate
            ? desired
            : ResizeGate.decide(desired, podViews, Map.copyOf(beats), status).pods();
    if (size != pods) {
      trace("StatefulSet " + pods + " -> " + size + " pods (spec " + desired + ")");
      pods = size;
      statefulSet.accept(size);
    }
    ShardPlan planned = planner.plan(forgetsIsolatedPrimary ? withoutIsolated(o) : o);
    // The mutation ignores the recorded set in the whole election: whether to fence, and whom.
    ShardPlan plan =
        electsIgnoringTheRecordedShrink && planned.phase() == ShardPhase.NoQuorum
            ? planner.plan(withoutShrink(o))
            : planned;
    if (ShardSimulation.TRACE) {
      String line = plan.phase() + ": " + plan.message() + " " + plan.actions();
      if (!line.equals(lastPlanTrace)) {
        lastPlanTrace = line;
        trace("plan " + line);
      }
    }
    if (plan.stage() == ShardPlan.Stage.SWITCH_OVER) {
      switchOver(o, plan, inc);
      return;
    }
    if (plan.stage() == ShardPlan.Stage.ELECT) {
      if (beforeFences != null) {
        Runnable fault = beforeFences;
        beforeFences = null;
        fault.run();
      }
      fenceEpoch = plan.fenceEpoch();
      fences.clear();
      passStartedAt = scheduler.now();
      act(plan.actions());
      later(
          DEADLINE,
          inc,
          () -> {
            ShardPlan elected =
                planner.elect(
                    electsOverTheSpecOnly
                        ? staying(o)
                        : electsIgnoringTheRecordedShrink ? withoutShrink(o) : o,
                    plan,
                    Map.copyOf(fences));
            fenceEpoch = -1;
            if (elected.stage() == ShardPlan.Stage.STEADY) {
              failovers++;
              trace(
                  "elected "
                      + elected.primary()
                      + " at epoch "
                      + elected.epoch()
                      + " from "
                      + fences.values());
              if (beforeRoles != null) {
                java.util.function.Consumer<String> fault = beforeRoles;
                beforeRoles = null;
                fault.accept(elected.primary());
              }
            }
            finish(o, elected, inc);
          });
      return;
    }
    finish(o, plan, inc);
  }

  /**
   * {@code ShardCoordinator}'s switch-over (a leaving primary hands over, rule 12): fence the old
   * primary, poll the target's heartbeat until it holds the fenced primary's whole log ({@link
   * ShardRequests#caughtUp}) or the bound passes, then {@code completeSwitchover}.
   */
  private void switchOver(ShardObservation o, ShardPlan plan, int inc) {
    fenceEpoch = plan.fenceEpoch();
    fences.clear();
    passStartedAt = scheduler.now();
    act(plan.actions());
    later(
        DEADLINE,
        inc,
        () -> {
          TimedFence answer = fences.get(plan.primary());
          fenceEpoch = -1;
          String targetUrl = o.member(plan.target()).map(ShardObservation.Member::url).orElse(null);
          if (answer == null || targetUrl == null) {
            finish(o, planner.completeSwitchover(o, plan, answer, null), inc);
            return;
          }
          switchTarget = plan.target();
          targetBeat = null;
          awaitTarget(o, plan, answer, scheduler.now() + SWITCHOVER_CATCH_UP, inc);
        });
  }

  private void awaitTarget(
      ShardObservation o, ShardPlan plan, TimedFence answer, long until, int inc) {
    network.send(name, plan.target(), new Ping());
    later(
        AWAIT_POLL,
        inc,
        () -> {
          Heartbeat h = targetBeat;
          if (ShardRequests.caughtUp(answer.answer(), h) || scheduler.now() >= until) {
            switchTarget = null;
            finish(o, planner.completeSwitchover(o, plan, answer, h), inc);
          } else {
            awaitTarget(o, plan, answer, until, inc);
          }
        });
  }

  /** How long a switch-over waits for its target (the production's 5 s, scaled as the rest). */
  private static final long SWITCHOVER_CATCH_UP = 1_000;

  private static final long AWAIT_POLL = 50;

  /** {@code o} as if only the replicas the spec keeps existed and voted (a mutation's view). */
  private ShardObservation staying(ShardObservation o) {
    ShardStatus p = o.previous();
    return view(
        o,
        Math.min(recordedVoters(), desired),
        null,
        p.isolatedPrimary(),
        o.members().stream().filter(m -> m.ordinal() < desired).toList());
  }

  /** {@code o} without the primary last replaced for reaching no majority (a mutation's view). */
  private static ShardObservation withoutIsolated(ShardObservation o) {
    ShardStatus p = o.previous();
    return view(o, p.voters(), p.shrinkVoters(), null, o.members());
  }

  /** {@code o} without the smaller voting set a shrink recorded (a mutation's view). */
  private static ShardObservation withoutShrink(ShardObservation o) {
    ShardStatus p = o.previous();
    return view(o, p.voters(), null, p.isolatedPrimary(), o.members());
  }

  /** {@code o} with these status fields and members, the rest as observed (a mutation's view). */
  private static ShardObservation view(
      ShardObservation o,
      Integer voters,
      Integer shrinkVoters,
      IsolatedPrimary isolated,
      List<ShardObservation.Member> members) {
    ShardStatus p = o.previous();
    return new ShardObservation(
        o.shardId(),
        o.config(),
        o.desiredReplicas(),
        o.writeQuorum(),
        o.primaryUnavailableAfter(),
        p.toBuilder().voters(voters).shrinkVoters(shrinkVoters).isolatedPrimary(isolated).build(),
        members,
        o.beats(),
        o.now());
  }

  /**
   * The plan's calls, then, as {@code ShardCoordinator.coordinate}, the copies it asked to verify
   * judged by their checksums ({@link CopyVerification}: rejoin, or copy again) and the judged
   * plan's further calls; then the status the production {@link ShardReport} makes of the judged
   * plan (who still copies). Before, the judgement's calls were made but the status was made of the
   * plan before it, so a copy that matched stayed Copying in status for good and a learner
   * re-copied while the shard grew was never promoted (move simulator seed 108).
   */
  private void finish(ShardObservation o, ShardPlan plan, int inc) {
    act(plan.actions());
    int applied = plan.actions().size();
    Map<String, CopyCheck> checks = new HashMap<>();
    for (ShardAction a : plan.actions()) {
      if (a instanceof ShardAction.Verify v) {
        CopyCheck c = verify(v);
        if (c != null) {
          checks.put(v.pod(), c);
        }
      }
    }
    ShardPlan judged = checks.isEmpty() ? plan : verification.judge(o, plan, checks);
    act(judged.actions().subList(applied, judged.actions().size()));
    Map<String, Heartbeat> fresh = new HashMap<>();
    o.beats().forEach((pod, t) -> fresh.put(pod, t.heartbeat()));
    Integer before = status.voters();
    status = ShardReport.of(o, judged, List.of(), fresh).outcome().status();
    if (!java.util.Objects.equals(before, status.voters())) {
      trace("voters " + before + " -> " + status.voters() + " (spec " + desired + ")");
    }
    later(PASS, inc, () -> pass(inc));
  }

  private void act(List<ShardAction> actions) {
    for (ShardAction a : actions) {
      switch (a) {
        case ShardAction.Fence f -> network.send(name, f.pod(), new Fence(f.epoch()));
        case ShardAction.AssignRole r -> {
          network.send(
              name,
              r.pod(),
              new Messages.Role(
                  r.request().epoch(),
                  r.request().role() == Role.Primary,
                  r.request().primary().name(),
                  r.request().replicas(),
                  r.request().chosenAt(),
                  r.request().peers().stream().map(p -> p.name()).toList(),
                  r.request().learners().stream().map(p -> p.name()).toList(),
                  urls(r.request())));
          if (afterShrinkRole != null
              && r.request().role() == Role.Primary
              && r.request().replicas() < recordedVoters()) {
            Runnable fault = afterShrinkRole;
            afterShrinkRole = null;
            fault.run();
          }
        }
        case ShardAction.Configure c ->
            network.send(name, c.pod(), new Messages.Configure(owned.get()));
        case ShardAction.Resync r -> {
          trace("resync " + r.pod() + " (" + r.reason() + ")");
          network.send(name, r.pod(), new Messages.Resync());
        }
        case ShardAction.Verify v -> {} // judged after the calls, in finish()
      }
    }
  }

  /**
   * {@code /checksum} of both sides, read directly (a synchronous call in the real actuator); null
   * when either cannot be reached.
   */
  private CopyCheck verify(ShardAction.Verify v) {
    SimReplica replica = byName.get(v.pod());
    SimReplica primary = byName.get(nameOf(v.primaryUrl()));
    if (replica == null
        || primary == null
        || network.liveness(v.pod()) != Network.Liveness.UP
        || network.liveness(primary.name()) != Network.Liveness.UP
        || network.partitioned(name, v.pod())
        || network.partitioned(name, primary.name())) {
      return null;
    }
    return new CopyCheck(checksum(replica), checksum(primary));
  }

  private ChecksumResponse checksum(SimReplica r) {
    SimDisk d = r.disk();
    return new ChecksumResponse(shard, d.rows.size(), d.rows.toString(), d.lastLsn());
  }

  private Heartbeat heartbeat(Pong p) {
    Role role = p.primary() ? Role.Primary : p.secondary() ? Role.Secondary : Role.None;
    return Heartbeat.builder(p.name(), shard)
        .role(role)
        .epoch(p.epoch())
        .appliedLsn(p.lastLsn())
        .lastEntryEpoch(p.lastEntryEpoch())
        .primary(p.primaryName())
        .lagLsn(0)
        .state(p.state())
        .primaryUrl(p.primaryUrl())
        .quorum(p.quorum())
        .primaryContactAgeMillis(p.primaryContactAgeMillis())
        .primaryLost(p.primaryLost())
        .build();
  }

  /** The address the pod listing shows for {@code replica} (stale for a pod that is gone). */
  private String url(String replica) {
    return addresses.of(replica);
  }

  /** Who serves {@code url} now (the replica a call to it reaches). */
  private String nameOf(String url) {
    return addresses.holder(url);
  }

  /** Every address a role request names: its primary's, its peers' and its learners'. */
  private static Map<String, String> urls(io.shardeddb.protocol.shard.RoleRequest request) {
    Map<String, String> urls = new java.util.HashMap<>();
    if (request.primary() != null) {
      urls.put(request.primary().name(), request.primary().url());
    }
    request.peers().forEach(p -> urls.put(p.name(), p.url()));
    request.learners().forEach(p -> urls.put(p.name(), p.url()));
    return Map.copyOf(urls);
  }

  /** The pod addresses (fixed unless a schedule moves pods). */
  Addresses addresses = new Addresses();

  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " operator: " + what);
    }
  }
}
