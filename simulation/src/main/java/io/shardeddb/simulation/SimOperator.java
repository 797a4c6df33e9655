package io.shardeddb.simulation;

import io.shardeddb.api.v1alpha1.IsolatedPrimary;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.PodView;
import io.shardeddb.operator.reconciler.ResizeGate;
import io.shardeddb.operator.reconciler.ShardObservation;
import io.shardeddb.operator.reconciler.ShardPlan;
import io.shardeddb.operator.reconciler.ShardPlanner;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.planner.pass.PassRules;
import io.shardeddb.planner.pass.ShardActuator;
import io.shardeddb.planner.pass.ShardCoordinator;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
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
 * The simulated operator: runs the operator's production shard pass, {@link ShardCoordinator} with
 * its {@link ShardActuator} and {@link ShardPlanner}, one pass at a time the way the reconciler
 * does — heartbeats with a deadline (the reconciler's observation), then the StatefulSet's size
 * from the production {@link ResizeGate} (on this pass's heartbeats and the previous status, before
 * the shard's pass, as the reconciler's {@code gated}), then {@link ShardCoordinator#coordinate}:
 * plan, fence and elect, switch over (the target's heartbeat long-polled, bounded), act, verify
 * copies, report — and keeps the status it reports (epoch, primary, the voting count to record):
 * the only thing that survives an operator restart, with the spec's replica count and the
 * StatefulSet's size. Each pass runs on a simulated thread of its own ({@link Scheduler#spawn}, the
 * reconciler's), so its blocking calls never hold up a replica's. Simulated are only the transport
 * ({@link SimShardClient}, the actuator's calls on simulated threads, {@link SimCalls}) and the
 * StatefulSet controller; the scripted schedules' faults strike from a {@link ShardPlanner}
 * subclass between a decision and the calls that follow it, and from the transport.
 *
 * <p>Why this file is over 450 lines: besides the pass's driver it holds the injection points of
 * the scripted schedules and the mutations of {@code BrokenRulesAreCaughtTest} that change what an
 * election sees (each a named flag with the observation it gives the planner), which must sit
 * between exactly the production pass's decisions.
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
  private final ShardPlanner planner = new Decisions();
  private final String shard;
  private final String name;
  private ShardStatus status;
  private final Map<String, TimedHeartbeat> beats = new HashMap<>();
  private long passStartedAt;
  private int incarnation;
  private long failovers;
  private java.util.function.Consumer<String> beforeRoles;

  /** {@code spec.shards[].replicas}: what the user asks for. */
  private int desired;

  /** The StatefulSet's size: the pods that exist (ordinals below it). */
  private int pods;

  /** The StatefulSet controller: creates or removes pods to reach a size. */
  private final java.util.function.IntConsumer statefulSet;

  /** The production pass's calls to shard-servers, over the simulated network. */
  private final SimShardClient client;

  /**
   * The rules the production pass asks ({@code BrokenRulesAreCaughtTest} weakens one): read at each
   * pass.
   */
  PassRules passRules = new PassRules();

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
    this.client = new SimShardClient(name, scheduler, network, byName::get);
    client.holder = url -> addresses.holder(url);
    client.owned = () -> owned.get();
    client.afterRole =
        r -> {
          if (r.role() == Role.Primary && r.leaseHandedOver()) {
            handedOverPromotions++;
          }
          if (afterShrinkRole != null
              && r.role() == Role.Primary
              && r.replicas() < recordedVoters()) {
            Runnable fault = afterShrinkRole;
            afterShrinkRole = null;
            fault.run();
          }
        };
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
   * The planner's resend broken on purpose: a recorded primary that never took its role (lost, so
   * it stood down at its secondaries' epoch) is not sent it again when no election can win — the
   * planner before 2026-11-27 (simulator seed 1162).
   */
  boolean keepsARoleNeverTakenUnsent;

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

  /** This operator's node on the network. */
  String name() {
    return name;
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

  /** A fault to inject once: the next Primary role sent to {@code replica} is lost on the way. */
  void onceLosesPrimaryRoleTo(String replica, Runnable lost) {
    client.losesRole =
        r -> {
          if (r.role() != Role.Primary || !r.primary().name().equals(replica)) {
            return false;
          }
          client.losesRole = x -> false;
          lost.run();
          return true;
        };
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
    // The pass makes blocking calls: on its own simulated thread, as on the reconciler's.
    scheduler.spawn(
        DEADLINE,
        () -> {
          if (inc == incarnation) {
            decide(inc);
          }
        });
  }

  private boolean alive(int inc) {
    return inc == incarnation && network.liveness(name) == Network.Liveness.UP;
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
      }
      case FenceAck f -> client.fenceAnswered(f);
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
        writeQuorum,
        Duration.ofMillis(ShardSimulation.UNAVAILABLE),
        status,
        members,
        Map.copyOf(beats),
        EPOCH_START.plusMillis(scheduler.now()),
        takeSwitchover(),
        null);
  }

  /** The spec's {@code writeQuorum} the roles carry (Majority unless a world chooses another). */
  WriteQuorum writeQuorum = WriteQuorum.Majority;

  /** The status message of every election the planner decided, in order ("failed over to ..."). */
  final List<String> elections = new ArrayList<>();

  /** Primary roles sent saying the former primary handed its lease over (rule 9). */
  int handedOverPromotions;

  /** A switch-over asked for and not yet given to a pass ({@link #requestSwitchover}), or null. */
  private String switchoverTo;

  /**
   * A user's planned switch-over to {@code target} (the {@code shardeddb.io/promote} annotation):
   * the next pass plans it, as the operator's does ({@code ShardRequests.promote}).
   */
  void requestSwitchover(String target) {
    trace("switch-over to " + target + " requested");
    switchoverTo = target;
  }

  private String takeSwitchover() {
    String target = switchoverTo;
    switchoverTo = null;
    return target;
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
    java.util.function.BooleanSupplier passAlive = () -> alive(inc);
    client.caller(passAlive);
    ShardCoordinator pass =
        new ShardCoordinator(
            planner,
            new RecopyPolicy(),
            new ShardActuator(client, new SimCalls(scheduler, passAlive)),
            SWITCHOVER_CATCH_UP,
            passRules);
    ShardOutcome outcome;
    try {
      // The events the pass records are the reconciler's Kubernetes Events: nobody reads them here.
      outcome = pass.coordinate(o, events -> {});
    } catch (SimShardClient.CallerDied e) {
      return; // the operator died during a call: the pass is gone, nothing of it is written
    }
    if (!alive(inc)) {
      return;
    }
    Integer before = status.voters();
    status = outcome.status();
    if (!java.util.Objects.equals(before, status.voters())) {
      trace("voters " + before + " -> " + status.voters() + " (spec " + desired + ")");
    }
    later(PASS, inc, () -> pass(inc));
  }

  /**
   * The production planner, with the scripted schedules' faults between a decision and the calls
   * that follow it, and the mutations of {@code BrokenRulesAreCaughtTest} that change what an
   * election sees (each named by its flag).
   */
  private final class Decisions extends ShardPlanner {
    Decisions() {
      super(new RecopyPolicy());
    }

    @Override
    protected boolean resendsARoleNeverTaken() {
      return !keepsARoleNeverTakenUnsent;
    }

    @Override
    public ShardPlan plan(ShardObservation o) {
      ShardPlan planned = super.plan(forgetsIsolatedPrimary ? withoutIsolated(o) : o);
      // The mutation ignores the recorded set in the whole election: whether to fence, and whom.
      ShardPlan plan =
          electsIgnoringTheRecordedShrink && planned.phase() == ShardPhase.NoQuorum
              ? super.plan(withoutShrink(o))
              : planned;
      if (ShardSimulation.TRACE) {
        String line = plan.phase() + ": " + plan.message() + " " + plan.actions();
        if (!line.equals(lastPlanTrace)) {
          lastPlanTrace = line;
          trace("plan " + line);
        }
      }
      if (plan.stage() == ShardPlan.Stage.ELECT && beforeFences != null) {
        Runnable fault = beforeFences;
        beforeFences = null;
        fault.run();
      }
      return plan;
    }

    @Override
    public ShardPlan elect(ShardObservation o, ShardPlan plan, Map<String, TimedFence> answers) {
      ShardPlan elected =
          super.elect(
              electsOverTheSpecOnly
                  ? staying(o)
                  : electsIgnoringTheRecordedShrink ? withoutShrink(o) : o,
              plan,
              answers);
      if (elected.stage() == ShardPlan.Stage.STEADY) {
        failovers++;
        elections.add(elected.message());
        trace(
            "elected "
                + elected.primary()
                + " at epoch "
                + elected.epoch()
                + " from "
                + answers.values());
        if (beforeRoles != null) {
          java.util.function.Consumer<String> fault = beforeRoles;
          beforeRoles = null;
          fault.accept(elected.primary());
        }
      }
      return elected;
    }
  }

  /** How long a switch-over waits for its target (the production's 5 s, scaled as the rest). */
  private static final Duration SWITCHOVER_CATCH_UP = Duration.ofMillis(1_000);

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

  /** The pod addresses (fixed unless a schedule moves pods). */
  Addresses addresses = new Addresses();

  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " operator: " + what);
    }
  }
}
