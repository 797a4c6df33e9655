package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RequestStatus.Outcome;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The operator's decisions on promote and rebuild requests, with plain values: what is refused and
 * why, what a switch-over fences, and when it may announce the target.
 */
class ShardRequestsTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private final ShardPlanner planner = new ShardPlanner(new RecopyPolicy());

  private static Member member(int i) {
    return new Member("p-" + i, i, url(i), true, 0, Duration.ZERO);
  }

  private static String url(int i) {
    return "http://10.0.0." + i + ":8081";
  }

  private static TimedHeartbeat beat(
      String name, Role role, long epoch, long lsn, ReplicaState state) {
    return new TimedHeartbeat(
        Heartbeat.builder(name, "sh1")
            .role(role)
            .epoch(epoch)
            .appliedLsn(lsn)
            .lastEntryEpoch(epoch)
            .primary("p-0")
            .lagLsn(0)
            .state(state)
            .build(),
        Duration.ofMillis(2));
  }

  /** Three replicas at epoch 3, p-0 primary at lsn 40, the others as given. */
  private static ShardObservation shard(ReplicaState p1, long p1Lsn, ReplicaState p2) {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Primary, 3, 40, ReplicaState.Ready));
    beats.put("p-1", beat("p-1", Role.Secondary, 3, p1Lsn, p1));
    beats.put("p-2", beat("p-2", Role.Secondary, 3, 40, p2));
    List<ReplicaStatus> replicas =
        IntStream.range(0, 3)
            .mapToObj(
                i ->
                    new ReplicaStatus(
                        "p-" + i,
                        url(i),
                        i == 0 ? Role.Primary : Role.Secondary,
                        true,
                        ReplicaState.Ready,
                        40L,
                        0L,
                        null))
            .toList();
    return new ShardObservation(
        "sh1",
        null,
        3,
        WriteQuorum.Majority,
        Duration.ofSeconds(5),
        ShardStatus.builder()
            .id("sh1")
            .epoch(3L)
            .primary("p-0")
            .readyReplicas(3)
            .replicas(replicas)
            .build(),
        List.of(member(0), member(1), member(2)),
        beats,
        NOW);
  }

  private static ShardObservation healthy() {
    return shard(ReplicaState.Ready, 40, ReplicaState.Ready);
  }

  private static TimedFence fenced(long epoch, long entryEpoch, long lsn) {
    return new TimedFence(
        new FenceResponse("p-0", epoch, entryEpoch, lsn, ReplicaState.Fenced),
        Duration.ofMillis(1));
  }

  private static Heartbeat at(String name, long entryEpoch, long lsn, ReplicaState state) {
    return Heartbeat.builder(name, "sh1")
        .role(Role.Secondary)
        .epoch(3)
        .appliedLsn(lsn)
        .lastEntryEpoch(entryEpoch)
        .primary("p-0")
        .lagLsn(0)
        .state(state)
        .build();
  }

  private static List<ShardAction.AssignRole> roles(ShardPlan plan) {
    assertThat(plan.actions())
        .allSatisfy(a -> assertThat(a).isInstanceOf(ShardAction.AssignRole.class));
    return plan.actions().stream().map(a -> (ShardAction.AssignRole) a).toList();
  }

  @Test
  void aCaughtUpSecondaryIsSwitchedToByFencingOnlyTheOldPrimaryAtTheNextEpoch() {
    ShardPlan plan = planner.plan(healthy().promoting("p-1"));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.SWITCH_OVER);
    assertThat(plan.target()).isEqualTo("p-1");
    assertThat(plan.fenceEpoch()).isEqualTo(4);
    // The target is not fenced: it must keep pulling the old primary's log to catch up.
    assertThat(plan.actions()).containsExactly(new ShardAction.Fence("p-0", url(0), 4));
    assertThat(plan.request()).isNull();
  }

  @Test
  void aPrimaryTheUserFencedHandsOverToTheMostCaughtUpUnfencedSecondary() {
    ShardObservation o =
        shard(ReplicaState.Ready, 40, ReplicaState.Ready)
            .withFenced(Fencing.parse("[\"p-0\",\"p-1\"]"));

    ShardPlan plan = planner.plan(o);

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.SWITCH_OVER);
    assertThat(plan.target()).isEqualTo("p-2");
    assertThat(plan.actions()).containsExactly(new ShardAction.Fence("p-0", url(0), 4));
    // No user request is recorded for a hand-over.
    assertThat(plan.request()).isNull();
  }

  @Test
  void aFencedPrimaryStaysWhileNoUnfencedSecondaryIsCaughtUp() {
    ShardObservation o =
        shard(ReplicaState.CatchingUp, 30, ReplicaState.Ready)
            .withFenced(Fencing.parse("[\"p-0\",\"p-2\"]"));

    ShardPlan plan = planner.plan(o);

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.STEADY);
    assertThat(plan.primary()).isEqualTo("p-0");
  }

  @Test
  void aSwitchOverToAFencedPodIsRefused() {
    ShardPlan plan =
        planner.plan(healthy().withFenced(Fencing.parse("[\"p-1\"]")).promoting("p-1"));

    assertThat(plan.stage()).isNotEqualTo(ShardPlan.Stage.SWITCH_OVER);
    assertThat(plan.request().outcome()).isEqualTo(Outcome.Refused);
    assertThat(plan.request().message()).contains("p-1 is fenced");
  }

  @Test
  void aFencedSecondaryChangesNothingForASteadyShard() {
    ShardPlan plan = planner.plan(healthy().withFenced(Fencing.parse("[\"p-1\"]")));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.STEADY);
    assertThat(plan.primary()).isEqualTo("p-0");
    assertThat(plan.actions()).isEmpty();
  }

  @Test
  void theTargetIsAnnouncedAtTheFenceEpochOnlyOnceItHoldsTheFencedPrimarysWholeLog() {
    ShardObservation o = healthy().promoting("p-1");
    ShardPlan started = planner.plan(o);

    ShardPlan done =
        planner.completeSwitchover(
            o, started, fenced(4, 3, 42), at("p-1", 3, 42, ReplicaState.CatchingUp));

    assertThat(done.primary()).isEqualTo("p-1");
    assertThat(done.epoch()).isEqualTo(4);
    List<ShardAction.AssignRole> roles = roles(done);
    assertThat(roles.get(0).pod()).isEqualTo("p-1");
    assertThat(roles.get(0).request().role()).isEqualTo(Role.Primary);
    assertThat(roles)
        .extracting(ShardAction.AssignRole::pod)
        .containsExactlyInAnyOrder("p-0", "p-1", "p-2");
    assertThat(roles)
        .allSatisfy(
            r -> {
              assertThat(r.request().epoch()).isEqualTo(4);
              assertThat(r.request().primary().name()).isEqualTo("p-1");
            });
    // Chosen for the fenced primary's last entry, which it caught up with.
    assertThat(roles.get(0).request().chosenAt()).isEqualTo(new LogPosition(3, 42));
    assertThat(done.request().outcome()).isEqualTo(Outcome.Succeeded);
    assertThat(done.request().request()).isEqualTo("sh1=p-1");
    assertThat(done.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.PrimarySwitchedOver));
  }

  @Test
  void theFencedPrimarysHandOverOfItsLeaseIsPassedToTheNewPrimaryOnly() {
    ShardObservation o = healthy().promoting("p-1");
    ShardPlan started = planner.plan(o);
    TimedFence handsOver =
        new TimedFence(
            new FenceResponse("p-0", 4, 3, 42, ReplicaState.Fenced, true), Duration.ofMillis(1));

    List<ShardAction.AssignRole> roles =
        roles(
            planner.completeSwitchover(
                o, started, handsOver, at("p-1", 3, 42, ReplicaState.CatchingUp)));
    // Rule 9: the new primary serves lease reads and timestamps without a lease period's wait.
    assertThat(roles.get(0).request().leaseHandedOver()).isTrue();
    assertThat(roles.subList(1, roles.size()))
        .allSatisfy(r -> assertThat(r.request().leaseHandedOver()).isFalse());

    // Still within its own wait after promotion, the old primary hands nothing over: wait.
    List<ShardAction.AssignRole> waiting =
        roles(
            planner.completeSwitchover(
                o, started, fenced(4, 3, 42), at("p-1", 3, 42, ReplicaState.CatchingUp)));
    assertThat(waiting.get(0).request().leaseHandedOver()).isFalse();
  }

  @Test
  void aTargetStillBehindTheFencedPositionIsNeverPromoted_theOldPrimaryIsAnnouncedAgain() {
    ShardObservation o = healthy().promoting("p-1");
    ShardPlan started = planner.plan(o);

    // The old primary had committed lsn 42; the target reached only 41 within the wait.
    ShardPlan done =
        planner.completeSwitchover(
            o, started, fenced(4, 3, 42), at("p-1", 3, 41, ReplicaState.CatchingUp));

    assertThat(done.primary()).isEqualTo("p-0");
    assertThat(done.epoch()).isEqualTo(4);
    List<ShardAction.AssignRole> roles = roles(done);
    assertThat(roles.get(0).pod()).isEqualTo("p-0");
    assertThat(roles.get(0).request().role()).isEqualTo(Role.Primary);
    assertThat(roles)
        .noneSatisfy(
            r -> {
              assertThat(r.pod()).isEqualTo("p-1");
              assertThat(r.request().role()).isEqualTo(Role.Primary);
            });
    assertThat(roles.get(0).request().chosenAt()).isEqualTo(new LogPosition(3, 42));
    assertThat(done.request().outcome()).isEqualTo(Outcome.Failed);
    assertThat(done.request().message()).contains("lsn 42").contains("p-0 stays primary");
    assertThat(done.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.SwitchoverFailed));
  }

  @Test
  void theSameLsnFromAnotherEpochIsNotCaughtUp() {
    assertThat(
            ShardRequests.caughtUp(fenced(4, 3, 42).answer(), at("p-1", 2, 42, ReplicaState.Ready)))
        .isFalse();
    assertThat(
            ShardRequests.caughtUp(fenced(4, 3, 42).answer(), at("p-1", 3, 42, ReplicaState.Ready)))
        .isTrue();
    assertThat(
            ShardRequests.caughtUp(
                fenced(4, 3, 42).answer(), at("p-1", 3, 42, ReplicaState.Copying)))
        .isFalse();
    assertThat(ShardRequests.caughtUp(fenced(4, 3, 42).answer(), null)).isFalse();
  }

  @Test
  void whenTheOldPrimaryDoesNotTakeTheFenceNothingIsAnnounced() {
    ShardObservation o = healthy().promoting("p-1");
    ShardPlan started = planner.plan(o);

    ShardPlan done =
        planner.completeSwitchover(o, started, null, at("p-1", 3, 40, ReplicaState.Ready));

    assertThat(done.actions()).isEmpty();
    assertThat(done.epoch()).isEqualTo(3);
    assertThat(done.primary()).isEqualTo("p-0");
    assertThat(done.request().outcome()).isEqualTo(Outcome.Failed);
  }

  @Test
  void aLaggingTargetIsRefusedWithItsState() {
    ShardPlan plan =
        planner.plan(shard(ReplicaState.CatchingUp, 30, ReplicaState.Ready).promoting("p-1"));

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.STEADY);
    assertThat(plan.actions()).noneMatch(a -> a instanceof ShardAction.Fence);
    assertThat(plan.request().outcome()).isEqualTo(Outcome.Refused);
    assertThat(plan.request().message())
        .contains("p-1 is not a caught-up replica")
        .contains("CatchingUp");
    assertThat(plan.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(EventReason.SwitchoverRefused));
  }

  @Test
  void aPodOfAnotherShardIsRefused() {
    ShardPlan plan = planner.plan(healthy().promoting("other-sh2-0"));

    assertThat(plan.request().outcome()).isEqualTo(Outcome.Refused);
    assertThat(plan.request().message())
        .contains("other-sh2-0 is not a replica of shard sh1")
        .contains("p-0, p-1, p-2");
  }

  @Test
  void aShardWithoutAServingPrimaryRefusesASwitchOver() {
    Map<String, TimedHeartbeat> beats = new HashMap<>(healthy().beats());
    beats.remove("p-0");
    ShardObservation o = healthy();
    ShardObservation down =
        new ShardObservation(
                "sh1",
                null,
                3,
                WriteQuorum.Majority,
                Duration.ofSeconds(5),
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(3L)
                    .primary("p-0")
                    .readyReplicas(2)
                    .primaryUnavailableSince(NOW.minusSeconds(1).toString())
                    .replicas(o.previous().replicas())
                    .build(),
                o.members(),
                beats,
                NOW)
            .promoting("p-1");

    ShardPlan plan = planner.plan(down);

    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.WAIT);
    assertThat(plan.request().outcome()).isEqualTo(Outcome.Refused);
    assertThat(plan.request().message()).contains("no serving primary");
  }

  @Test
  void promotingThePrimaryItselfSucceedsWithoutAnyCall() {
    ShardPlan plan = planner.plan(healthy().promoting("p-0"));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.request().outcome()).isEqualTo(Outcome.Succeeded);
    assertThat(plan.request().message()).contains("already the primary");
  }

  @Test
  void rebuildingThePrimaryIsRefusedAndSaysToPromoteFirst() {
    ShardPlan plan = planner.plan(healthy().rebuilding("p-0"));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.request().type()).isEqualTo(RequestStatus.Type.Rebuild);
    assertThat(plan.request().outcome()).isEqualTo(Outcome.Refused);
    assertThat(plan.request().message()).contains("is the primary").contains("promote");
  }

  @Test
  void rebuildingASecondaryReCopiesItAndAwaitsItsChecksum() {
    ShardPlan plan = planner.plan(healthy().rebuilding("p-2"));

    assertThat(plan.actions())
        .containsExactly(
            new ShardAction.Resync(
                "p-2", url(2), "requested with annotation shardeddb.io/rebuild"));
    assertThat(plan.copying()).contains("p-2");
    assertThat(plan.request().outcome()).isEqualTo(Outcome.InProgress);
  }

  @Test
  void aRebuildThatWouldLeaveFewerInSyncReplicasThanAWriteNeedsIsRefused() {
    ShardPlan plan =
        planner.plan(shard(ReplicaState.CatchingUp, 30, ReplicaState.Ready).rebuilding("p-2"));

    assertThat(plan.actions()).noneMatch(a -> a instanceof ShardAction.Resync);
    assertThat(plan.request().outcome()).isEqualTo(Outcome.Refused);
    assertThat(plan.request().message()).contains("1 of 3").contains("the 2 a write needs");
  }

  @Test
  void requestsNamingNoShardOrPodOrMalformedAreRefusedBeforeAnyShard() {
    AnnotationRequests.Routed routed =
        AnnotationRequests.route(
            Map.of(AnnotationRequests.PROMOTE, "sh9=db-sh9-0", AnnotationRequests.REBUILD, "ghost"),
            List.of("sh1", "sh2"),
            Map.of("sh1", List.of("db-sh1-0")),
            NOW);
    assertThat(routed.promoteByShard()).isEmpty();
    assertThat(routed.rebuildByShard()).isEmpty();
    assertThat(routed.refused())
        .extracting(RequestStatus::message)
        .containsExactly(
            "no shard 'sh9' in the spec (shards: sh1, sh2)",
            "no pod 'ghost' among the shard replicas of this database");

    AnnotationRequests.Routed malformed =
        AnnotationRequests.route(
            Map.of(AnnotationRequests.PROMOTE, "db-sh1-1"), List.of("sh1"), Map.of(), NOW);
    assertThat(malformed.refused().get(0).message()).contains("must be <shard>=<pod>");

    AnnotationRequests.Routed ok =
        AnnotationRequests.route(
            Map.of(
                AnnotationRequests.PROMOTE,
                " sh1=db-sh1-1 ",
                AnnotationRequests.REBUILD,
                "db-sh1-2"),
            List.of("sh1"),
            Map.of("sh1", List.of("db-sh1-0", "db-sh1-1", "db-sh1-2")),
            NOW);
    assertThat(ok.promoteByShard()).containsEntry("sh1", "db-sh1-1");
    assertThat(ok.rebuildByShard()).containsEntry("sh1", "db-sh1-2");
    assertThat(ok.refused()).isEmpty();
  }

  @Test
  void aRebuildInProgressSucceedsOnceItsCopyIsVerified() {
    RequestStatus running =
        new RequestStatus(RequestStatus.Type.Rebuild, "p-2", Outcome.InProgress, "copying", "t0");

    assertThat(AnnotationRequests.merge(List.of(running), List.of(), Set.of(), NOW))
        .containsExactly(running);
    List<RequestStatus> after =
        AnnotationRequests.merge(List.of(running), List.of(), Set.of("p-2"), NOW);
    assertThat(after)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.Succeeded);
              assertThat(r.message()).contains("checksum matches");
            });
  }
}
