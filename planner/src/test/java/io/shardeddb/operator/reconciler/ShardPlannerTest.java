package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's decisions for one shard, driven with plain values: no HTTP, no clock. */
class ShardPlannerTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private final ShardPlanner planner = new ShardPlanner(new RecopyPolicy());

  private static Member member(int i, boolean ready) {
    return new Member("p-" + i, i, "http://10.0.0." + i + ":8081", ready, 0, Duration.ZERO);
  }

  private static TimedHeartbeat beat(
      String name, Role role, long epoch, long lsn, ReplicaState state) {
    return new TimedHeartbeat(
        Heartbeat.builder(name, "sh1")
            .role(role)
            .epoch(epoch)
            .appliedLsn(lsn)
            .lastEntryEpoch(1)
            .primary("p-0")
            .lagLsn(0)
            .state(state)
            .build(),
        Duration.ofMillis(2));
  }

  /** Three replicas recorded at {@code epoch} with p-0 the primary, recorded at {@code url}. */
  private static ShardStatus recordedWithPrimaryAt(long epoch, String url) {
    ShardStatus prev = recorded(epoch, "p-0", null, 3);
    List<ReplicaStatus> replicas = new java.util.ArrayList<>(prev.replicasOrEmpty());
    ReplicaStatus old = replicas.get(0);
    replicas.set(
        0,
        new ReplicaStatus(
            old.pod(),
            url,
            old.role(),
            old.ready(),
            old.state(),
            old.appliedLsn(),
            old.lagLsn(),
            old.copyProgress()));
    return ShardStatus.builder()
        .id("sh1")
        .epoch(epoch)
        .primary("p-0")
        .readyReplicas(3)
        .replicas(replicas)
        .build();
  }

  private static ShardStatus recorded(long epoch, String primary, String since, int pods) {
    List<ReplicaStatus> replicas =
        java.util.stream.IntStream.range(0, pods)
            .mapToObj(
                i ->
                    new ReplicaStatus(
                        "p-" + i,
                        "http://10.0.0." + i + ":8081",
                        i == 0 ? Role.Primary : Role.Secondary,
                        true,
                        ReplicaState.Ready,
                        0L,
                        0L,
                        null))
            .toList();
    return ShardStatus.builder()
        .id("sh1")
        .epoch(epoch)
        .primary(primary)
        .readyReplicas(pods)
        .primaryUnavailableSince(since)
        .replicas(replicas)
        .build();
  }

  private static ShardObservation observe(
      int spec, ShardStatus prev, List<Member> members, Map<String, TimedHeartbeat> beats) {
    return new ShardObservation(
        "sh1", null, spec, WriteQuorum.Majority, Duration.ofSeconds(5), prev, members, beats, NOW);
  }

  private static TimedFence answer(String name, long epoch, long entryEpoch, long lsn) {
    return new TimedFence(
        new FenceResponse(name, epoch, entryEpoch, lsn, ReplicaState.Fenced), Duration.ofMillis(1));
  }

  /** {@code recorded} with {@code pod} recorded as copying (a copy not yet verified). */
  private static ShardStatus recordedCopying(String pod) {
    ShardStatus prev = recorded(3, "p-0", null, 3);
    List<ReplicaStatus> replicas =
        prev.replicasOrEmpty().stream()
            .map(
                r ->
                    r.pod().equals(pod)
                        ? new ReplicaStatus(
                            r.pod(),
                            r.url(),
                            r.role(),
                            false,
                            ReplicaState.Copying,
                            r.appliedLsn(),
                            r.lagLsn(),
                            100)
                        : r)
            .toList();
    return ShardStatus.builder()
        .id("sh1")
        .epoch(3L)
        .primary("p-0")
        .readyReplicas(2)
        .replicas(replicas)
        .build();
  }

  @Test
  void aCopyNotYetVerifiedStaysCopyingThroughAPassItsHeartbeatWasNotReadAndIsVerifiedAfter() {
    // Fresh-clone CI: a rebuilt replica's heartbeat was not read in the pass after its copy (a
    // loaded machine); the copy's mark was dropped, so the replica rejoined unverified and the
    // rebuild request stayed InProgress for ever (the CLI timed out after 10m).
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Primary, 3, 10, ReplicaState.Ready));
    beats.put("p-1", beat("p-1", Role.Secondary, 3, 10, ReplicaState.Ready));
    List<Member> members = List.of(member(0, true), member(1, true), member(2, true));

    ShardPlan silent = planner.plan(observe(3, recordedCopying("p-2"), members, beats));

    assertThat(silent.copying()).containsExactly("p-2");

    beats.put("p-2", beat("p-2", Role.Secondary, 3, 10, ReplicaState.Ready));
    ShardPlan back = planner.plan(observe(3, recordedCopying("p-2"), members, beats));

    assertThat(back.copying()).containsExactly("p-2");
    assertThat(back.actions())
        .anySatisfy(
            a -> {
              assertThat(a).isInstanceOf(ShardAction.Verify.class);
              assertThat(a.pod()).isEqualTo("p-2");
            });
  }

  @Test
  void aPrimaryAnsweringItsHeartbeatIsUpEvenWhenItsPodIsNotReady() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Primary, 3, 10, ReplicaState.Ready));
    beats.put("p-1", beat("p-1", Role.Secondary, 3, 10, ReplicaState.Ready));

    ShardPlan plan =
        planner.plan(
            observe(
                2, recorded(3, "p-0", null, 2), List.of(member(0, false), member(1, true)), beats));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.STEADY);
    assertThat(plan.since()).isNull();
  }

  @Test
  void aPrimaryWhoseHeartbeatFailsPastTheTimeoutIsReplacedByFencingEveryReplicaFirst() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", beat("p-1", Role.Secondary, 3, 10, ReplicaState.Ready));
    beats.put("p-2", beat("p-2", Role.Secondary, 4, 10, ReplicaState.Fenced));
    String since = NOW.minusSeconds(6).toString();

    ShardPlan plan =
        planner.plan(
            observe(
                3,
                recorded(4, "p-0", since, 3),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.ELECT);
    assertThat(plan.fenceEpoch()).isEqualTo(5);
    assertThat(plan.actions())
        .containsExactly(
            new ShardAction.Fence("p-0", "http://10.0.0.0:8081", 5),
            new ShardAction.Fence("p-1", "http://10.0.0.1:8081", 5),
            new ShardAction.Fence("p-2", "http://10.0.0.2:8081", 5));
  }

  @Test
  void beforeTheTimeoutAnUnavailablePrimaryIsOnlyWaitedFor() {
    ShardPlan plan =
        planner.plan(
            observe(
                3,
                recorded(4, "p-0", NOW.minusSeconds(2).toString(), 3),
                List.of(member(0, true), member(1, true), member(2, true)),
                Map.of("p-1", beat("p-1", Role.Secondary, 4, 10, ReplicaState.Ready))));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.WAIT);
    assertThat(plan.phase()).isEqualTo(ShardPhase.PrimaryUnavailable);
    assertThat(plan.actions()).isEmpty();
  }

  /**
   * A re-announce recorded the primary at the next epoch, but its own {@code /role} call timed out:
   * it still serves the older epoch, its secondaries (at the new one) refuse its pings and report
   * it lost, and it stands down for want of a majority. It holds every acknowledged write, so it is
   * sent its role again rather than replaced by an election that a shard with few data holders
   * cannot win (simulator seed 1162: four voters, two holding data, NoQuorum to the end).
   */
  private static Map<String, TimedHeartbeat> primaryBehindItsRecordedEpoch() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put(
        "p-0",
        new TimedHeartbeat(
            Heartbeat.builder("p-0", "sh1")
                .role(Role.Primary)
                .epoch(1)
                .appliedLsn(10)
                .lastEntryEpoch(1)
                .primary("p-0")
                .state(ReplicaState.Ready)
                .quorum(
                    new io.shardeddb.protocol.shard.QuorumState(
                        3, List.of("p-1", "p-2"), true, 5_000, List.of(), 10, true))
                .build(),
            Duration.ofMillis(2)));
    for (String s : List.of("p-1", "p-2")) {
      beats.put(
          s,
          new TimedHeartbeat(
              Heartbeat.builder(s, "sh1")
                  .role(Role.Secondary)
                  .epoch(2)
                  .appliedLsn(10)
                  .lastEntryEpoch(1)
                  .primary("p-0")
                  .state(ReplicaState.Ready)
                  .primaryLost(true)
                  .build(),
              Duration.ofMillis(2)));
    }
    return beats;
  }

  @Test
  void aRecordedPrimaryStillAtTheEpochBeforeIsSentItsRoleAgainBeforeAnyElection() {
    List<Member> members = List.of(member(0, true), member(1, true), member(2, true));
    ShardObservation o =
        observe(3, recorded(2, "p-0", null, 3), members, primaryBehindItsRecordedEpoch());

    ShardPlan plan = planner.plan(o);

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.WAIT);
    assertThat(plan.primary()).isEqualTo("p-0");
    assertThat(plan.epoch()).isEqualTo(2);
    assertThat(plan.since()).isEqualTo(NOW.toString());
    assertThat(plan.actions())
        .containsExactly(
            new ShardAction.AssignRole(
                "p-0",
                "http://10.0.0.0:8081",
                RoleRequests.roleRequest(o, "p-0", 2, "p-0", new LogPosition(1, 10))));
  }

  @Test
  void aRecordedPrimaryStillAtTheEpochBeforeIsReplacedOnceThePrimaryTimeoutHasPassed() {
    // The re-sent role never took (its calls keep failing): the outage is bounded as any other.
    List<Member> members = List.of(member(0, true), member(1, true), member(2, true));
    ShardObservation o =
        observe(
            3,
            recorded(2, "p-0", NOW.minusSeconds(6).toString(), 3),
            members,
            primaryBehindItsRecordedEpoch());

    assertThat(planner.plan(o).stage()).isEqualTo(ShardPlan.Stage.ELECT);
  }

  @Test
  void theNewPrimaryIsChosenFromFenceAnswersNeverFromHeartbeats() {
    // Heartbeats (read earlier) say p-1 is ahead; after fencing, p-2 turns out to hold more.
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", beat("p-1", Role.Secondary, 1, 20, ReplicaState.Ready));
    beats.put("p-2", beat("p-2", Role.Secondary, 1, 10, ReplicaState.Ready));
    ShardObservation o =
        observe(
            3,
            recorded(1, "p-0", NOW.minusSeconds(9).toString(), 3),
            List.of(member(0, true), member(1, true), member(2, true)),
            beats);
    ShardPlan fence = planner.plan(o);

    ShardPlan elected =
        planner.elect(
            o, fence, Map.of("p-1", answer("p-1", 2, 1, 20), "p-2", answer("p-2", 2, 1, 25)));

    assertThat(elected.primary()).isEqualTo("p-2");
    assertThat(elected.epoch()).isEqualTo(2);
    assertThat(elected.actions())
        .allSatisfy(a -> assertThat(a).isInstanceOf(ShardAction.AssignRole.class));
    List<ShardAction.AssignRole> roles =
        elected.actions().stream().map(a -> (ShardAction.AssignRole) a).toList();
    assertThat(roles.get(0).pod()).isEqualTo("p-2");
    assertThat(roles.get(0).request().role()).isEqualTo(Role.Primary);
    assertThat(roles).allSatisfy(r -> assertThat(r.request().epoch()).isEqualTo(2));
    assertThat(roles).allSatisfy(r -> assertThat(r.request().replicas()).isEqualTo(3));
    assertThat(elected.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.FailoverCompleted));
  }

  @Test
  void amongAnswersAtTheSamePositionTheBestSeerScoreWinsAndTheEventSaysBothScores() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", beat("p-1", Role.Secondary, 1, 20, ReplicaState.Ready));
    beats.put("p-2", beat("p-2", Role.Secondary, 1, 20, ReplicaState.Ready));
    // p-1 answers the fence in 1 ms but restarted 6 times; p-2 takes 3 ms and never restarted.
    List<Member> members =
        List.of(
            member(0, true),
            new Member("p-1", 1, "http://10.0.0.1:8081", true, 6, Duration.ofMinutes(20)),
            new Member("p-2", 2, "http://10.0.0.2:8081", true, 0, Duration.ofMinutes(20)));
    ShardObservation o =
        observe(3, recorded(1, "p-0", NOW.minusSeconds(9).toString(), 3), members, beats);
    ShardPlan fence = planner.plan(o);
    TimedFence fast =
        new TimedFence(
            new FenceResponse("p-1", 2, 1, 20, ReplicaState.Fenced), Duration.ofMillis(1));
    TimedFence steady =
        new TimedFence(
            new FenceResponse("p-2", 2, 1, 20, ReplicaState.Fenced), Duration.ofMillis(3));

    ShardPlan elected = planner.elect(o, fence, Map.of("p-1", fast, "p-2", steady));

    assertThat(elected.primary()).isEqualTo("p-2");
    // 0.4·(1/1.3) + 0.4·1 + 0.2 = 0.91 against 0.4·(1/1.1) + 0.4·(0.5/7 + 0.5) + 0.2 = 0.79.
    assertThat(elected.message())
        .isEqualTo("failed over to p-2 at epoch 2 (SEER score 0.91; runner-up p-1 0.79)");
    assertThat(elected.events())
        .filteredOn(e -> e.reason() == EventReason.FailoverCompleted)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("SEER score 0.91 (latency 0.77, stability 1.00, lag 1.00)")
                    .contains("runner-up p-1 SEER score 0.79 (latency 0.91, stability 0.57"));
  }

  private static TimedFence handingOver(String name, long epoch, long entryEpoch, long lsn) {
    return new TimedFence(
        new FenceResponse(name, epoch, entryEpoch, lsn, ReplicaState.Fenced, true),
        Duration.ofMillis(1));
  }

  @Test
  void anElectionWhoseFencedReplicasHandedTheLeaseOverPromotesWithoutTheWait() {
    // Rule 9: both answers say they heard from no primary for a lease period; with 3 replicas and
    // a majority of 2, two hand-overs leave one replica: too few for any primary's lease.
    ShardObservation o = failedPrimary();
    List<ShardAction.AssignRole> roles =
        planner
            .elect(
                o,
                planner.plan(o),
                Map.of("p-1", handingOver("p-1", 2, 1, 20), "p-2", handingOver("p-2", 2, 1, 25)))
            .actions()
            .stream()
            .map(a -> (ShardAction.AssignRole) a)
            .toList();
    assertThat(roles.get(0).pod()).isEqualTo("p-2");
    assertThat(roles.get(0).request().leaseHandedOver()).isTrue();
    assertThat(roles.subList(1, roles.size()))
        .allSatisfy(r -> assertThat(r.request().leaseHandedOver()).isFalse());

    // One of them heard from the old primary within a lease: it may still count toward the old
    // primary's lease, so the new one waits.
    List<ShardAction.AssignRole> waiting =
        planner
            .elect(
                o,
                planner.plan(o),
                Map.of("p-1", answer("p-1", 2, 1, 20), "p-2", handingOver("p-2", 2, 1, 25)))
            .actions()
            .stream()
            .map(a -> (ShardAction.AssignRole) a)
            .toList();
    assertThat(waiting.get(0).request().leaseHandedOver()).isFalse();
  }

  @Test
  void withWriteQuorumOneNoElectionSkipsTheWait() {
    // The primary of a One quorum holds its lease with no acknowledgement at all.
    ShardObservation f = failedPrimary();
    ShardObservation o =
        new ShardObservation(
            f.shardId(),
            f.config(),
            f.desiredReplicas(),
            WriteQuorum.One,
            f.primaryUnavailableAfter(),
            f.previous(),
            f.members(),
            f.beats(),
            f.now());
    assertThat(
            ShardElection.formerLeasesOver(
                o,
                Map.of("p-1", handingOver("p-1", 2, 1, 20), "p-2", handingOver("p-2", 2, 1, 25)),
                2,
                3,
                3))
        .isFalse();
  }

  @Test
  void theElectedReplicasPrimaryRoleNamesThePositionOfItsFenceAnswer() {
    ShardObservation o = failedPrimary();
    ShardPlan elected =
        planner.elect(
            o,
            planner.plan(o),
            Map.of("p-1", answer("p-1", 2, 1, 20), "p-2", answer("p-2", 2, 1, 25)));

    List<ShardAction.AssignRole> roles =
        elected.actions().stream().map(a -> (ShardAction.AssignRole) a).toList();
    assertThat(roles.get(0).pod()).isEqualTo("p-2");
    // Chosen from its fence answer (lsn 25 of epoch 1): it refuses the role without that log.
    assertThat(roles.get(0).request().chosenAt()).isEqualTo(new LogPosition(1, 25));
    assertThat(roles.subList(1, roles.size()))
        .allSatisfy(r -> assertThat(r.request().chosenAt()).isNull());
  }

  @Test
  void anElectedReplicaThatRefusesItsPrimaryRoleIsNotRecordedAndTheNextPassElectsAgain() {
    ShardObservation o = failedPrimary();
    ShardPlan elected =
        planner.elect(
            o,
            planner.plan(o),
            Map.of("p-1", answer("p-1", 2, 1, 20), "p-2", answer("p-2", 2, 1, 25)));
    // p-2 lost its volume after its fence answer: it refuses the role it was chosen for.
    List<ActionResult> results =
        elected.actions().stream()
            .map(
                a ->
                    a.pod().equals("p-2")
                        ? new ActionResult(
                            a,
                            false,
                            409,
                            "chosen as primary for the log through lsn 25 of epoch 1, but this"
                                + " replica's log ends at lsn 0 of epoch 0")
                        : ActionResult.done(a))
            .toList();
    Map<String, Heartbeat> fresh = new HashMap<>();
    fresh.put(
        "p-1",
        Heartbeat.builder("p-1", "sh1")
            .role(Role.Secondary)
            .epoch(2)
            .appliedLsn(20)
            .lastEntryEpoch(1)
            .primary("p-2")
            .lagLsn(0)
            .state(ReplicaState.Ready)
            .build());
    fresh.put(
        "p-2",
        Heartbeat.builder("p-2", "sh1")
            .role(Role.None)
            .epoch(0)
            .appliedLsn(0)
            .lastEntryEpoch(0)
            .lagLsn(0)
            .state(ReplicaState.Unconfigured)
            .build());

    ShardReport.Report report = ShardReport.of(o, elected, results, fresh);

    ShardStatus status = report.outcome().status();
    assertThat(status.primary()).as("no primary is recorded").isNull();
    assertThat(status.epoch()).isEqualTo(2);
    assertThat(report.outcome().phase()).isNotEqualTo(ShardPhase.Ready);
    assertThat(report.outcome().message()).contains("p-2").contains("refused");
    // No Event claims a failover that did not happen; the refusal is reported instead.
    assertThat(report.events())
        .extracting(ShardEvent::reason)
        .doesNotContain(EventReason.FailoverCompleted)
        .contains(EventReason.StaleEpoch);

    // The next pass: the old primary is back with its data; nothing to wait for, elect at once.
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Secondary, 1, 30, ReplicaState.Ready));
    beats.put("p-1", beat("p-1", Role.Secondary, 2, 20, ReplicaState.Ready));
    beats.put("p-2", new TimedHeartbeat(fresh.get("p-2"), Duration.ofMillis(2)));
    ShardPlan next =
        planner.plan(
            observe(3, status, List.of(member(0, true), member(1, true), member(2, true)), beats));
    assertThat(next.stage()).isEqualTo(ShardPlan.Stage.ELECT);
    assertThat(next.fenceEpoch()).isEqualTo(3);
  }

  /** p-0, the primary at epoch 1, unanswering for 9 s; p-1 and p-2 answer. */
  private static ShardObservation failedPrimary() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", beat("p-1", Role.Secondary, 1, 20, ReplicaState.Ready));
    beats.put("p-2", beat("p-2", Role.Secondary, 1, 10, ReplicaState.Ready));
    return observe(
        3,
        recorded(1, "p-0", NOW.minusSeconds(9).toString(), 3),
        List.of(member(0, true), member(1, true), member(2, true)),
        beats);
  }

  @Test
  void theMajorityIsCountedOverTheSpecNotOverThePodsThatExist() {
    // Spec says 5; only two pods exist and both answer: that is not a majority.
    ShardObservation o =
        observe(
            5,
            recorded(1, "p-0", NOW.minusSeconds(9).toString(), 2),
            List.of(member(1, true), member(2, true)),
            Map.of(
                "p-1", beat("p-1", Role.Secondary, 1, 5, ReplicaState.Ready),
                "p-2", beat("p-2", Role.Secondary, 1, 5, ReplicaState.Ready)));

    // Two answering replicas cannot be a majority of 5: no fence is sent (which would only
    // raise their epoch), and fence answers from them would elect nobody either.
    ShardPlan planned = planner.plan(o);
    assertThat(planned.phase()).isEqualTo(ShardPhase.NoQuorum);
    assertThat(planned.actions()).isEmpty();
    assertThat(planned.message()).contains("only 2 of 5").contains("needs 3");

    ShardPlan fenced =
        ShardPlan.fencing(1, "p-0", planned.since(), ShardPhase.PrimaryUnavailable, 2, List.of());
    ShardPlan plan =
        planner.elect(
            o, fenced, Map.of("p-1", answer("p-1", 2, 1, 5), "p-2", answer("p-2", 2, 1, 5)));

    assertThat(plan.phase()).isEqualTo(ShardPhase.NoQuorum);
    assertThat(plan.primary()).isEqualTo("p-0");
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.message()).contains("only 2 of 5").contains("needs 3");
  }

  @Test
  void aLostStatusWithReplicasHoldingDataElectsByPositionNotPodZero() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      beats.put("p-" + i, beat("p-" + i, Role.Secondary, 0, i * 10, ReplicaState.AwaitingRole));
    }
    ShardObservation o =
        observe(
            3,
            ShardStatus.builder().id("sh1").replicas(List.of()).build(),
            List.of(member(0, true), member(1, true), member(2, true)),
            beats);

    ShardPlan plan = planner.plan(o);
    ShardPlan elected =
        planner.elect(
            o,
            plan,
            Map.of(
                "p-0", answer("p-0", 1, 1, 0),
                "p-1", answer("p-1", 1, 1, 10),
                "p-2", answer("p-2", 1, 1, 20)));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.ELECT);
    assertThat(elected.primary()).isEqualTo("p-2");
  }

  @Test
  void aReplicaThatAcceptedAHigherEpochAsPrimaryIsAdoptedWhenTheStatusIsBehind() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", beat("p-1", Role.Primary, 5, 10, ReplicaState.Ready));
    beats.put("p-2", beat("p-2", Role.Secondary, 5, 10, ReplicaState.Ready));
    beats.put("p-0", beat("p-0", Role.Primary, 4, 10, ReplicaState.Ready));

    ShardPlan plan =
        planner.plan(
            observe(
                3,
                recorded(4, "p-0", null, 3),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats));

    assertThat(plan.primary()).isEqualTo("p-1");
    assertThat(plan.epoch()).isEqualTo(5);
    assertThat(plan.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.PrimaryAdopted));
  }

  @Test
  void aHealthySecondaryAheadOfItsPrimarysHeartbeatIsNotReCopied() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Primary, 2, 100, ReplicaState.Ready));
    beats.put("p-1", beat("p-1", Role.Secondary, 2, 130, ReplicaState.Ready));

    ShardPlan plan =
        planner.plan(
            observe(
                2, recorded(2, "p-0", null, 2), List.of(member(0, true), member(1, true)), beats));

    assertThat(plan.actions()).isEmpty();
  }

  private static TimedHeartbeat beatWithPrimaryAt(
      String name, Role role, long epoch, String primaryUrl) {
    return new TimedHeartbeat(
        Heartbeat.builder(name, "sh1")
            .role(role)
            .epoch(epoch)
            .appliedLsn(10)
            .lastEntryEpoch(1)
            .primary("p-0")
            .lagLsn(0)
            .state(ReplicaState.Ready)
            .primaryUrl(primaryUrl)
            .build(),
        Duration.ofMillis(2));
  }

  @Test
  void aPrimaryBackAtANewAddressIsReannouncedEvenWhenTheStatusAlreadyHoldsThatAddress() {
    // The StatefulSet recreated p-0 (same volume, new IP); a pass during the outage already wrote
    // the new address into the status. The replicas still pull from the old one: they say so.
    String moved = "http://10.0.0.9:8081";
    Member p0 = new Member("p-0", 0, moved, true, 0, Duration.ZERO);
    ShardStatus prev = recordedWithPrimaryAt(1, moved);
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beatWithPrimaryAt("p-0", Role.Primary, 1, "http://10.0.0.0:8081"));
    beats.put("p-1", beatWithPrimaryAt("p-1", Role.Secondary, 1, "http://10.0.0.0:8081"));
    beats.put("p-2", beatWithPrimaryAt("p-2", Role.Secondary, 1, "http://10.0.0.0:8081"));

    ShardPlan plan =
        planner.plan(observe(3, prev, List.of(p0, member(1, true), member(2, true)), beats));

    assertThat(plan.primary()).isEqualTo("p-0");
    assertThat(plan.epoch()).isEqualTo(2);
    assertThat(plan.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.PrimaryReannounced));
    assertThat(plan.actions())
        .filteredOn(a -> a instanceof ShardAction.AssignRole)
        .extracting(a -> ((ShardAction.AssignRole) a).request())
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.epoch()).isEqualTo(2);
              assertThat(r.primary().url()).isEqualTo(moved);
            });
  }

  @Test
  void oncePrimaryAndReplicasAgreeOnItsAddressNothingIsReannounced() {
    String moved = "http://10.0.0.9:8081";
    Member p0 = new Member("p-0", 0, moved, true, 0, Duration.ZERO);
    ShardStatus prev = recordedWithPrimaryAt(2, moved);
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beatWithPrimaryAt("p-0", Role.Primary, 2, moved));
    beats.put("p-1", beatWithPrimaryAt("p-1", Role.Secondary, 2, moved));
    // Still at the old epoch (missed the re-announce): it is repaired, not a reason for another.
    beats.put("p-2", beatWithPrimaryAt("p-2", Role.Secondary, 1, "http://10.0.0.0:8081"));

    ShardPlan plan =
        planner.plan(observe(3, prev, List.of(p0, member(1, true), member(2, true)), beats));

    assertThat(plan.epoch()).isEqualTo(2);
    assertThat(plan.events()).isEmpty();
    assertThat(plan.actions())
        .containsExactly(
            new ShardAction.AssignRole(
                "p-2",
                "http://10.0.0.2:8081",
                RoleRequests.roleRequest(
                    observe(3, prev, List.of(p0, member(1, true), member(2, true)), beats),
                    "p-2",
                    2,
                    "p-0")));
  }

  /**
   * A bring-up that failed half-way (one replica's {@code /config} timed out, the others took their
   * roles at epoch 1 with empty logs) left a shard that no election could ever fix: empty logs do
   * not count as holding data, so every pass fenced one epoch higher and found no quorum (seen in a
   * local-mode bench run: epoch 110 after four minutes). With every replica answering and no log
   * entry anywhere, no write was ever acknowledged (rule 3: each acknowledgement leaves its
   * primary's no-op entry on a majority), so the bring-up is simply done again, above every epoch
   * the replicas have seen.
   */
  @Test
  void aBringUpThatFailedHalfWayIsDoneAgainAboveTheEpochsTheReplicasSaw() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put(
        "p-0",
        new TimedHeartbeat(
            Heartbeat.builder("p-0", "sh1")
                .epoch(0)
                .appliedLsn(0)
                .lastEntryEpoch(0)
                .lagLsn(0)
                .state(ReplicaState.Unconfigured)
                .build(),
            Duration.ofMillis(2)));
    for (String name : List.of("p-1", "p-2")) {
      beats.put(
          name,
          new TimedHeartbeat(
              Heartbeat.builder(name, "sh1")
                  .epoch(7)
                  .appliedLsn(0)
                  .lastEntryEpoch(0)
                  .lagLsn(0)
                  .state(ReplicaState.Fenced)
                  .build(),
              Duration.ofMillis(2)));
    }
    ShardConfigRequest config = new ShardConfigRequest(null, List.of("sh1"), "t", "k", 0L, 10L);
    ShardObservation o =
        new ShardObservation(
            "sh1",
            config,
            3,
            WriteQuorum.Majority,
            Duration.ofSeconds(5),
            ShardStatus.builder().id("sh1").epoch(0L).readyReplicas(3).replicas(List.of()).build(),
            List.of(member(0, true), member(1, true), member(2, true)),
            beats,
            NOW);

    ShardPlan plan = planner.plan(o);

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.BRING_UP);
    assertThat(plan.epoch()).isEqualTo(8);
    assertThat(plan.primary()).isEqualTo("p-0");
    assertThat(plan.actions())
        .contains(new ShardAction.Configure("p-0", "http://10.0.0.0:8081", config))
        .filteredOn(a -> a instanceof ShardAction.AssignRole)
        .hasSize(3)
        .allMatch(a -> ((ShardAction.AssignRole) a).request().epoch() == 8);
    // A first bring-up chooses its primary for an empty log (0/0).
    assertThat(plan.actions())
        .filteredOn(
            a -> a instanceof ShardAction.AssignRole r && r.request().role() == Role.Primary)
        .singleElement()
        .satisfies(
            a ->
                assertThat(((ShardAction.AssignRole) a).request().chosenAt())
                    .isEqualTo(LogPosition.EMPTY));
  }

  /**
   * The bring-up's Primary role was lost (found by the two-shard move simulation, seeds 8 and 16
   * with bring-up on a lossy network): the status records p-0 primary at epoch 1, the secondaries
   * took their roles at epoch 1, p-0 never did. No log holds an entry, so no replica "holds data"
   * and no election can ever succeed (rule 2); before, the shard waited for good. With every
   * replica answering and no entry anywhere, no write was ever acknowledged, so once the primary
   * has been unavailable for primaryUnavailableSeconds the bring-up is done again above every epoch
   * seen.
   */
  @Test
  void aBringUpWhosePrimaryRoleWasLostIsDoneAgain() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put(
        "p-0",
        new TimedHeartbeat(
            Heartbeat.builder("p-0", "sh1")
                .epoch(0)
                .appliedLsn(0)
                .lastEntryEpoch(0)
                .lagLsn(0)
                .state(ReplicaState.AwaitingRole)
                .build(),
            Duration.ofMillis(2)));
    for (String name : List.of("p-1", "p-2")) {
      beats.put(
          name,
          new TimedHeartbeat(
              Heartbeat.builder(name, "sh1")
                  .role(Role.Secondary)
                  .epoch(1)
                  .appliedLsn(0)
                  .lastEntryEpoch(0)
                  .primary("p-0")
                  .lagLsn(0)
                  .state(ReplicaState.AwaitingRole)
                  .build(),
              Duration.ofMillis(2)));
    }
    ShardConfigRequest config = new ShardConfigRequest(null, List.of("sh1"), "t", "k", 0L, 10L);
    ShardPlan plan =
        planner.plan(
            new ShardObservation(
                "sh1",
                config,
                3,
                WriteQuorum.Majority,
                Duration.ofSeconds(5),
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(1L)
                    .primary("p-0")
                    .readyReplicas(0)
                    .primaryUnavailableSince(NOW.minusSeconds(6).toString())
                    .replicas(List.of())
                    .build(),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats,
                NOW));

    assertThat(plan.stage()).as("plan %s", plan).isEqualTo(ShardPlan.Stage.BRING_UP);
    assertThat(plan.epoch()).isEqualTo(2);
    assertThat(plan.actions())
        .filteredOn(a -> a instanceof ShardAction.AssignRole)
        .hasSize(3)
        .allMatch(a -> ((ShardAction.AssignRole) a).request().epoch() == 2);
  }

  /**
   * Seed 1879 of the simulator once the bring-up was redone: the new primary wrote its no-op (lsn
   * 1, epoch 2) while cut off from its peers, then restarted and lost its role. Only its own no-op
   * exists anywhere — every log's first entry is a term's no-op (rule 3), so a client write has an
   * lsn of 2 or more — hence nothing was acknowledged, and the bring-up is done again (p-0 keeps
   * its entry; the new term's no-op follows it).
   */
  @Test
  void aBringUpWhoseNoOpReachedOnlyItsPrimaryIsDoneAgain() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put(
        "p-0",
        new TimedHeartbeat(
            Heartbeat.builder("p-0", "sh1")
                .epoch(2)
                .appliedLsn(1)
                .lastEntryEpoch(2)
                .primary("p-0")
                .lagLsn(0)
                .state(ReplicaState.AwaitingRole)
                .build(),
            Duration.ofMillis(2)));
    for (String name : List.of("p-1", "p-2")) {
      beats.put(
          name,
          new TimedHeartbeat(
              Heartbeat.builder(name, "sh1")
                  .role(Role.Secondary)
                  .epoch(2)
                  .appliedLsn(0)
                  .lastEntryEpoch(0)
                  .primary("p-0")
                  .lagLsn(0)
                  .state(ReplicaState.CatchingUp)
                  .build(),
              Duration.ofMillis(2)));
    }
    ShardConfigRequest config = new ShardConfigRequest(null, List.of("sh1"), "t", "k", 0L, 10L);
    ShardPlan plan =
        planner.plan(
            new ShardObservation(
                "sh1",
                config,
                3,
                WriteQuorum.Majority,
                Duration.ofSeconds(5),
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(2L)
                    .primary("p-0")
                    .readyReplicas(0)
                    .primaryUnavailableSince(NOW.minusSeconds(6).toString())
                    .replicas(List.of())
                    .build(),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats,
                NOW));

    assertThat(plan.stage()).as("plan %s", plan).isEqualTo(ShardPlan.Stage.BRING_UP);
    assertThat(plan.epoch()).isEqualTo(3);
  }

  /**
   * Simulator seed 337: pod-0 lost its volume before its first term's no-op left it; the others
   * hold that no-op (lsn 1). Nothing was acknowledged, but an election can succeed, so it is not
   * replaced by a bring-up onto the empty pod-0 (which left the shard without a quorum holding data
   * once pod-0 lost its volume again).
   */
  @Test
  void aBringUpIsNotRedoneWhileAnElectionCanSucceed() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put(
        "p-0",
        new TimedHeartbeat(
            Heartbeat.builder("p-0", "sh1")
                .epoch(0)
                .appliedLsn(0)
                .lastEntryEpoch(0)
                .lagLsn(0)
                .state(ReplicaState.Unconfigured)
                .build(),
            Duration.ofMillis(2)));
    for (String name : List.of("p-1", "p-2")) {
      beats.put(
          name,
          new TimedHeartbeat(
              Heartbeat.builder(name, "sh1")
                  .role(Role.Secondary)
                  .epoch(1)
                  .appliedLsn(1)
                  .lastEntryEpoch(1)
                  .primary("p-0")
                  .lagLsn(0)
                  .state(ReplicaState.Ready)
                  .build(),
              Duration.ofMillis(2)));
    }
    ShardConfigRequest config = new ShardConfigRequest(null, List.of("sh1"), "t", "k", 0L, 10L);
    ShardPlan plan =
        planner.plan(
            new ShardObservation(
                "sh1",
                config,
                3,
                WriteQuorum.Majority,
                Duration.ofSeconds(5),
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(1L)
                    .primary("p-0")
                    .readyReplicas(0)
                    .primaryUnavailableSince(NOW.minusSeconds(6).toString())
                    .replicas(List.of())
                    .build(),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats,
                NOW));

    assertThat(plan.stage()).as("plan %s", plan).isNotEqualTo(ShardPlan.Stage.BRING_UP);
    assertThat(plan.actions())
        .as("the empty p-0 is never made primary")
        .noneMatch(
            a ->
                a instanceof ShardAction.AssignRole r
                    && r.pod().equals("p-0")
                    && r.request().role() == Role.Primary);
  }

  /** Empty logs are no history only when every replica answers: a silent one may hold the data. */
  @Test
  void aBringUpIsNotRedoneWhileAReplicaIsSilent() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    for (String name : List.of("p-1", "p-2")) {
      beats.put(
          name,
          new TimedHeartbeat(
              Heartbeat.builder(name, "sh1")
                  .epoch(7)
                  .appliedLsn(0)
                  .lastEntryEpoch(0)
                  .lagLsn(0)
                  .state(ReplicaState.Fenced)
                  .build(),
              Duration.ofMillis(2)));
    }
    ShardConfigRequest config = new ShardConfigRequest(null, List.of("sh1"), "t", "k", 0L, 10L);
    ShardPlan plan =
        planner.plan(
            new ShardObservation(
                "sh1",
                config,
                3,
                WriteQuorum.Majority,
                Duration.ofSeconds(5),
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(0L)
                    .readyReplicas(3)
                    .replicas(List.of())
                    .build(),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats,
                NOW));

    assertThat(plan.stage()).isNotEqualTo(ShardPlan.Stage.BRING_UP);
  }

  /**
   * The recorded primary p-0 of epoch 1 persisted the fence of an election at epoch 2 that found no
   * quorum (it answers role None, fenced at 2, its log at 1/50); the others lost their volumes.
   */
  private static Map<String, TimedHeartbeat> fencedPrimaryAloneHoldingData() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.None, 2, 50, ReplicaState.Fenced));
    beats.put(
        "p-1",
        new TimedHeartbeat(
            Heartbeat.builder("p-1", "sh1")
                .role(Role.None)
                .epoch(0)
                .appliedLsn(0)
                .lastEntryEpoch(0)
                .state(ReplicaState.Unconfigured)
                .build(),
            Duration.ofMillis(2)));
    beats.put(
        "p-2",
        new TimedHeartbeat(
            Heartbeat.builder("p-2", "sh1")
                .role(Role.None)
                .epoch(0)
                .appliedLsn(0)
                .lastEntryEpoch(0)
                .state(ReplicaState.Unconfigured)
                .build(),
            Duration.ofMillis(2)));
    return beats;
  }

  @Test
  void aRecordedPrimaryFencedByAnElectionThatFoundNoQuorumGetsItsRoleAgainAboveTheFence() {
    ShardPlan plan =
        planner.plan(
            observe(
                3,
                recorded(1, "p-0", null, 3),
                List.of(member(0, true), member(1, true), member(2, true)),
                fencedPrimaryAloneHoldingData()));

    // Before: NoQuorum ("only 1 of 3 replicas answered holding their data") every pass, forever.
    assertThat(plan.phase()).isNotEqualTo(ShardPhase.NoQuorum);
    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.STEADY);
    assertThat(plan.primary()).isEqualTo("p-0");
    // Never the epoch it was fenced out of, nor the fence's own: above every epoch seen.
    assertThat(plan.epoch()).isEqualTo(3);
    assertThat(plan.actions())
        .anySatisfy(
            a -> {
              assertThat(a).isInstanceOf(ShardAction.AssignRole.class);
              ShardAction.AssignRole r = (ShardAction.AssignRole) a;
              assertThat(r.pod()).isEqualTo("p-0");
              assertThat(r.request().role()).isEqualTo(Role.Primary);
              assertThat(r.request().epoch()).isEqualTo(3);
            });
    assertThat(plan.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.PrimaryReannounced));
  }

  /**
   * Simulator seed 1162, the pass after issue 47's: the recorded primary p-0's {@code /role} of its
   * re-announce at epoch 2 was lost, its secondaries at epoch 2 refused its replication (409) and
   * it stood down at their epoch (role None, fenced at 2, its log at 1/50); p-1 follows it at epoch
   * 2 and reports it lost, p-2 lost its volume, p-3 is re-copying. Two of four voters hold data, an
   * election needs three: before, NoQuorum every pass, forever.
   */
  private static Map<String, TimedHeartbeat> recordedPrimaryFencedAtItsOwnEpoch() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.None, 2, 50, ReplicaState.Fenced));
    beats.put(
        "p-1",
        new TimedHeartbeat(
            Heartbeat.builder("p-1", "sh1")
                .role(Role.Secondary)
                .epoch(2)
                .appliedLsn(40)
                .lastEntryEpoch(1)
                .primary("p-0")
                .state(ReplicaState.Ready)
                .primaryLost(true)
                .build(),
            Duration.ofMillis(2)));
    beats.put("p-2", empty("p-2", Role.None, 0, ReplicaState.Unconfigured));
    beats.put(
        "p-3",
        new TimedHeartbeat(
            Heartbeat.builder("p-3", "sh1")
                .role(Role.Secondary)
                .epoch(2)
                .appliedLsn(0)
                .lastEntryEpoch(0)
                .primary("p-0")
                .state(ReplicaState.Copying)
                .primaryLost(true)
                .build(),
            Duration.ofMillis(2)));
    return beats;
  }

  @Test
  void aRecordedPrimaryThatNeverTookItsRoleIsSentItAgainWhenNoElectionCanWin() {
    List<Member> members =
        List.of(member(0, true), member(1, true), member(2, true), member(3, true));
    // The secondaries' report ends the wait at once; without it, once the primary timeout passed.
    for (String since : java.util.Arrays.asList(null, NOW.minusSeconds(6).toString())) {
      Map<String, TimedHeartbeat> beats = recordedPrimaryFencedAtItsOwnEpoch();
      if (since != null) {
        beats.put("p-1", beat("p-1", Role.Secondary, 2, 40, ReplicaState.Ready));
        beats.put("p-3", empty("p-3", Role.Secondary, 2, ReplicaState.Copying));
      }
      ShardPlan plan = planner.plan(observe(4, recorded(2, "p-0", since, 4), members, beats));

      assertThat(plan.phase())
          .as("since %s: %s", since, plan.message())
          .isNotEqualTo(ShardPhase.NoQuorum);
      assertThat(plan.stage()).as(plan.message()).isEqualTo(ShardPlan.Stage.STEADY);
      assertThat(plan.primary()).isEqualTo("p-0");
      // Above every epoch seen: never at the one it stood down at.
      assertThat(plan.epoch()).isEqualTo(3);
      assertThat(plan.actions())
          .anySatisfy(
              a -> {
                assertThat(a).isInstanceOf(ShardAction.AssignRole.class);
                ShardAction.AssignRole r = (ShardAction.AssignRole) a;
                assertThat(r.pod()).isEqualTo("p-0");
                assertThat(r.request().role()).isEqualTo(Role.Primary);
                assertThat(r.request().epoch()).isEqualTo(3);
              });
      assertThat(plan.events())
          .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.PrimaryReannounced));
    }
  }

  @Test
  void aRecordedPrimaryWithoutItsRoleIsReplacedByAnElectionWhenOneCanWin() {
    // p-2 holds data too: three of four voters, an election can win, so it decides as before.
    Map<String, TimedHeartbeat> beats = recordedPrimaryFencedAtItsOwnEpoch();
    beats.put("p-2", beat("p-2", Role.Secondary, 2, 45, ReplicaState.Ready));
    ShardPlan plan =
        planner.plan(
            observe(
                4,
                recorded(2, "p-0", NOW.minusSeconds(6).toString(), 4),
                List.of(member(0, true), member(1, true), member(2, true), member(3, true)),
                beats));

    assertThat(plan.stage()).as(plan.message()).isEqualTo(ShardPlan.Stage.ELECT);
    assertThat(plan.fenceEpoch()).isEqualTo(3);
  }

  @Test
  void aFencedRecordedPrimaryIsNotResentItsRoleWhenALaterEpochsEntryOrASilentPodMayExist() {
    // A replica whose log holds an entry of epoch 2: a primary of epoch 2 may have acknowledged it.
    Map<String, TimedHeartbeat> later = fencedPrimaryAloneHoldingData();
    later.put(
        "p-1",
        new TimedHeartbeat(
            Heartbeat.builder("p-1", "sh1")
                .role(Role.None)
                .epoch(2)
                .appliedLsn(0)
                .lastEntryEpoch(2)
                .state(ReplicaState.Copying)
                .build(),
            Duration.ofMillis(2)));
    // A pod that does not answer may hold one.
    Map<String, TimedHeartbeat> silent = fencedPrimaryAloneHoldingData();
    silent.remove("p-2");
    for (Map<String, TimedHeartbeat> beats : List.of(later, silent)) {
      ShardPlan plan =
          planner.plan(
              observe(
                  3,
                  recorded(1, "p-0", null, 3),
                  List.of(member(0, true), member(1, true), member(2, true)),
                  beats));
      assertThat(plan.phase()).isEqualTo(ShardPhase.NoQuorum);
      assertThat(plan.actions()).isEmpty();
    }
  }

  private static TimedHeartbeat empty(String name, Role role, long epoch, ReplicaState state) {
    return new TimedHeartbeat(
        Heartbeat.builder(name, "sh1")
            .role(role)
            .epoch(epoch)
            .appliedLsn(0)
            .lastEntryEpoch(0)
            .primary("p-0")
            .state(state)
            .build(),
        Duration.ofMillis(2));
  }

  @Test
  void aBringUpWhosePrimaryNeverServedIsRedoneThoughARebuildLeftAMinorityCopying() {
    // The bring-up's Primary role never reached p-0; a rebuild asked meanwhile left p-2 copying
    // from a primary that never serves. Before: "only 0 of 3 replicas answered holding their
    // data" (NoQuorum) every pass, the copy never finishing, the shard never up.
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", empty("p-0", Role.None, 1, ReplicaState.AwaitingRole));
    beats.put("p-1", empty("p-1", Role.Secondary, 1, ReplicaState.Ready));
    beats.put("p-2", empty("p-2", Role.Secondary, 1, ReplicaState.Copying));
    String since = NOW.minusSeconds(6).toString();

    ShardConfigRequest config = new ShardConfigRequest(null, List.of("sh1"), "t", "k", 0L, 10L);
    ShardPlan plan =
        planner.plan(
            new ShardObservation(
                "sh1",
                config,
                3,
                WriteQuorum.Majority,
                Duration.ofSeconds(5),
                recorded(1, "p-0", since, 3),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats,
                NOW));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.BRING_UP);
    assertThat(plan.epoch()).isEqualTo(2);
    assertThat(plan.primary()).isEqualTo("p-0");
    assertThat(plan.actions())
        .anySatisfy(
            a -> {
              assertThat(a).isInstanceOf(ShardAction.AssignRole.class);
              ShardAction.AssignRole r = (ShardAction.AssignRole) a;
              assertThat(r.pod()).isEqualTo("p-0");
              assertThat(r.request().role()).isEqualTo(Role.Primary);
              assertThat(r.request().epoch()).isEqualTo(2);
            });
    assertThat(plan.actions())
        .anySatisfy(
            a -> {
              assertThat(a.pod()).isEqualTo("p-2");
              assertThat(((ShardAction.AssignRole) a).request().role()).isEqualTo(Role.Secondary);
            });
  }

  @Test
  void aBringUpIsNotRedoneWhileAMajorityMayHaveWipedAnAcknowledgedWrite() {
    // Two of three re-copying: a write acknowledged by them and p-0 could be gone from every
    // replica that answers, so "never acknowledged" cannot be told (nor can an election run).
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", empty("p-0", Role.None, 1, ReplicaState.AwaitingRole));
    beats.put("p-1", empty("p-1", Role.Secondary, 1, ReplicaState.Copying));
    beats.put("p-2", empty("p-2", Role.Secondary, 1, ReplicaState.Copying));
    String since = NOW.minusSeconds(6).toString();

    ShardPlan plan =
        planner.plan(
            observe(
                3,
                recorded(1, "p-0", since, 3),
                List.of(member(0, true), member(1, true), member(2, true)),
                beats));

    assertThat(plan.phase()).isEqualTo(ShardPhase.NoQuorum);
    assertThat(plan.actions()).isEmpty();
  }
}
