package io.shardeddb.simulation;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.CopyVerification;
import io.shardeddb.operator.reconciler.ShardAction;
import io.shardeddb.operator.reconciler.ShardObservation;
import io.shardeddb.operator.reconciler.ShardPlan;
import io.shardeddb.operator.reconciler.ShardPlanner;
import io.shardeddb.operator.recopy.CopyCheck;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
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
 * the way the reconciler does — heartbeats with a deadline, then {@code plan}; for an election the
 * fences with a deadline, then {@code elect} on exactly their answers; then the plan's calls, and
 * the plan's epoch and primary recorded as the status (the only thing that survives an operator
 * restart). Only the transport is simulated.
 */
final class SimOperator {
  static final String NAME = "operator";
  private static final long DEADLINE = 150;
  private static final long PASS = 250;
  private static final Instant EPOCH_START = Instant.parse("2026-01-01T00:00:00Z");

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

  SimOperator(
      List<String> replicas, Scheduler scheduler, Network network, Map<String, SimReplica> byName) {
    this(NAME, "sh1", replicas, scheduler, network, byName);
  }

  /** The shard loop of shard {@code shard}, as node {@code name} ({@link MoveSimulation}). */
  SimOperator(
      String name,
      String shard,
      List<String> replicas,
      Scheduler scheduler,
      Network network,
      Map<String, SimReplica> byName) {
    this.name = name;
    this.shard = shard;
    this.status = new ShardStatus(shard, null, null, null, null, List.of());
    this.replicas = replicas;
    this.scheduler = scheduler;
    this.network = network;
    this.byName = byName;
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
    replicas.forEach(r -> network.send(name, r, new Ping()));
    later(DEADLINE, inc, () -> decide(inc));
  }

  void receive(String from, Object m) {
    long latency = scheduler.now() - passStartedAt;
    switch (m) {
      case Pong p ->
          beats.put(p.name(), new TimedHeartbeat(heartbeat(p), Duration.ofMillis(latency)));
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

  private ShardObservation observe() {
    List<ShardObservation.Member> members = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      String r = replicas.get(i);
      members.add(
          new ShardObservation.Member(
              r, i, url(r), beats.containsKey(r), 0, Duration.ofSeconds(60)));
    }
    return new ShardObservation(
        shard,
        new ShardConfigRequest(
            new SchemaDoc(List.of("k"), List.of("Number")), List.of(shard), "t", "k", 0L, 1L << 40),
        replicas.size(),
        WriteQuorum.Majority,
        Duration.ofMillis(ShardSimulation.UNAVAILABLE),
        status,
        members,
        Map.copyOf(beats),
        EPOCH_START.plusMillis(scheduler.now()));
  }

  private void decide(int inc) {
    ShardObservation o = observe();
    ShardPlan plan = planner.plan(o);
    if (plan.stage() == ShardPlan.Stage.ELECT) {
      fenceEpoch = plan.fenceEpoch();
      fences.clear();
      passStartedAt = scheduler.now();
      act(plan);
      later(
          DEADLINE,
          inc,
          () -> {
            ShardPlan elected = planner.elect(o, plan, Map.copyOf(fences));
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

  private void finish(ShardObservation o, ShardPlan plan, int inc) {
    act(plan);
    List<ReplicaStatus> reps = new ArrayList<>();
    int ready = 0;
    for (ShardObservation.Member m : o.members()) {
      Heartbeat h = o.beat(m.name());
      boolean r = h != null && h.state() == ReplicaState.Ready && h.epoch() == plan.epoch();
      ready += r ? 1 : 0;
      boolean copying = plan.copying().contains(m.name());
      reps.add(
          new ReplicaStatus(
              m.name(),
              m.url(),
              h == null ? Role.None : h.role(),
              r && !copying,
              copying ? ReplicaState.Copying : h == null ? null : h.state(),
              h == null ? null : h.appliedLsn(),
              0L,
              null));
    }
    status =
        new ShardStatus(
            shard,
            plan.epoch() == 0 ? null : plan.epoch(),
            plan.primary(),
            ready,
            plan.since(),
            reps);
    later(PASS, inc, () -> pass(inc));
  }

  private void act(ShardPlan plan) {
    for (ShardAction a : plan.actions()) {
      switch (a) {
        case ShardAction.Fence f -> network.send(name, f.pod(), new Fence(f.epoch()));
        case ShardAction.AssignRole r ->
            network.send(
                name,
                r.pod(),
                new Messages.Role(
                    r.request().epoch(),
                    r.request().role() == Role.Primary,
                    r.request().primary().name(),
                    r.request().replicas(),
                    r.request().chosenAt()));
        case ShardAction.Configure c -> network.send(name, c.pod(), new Messages.Configure());
        case ShardAction.Resync r -> {
          trace("resync " + r.pod() + " (" + plan.phase() + ": " + plan.message() + ")");
          network.send(name, r.pod(), new Messages.Resync());
        }
        case ShardAction.Verify v -> verify(v);
      }
    }
  }

  /** {@code /checksum} of both sides, read directly (a synchronous call in the real actuator). */
  private void verify(ShardAction.Verify v) {
    SimReplica replica = byName.get(v.pod());
    SimReplica primary = byName.get(nameOf(v.primaryUrl()));
    if (replica == null
        || primary == null
        || network.liveness(v.pod()) != Network.Liveness.UP
        || network.liveness(primary.name()) != Network.Liveness.UP
        || network.partitioned(name, v.pod())
        || network.partitioned(name, primary.name())) {
      return;
    }
    ShardPlan judged =
        verification.judge(
            observe(),
            new ShardPlan(
                ShardPlan.Stage.STEADY,
                0,
                null,
                null,
                null,
                null,
                0,
                List.of(),
                List.of(),
                java.util.Set.of(v.pod())),
            Map.of(v.pod(), new CopyCheck(checksum(replica), checksum(primary))));
    act(judged);
  }

  private ChecksumResponse checksum(SimReplica r) {
    SimDisk d = r.disk();
    return new ChecksumResponse(shard, d.rows.size(), d.rows.toString(), d.lastLsn());
  }

  private Heartbeat heartbeat(Pong p) {
    Role role = p.primary() ? Role.Primary : p.secondary() ? Role.Secondary : Role.None;
    return new Heartbeat(
            p.name(),
            shard,
            role,
            p.epoch(),
            p.lastLsn(),
            p.lastEntryEpoch(),
            p.primaryName(),
            0,
            p.state(),
            null,
            null,
            null,
            null)
        .withQuorum(p.quorum());
  }

  private static String url(String replica) {
    return "http://" + replica + ":8081";
  }

  private static String nameOf(String url) {
    return url.substring("http://".length(), url.lastIndexOf(':'));
  }

  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " operator: " + what);
    }
  }
}
