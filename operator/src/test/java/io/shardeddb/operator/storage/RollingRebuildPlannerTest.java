package io.shardeddb.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.operator.storage.VolumeResizePlanner.Claim;
import io.shardeddb.operator.storage.VolumeResizePlanner.Observed;
import io.shardeddb.operator.storage.VolumeResizePlanner.Phase;
import io.shardeddb.operator.storage.VolumeResizePlanner.Plan;
import io.shardeddb.operator.storage.VolumeResizePlanner.PodState;
import io.shardeddb.operator.storage.VolumeResizePlanner.RebuildStep;
import io.shardeddb.operator.storage.VolumeResizePlanner.RecreatePod;
import io.shardeddb.operator.storage.VolumeResizePlanner.RecreateStatefulSet;
import io.shardeddb.operator.storage.VolumeResizePlanner.ReplaceVolume;
import io.shardeddb.operator.storage.VolumeResizePlanner.Wait;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A larger spec.storage.size where the StorageClass cannot expand: a rolling rebuild onto new
 * volumes, one pod at a time, secondaries highest ordinal first, the primary last after a planned
 * switch-over, never below the write quorum, done once every claim has the new size.
 */
class RollingRebuildPlannerTest {

  private static final String STS = "students-sh1";

  @Test
  void givenAClassWithoutExpansion_theStatefulSetIsReCreatedWithTheNewTemplateFirst() {
    Plan plan = VolumeResizePlanner.plan("2Gi", shard("1Gi", false, claims("1Gi", "1Gi", "1Gi")));

    assertThat(plan.phase()).isEqualTo(Phase.Rebuilding);
    assertThat(plan.actions()).containsExactly(new RecreateStatefulSet(STS, "1Gi", "2Gi"));
    assertThat(plan.templateSize()).isEqualTo("1Gi");
    assertThat(plan.message())
        .contains("rolling rebuild")
        .contains("0 of 3")
        .contains("allowVolumeExpansion");
    // No pod is touched while the template is the old one: its new claim would be as small.
    assertThat(step(plan, claims("1Gi", "1Gi", "1Gi"), settled(0), pods(3)))
        .isInstanceOf(Wait.class);
  }

  @Test
  void theSecondariesGoHighestOrdinalFirstThenThePrimaryAfterASwitchOver() {
    // p-0 is the primary: p-2, then p-1, then (once p-0 is a secondary) p-0.
    Plan plan = rebuilding(claims("1Gi", "1Gi", "1Gi"));
    assertThat(step(plan, claims("1Gi", "1Gi", "1Gi"), settled(0), pods(3)))
        .isEqualTo(new ReplaceVolume("students-sh1-2", "data-students-sh1-2", "1Gi", "2Gi"));

    List<Claim> twoDone = claims("1Gi", "1Gi", "2Gi");
    Plan next = rebuilding(twoDone);
    assertThat(next.message()).contains("1 of 3");
    assertThat(step(next, twoDone, settled(0), pods(3)))
        .isEqualTo(new ReplaceVolume("students-sh1-1", "data-students-sh1-1", "1Gi", "2Gi"));

    // Only the primary is left: nothing is deleted, the planned switch-over goes first
    // (ShardRequests.handOver, as the pods awaiting a volume count as outdated).
    List<Claim> primaryLeft = claims("1Gi", "2Gi", "2Gi");
    Plan last = rebuilding(primaryLeft);
    assertThat(VolumeResizePlanner.awaitingVolume("2Gi", last, observed(primaryLeft)))
        .containsExactly("students-sh1-0");
    RebuildStep waits = step(last, primaryLeft, settled(0), pods(3));
    assertThat(waits).isInstanceOf(Wait.class);
    assertThat(((Wait) waits).why()).contains("switch-over").contains("students-sh1-0");

    // Switched over to p-1: the old primary is a secondary now and is rebuilt.
    assertThat(step(last, primaryLeft, settled(1), pods(3)))
        .isEqualTo(new ReplaceVolume("students-sh1-0", "data-students-sh1-0", "1Gi", "2Gi"));
  }

  @Test
  void noPodIsRebuiltWhileTheLastOneIsNotBackReadyAndCaughtUp() {
    List<Claim> twoDone = claims("1Gi", "1Gi", "2Gi");
    Plan plan = rebuilding(twoDone);

    // p-2 is back on its new volume but still copying.
    ShardStatus copying = status(0, Map.of(2, ReplicaState.Copying));
    RebuildStep s = step(plan, twoDone, copying, pods(3));
    assertThat(s).isInstanceOf(Wait.class);
    assertThat(((Wait) s).why()).contains("students-sh1-2");

    // Back, but its new claim is not bound yet and the pod not Ready.
    List<Claim> unbound = new ArrayList<>(claims("1Gi", "1Gi"));
    unbound.add(new Claim("data-students-sh1-2", "2Gi", null, false, false));
    List<PodState> pendingPod = new ArrayList<>(pods(2));
    pendingPod.add(new PodState("students-sh1-2", 2, false, false, false));
    RebuildStep waiting =
        step(rebuilding(unbound), unbound, status(0, Map.of(2, ReplicaState.Copying)), pendingPod);
    assertThat(waiting).isInstanceOf(Wait.class);
    assertThat(((Wait) waiting).why()).contains("students-sh1-2");

    // Its pod is not there at all yet.
    assertThat(step(plan, twoDone, settled(0), pods(2))).isInstanceOf(Wait.class);

    // A claim still going (the pod is being replaced): wait too.
    List<Claim> going = new ArrayList<>(claims("1Gi", "1Gi"));
    going.add(new Claim("data-students-sh1-2", "1Gi", "1Gi", false, true));
    List<PodState> terminating = new ArrayList<>(pods(2));
    terminating.add(new PodState("students-sh1-2", 2, false, true, true));
    assertThat(step(rebuilding(going), going, settled(0), terminating)).isInstanceOf(Wait.class);
  }

  @Test
  void theWriteQuorumGateRefusesARebuildWhileAnotherReplicaIsBehind() {
    // p-1 lags (CatchingUp): rebuilding p-2 would leave only the primary in sync, 1 of 3.
    List<Claim> none = claims("1Gi", "1Gi", "1Gi");
    ShardStatus behind = status(0, Map.of(1, ReplicaState.CatchingUp));
    RebuildStep s = step(rebuilding(none), none, behind, pods(3), ShardPhase.Degraded);

    assertThat(s).isInstanceOf(Wait.class);
    assertThat(((Wait) s).why()).contains("would leave 1 of 3").contains("2 a write needs");
  }

  @Test
  void aShardWithoutAServingPrimaryIsNotTouched() {
    List<Claim> none = claims("1Gi", "1Gi", "1Gi");
    assertThat(step(rebuilding(none), none, settled(0), pods(3), ShardPhase.PrimaryUnavailable))
        .isInstanceOf(Wait.class);
  }

  @Test
  void aPodReCreatedOnItsOldClaimWhileThatClaimWasGoingIsDeletedAgain() {
    // Kubernetes before 1.27 may re-create the pod before the old claim is gone: the pod then
    // waits (Pending) for a claim that will never come back. It holds no data: it goes again, and
    // the StatefulSet creates both.
    List<Claim> going = new ArrayList<>(claims("1Gi", "1Gi"));
    going.add(new Claim("data-students-sh1-2", "1Gi", "1Gi", false, true));
    List<PodState> pending = new ArrayList<>(pods(2));
    pending.add(new PodState("students-sh1-2", 2, false, false, false));
    assertThat(step(rebuilding(going), going, settled(0), pending))
        .isEqualTo(new RecreatePod("students-sh1-2", "data-students-sh1-2"));

    // The same once the old claim is gone and no new one was made.
    List<Claim> gone = claims("1Gi", "1Gi");
    assertThat(step(rebuilding(gone), gone, settled(0), pending))
        .isEqualTo(new RecreatePod("students-sh1-2", "data-students-sh1-2"));
  }

  @Test
  void aRebuildStartedWhosePodWasNotDeletedYetIsFinishedFirst() {
    // The claim was deleted, the pod still runs on it (the pass ended before its deletion).
    List<Claim> started = new ArrayList<>(claims("1Gi", "1Gi"));
    started.add(new Claim("data-students-sh1-2", "1Gi", "1Gi", false, true));
    assertThat(step(rebuilding(started), started, settled(0), pods(3)))
        .isEqualTo(new ReplaceVolume("students-sh1-2", "data-students-sh1-2", "1Gi", "2Gi"));
  }

  @Test
  void everyClaimAtTheNewSizeIsDoneAndTheConditionSaysReconciled() {
    List<Claim> all = claims("2Gi", "2Gi", "2Gi");
    Plan done = VolumeResizePlanner.plan("2Gi", shard("2Gi", false, all));
    assertThat(done.phase()).isEqualTo(Phase.Resized);
    assertThat(VolumeResizePlanner.awaitingVolume("2Gi", done, observed(all))).isEmpty();

    DesiredCondition c = VolumeResizePlanner.condition("2Gi", List.of(done));
    assertThat(c.status()).isFalse();
    assertThat(c.reason()).isEqualTo("Reconciled");

    // A pod whose new claim is not made yet is not done.
    Plan missing = VolumeResizePlanner.plan("2Gi", shard("2Gi", false, claims("2Gi", "2Gi")));
    assertThat(missing.phase()).isEqualTo(Phase.Rebuilding);
    // Nor one whose new claim is not bound yet (no capacity): still a rolling rebuild, never
    // VolumeExpanding on a class that cannot expand.
    List<Claim> unbound = new ArrayList<>(claims("2Gi", "2Gi"));
    unbound.add(new Claim("data-students-sh1-2", "2Gi", null, false, false));
    Plan pending = VolumeResizePlanner.plan("2Gi", shard("2Gi", false, unbound));
    assertThat(pending.phase()).isEqualTo(Phase.Rebuilding);
    assertThat(pending.message()).contains("2 of 3");
  }

  @Test
  void theConditionIsTrueRollingRebuildNamingTheShardAndProgress() {
    Plan plan = rebuilding(claims("1Gi", "2Gi", "2Gi"));
    DesiredCondition c = VolumeResizePlanner.condition("2Gi", List.of(plan));

    assertThat(c.status()).isTrue();
    assertThat(c.reason()).isEqualTo("RollingRebuild");
    assertThat(c.message()).contains("sh1").contains("2 of 3").contains("students-sh1-0");
  }

  @Test
  void withFewerThanThreeReplicasARebuildCouldNeverKeepTheQuorumSoItIsUnsupported() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1", STS, "1Gi", false, 2, claims("1Gi", "1Gi"), "standard", false, true));

    assertThat(plan.phase()).isEqualTo(Phase.Unsupported);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.message()).contains("would leave 1 of 2").contains("replicas");
  }

  @Test
  void underExpandOnlyAClassWithoutExpansionIsUnsupportedAsBefore() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1",
                STS,
                "1Gi",
                false,
                3,
                claims("1Gi", "1Gi", "1Gi"),
                "standard",
                false,
                false));

    assertThat(plan.phase()).isEqualTo(Phase.Unsupported);
    assertThat(plan.message()).contains("resizePolicy");
  }

  @Test
  void underExpandOnlyAPodWhoseClaimIsNotMadeYetIsNoResize() {
    // A scale-up: the new pod's claim comes with it; only a rolling rebuild waits for it.
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1", STS, "2Gi", false, 3, claims("2Gi", "2Gi"), "standard", false, false));

    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void aClassThatExpandsIsExpandedEvenUnderTheRebuildPolicy() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1", STS, "1Gi", false, 3, claims("1Gi", "1Gi", "1Gi"), "standard", true, true));

    assertThat(plan.phase()).isEqualTo(Phase.Expanding);
  }

  // --- helpers

  private static Plan rebuilding(List<Claim> claims) {
    Plan plan = VolumeResizePlanner.plan("2Gi", observed(claims));
    assertThat(plan.phase()).isEqualTo(Phase.Rebuilding);
    assertThat(plan.templateSize()).isEqualTo("2Gi");
    return plan;
  }

  private static Observed observed(List<Claim> claims) {
    return shard("2Gi", false, claims);
  }

  private static Observed shard(String template, boolean deleting, List<Claim> claims) {
    return new Observed("sh1", STS, template, deleting, 3, claims, "standard", false, true);
  }

  private static RebuildStep step(
      Plan plan, List<Claim> claims, ShardStatus status, List<PodState> pods) {
    return step(plan, claims, status, pods, ShardPhase.Ready);
  }

  private static RebuildStep step(
      Plan plan, List<Claim> claims, ShardStatus status, List<PodState> pods, ShardPhase phase) {
    return VolumeResizePlanner.rebuildStep("2Gi", plan, observed(claims), phase, status, pods);
  }

  private static List<Claim> claims(String... sizes) {
    return IntStream.range(0, sizes.length)
        .mapToObj(i -> new Claim("data-students-sh1-" + i, sizes[i], "5Gi", false))
        .toList();
  }

  private static List<PodState> pods(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new PodState("students-sh1-" + i, i, true, true, false))
        .toList();
  }

  private static ShardStatus settled(int primary) {
    return status(primary, Map.of());
  }

  private static ShardStatus status(int primary, Map<Integer, ReplicaState> states) {
    List<ReplicaStatus> replicas =
        IntStream.range(0, 3)
            .mapToObj(
                i -> {
                  ReplicaState state = states.getOrDefault(i, ReplicaState.Ready);
                  return new ReplicaStatus(
                      "students-sh1-" + i,
                      "https://10.0.0." + i + ":8081",
                      i == primary ? Role.Primary : Role.Secondary,
                      state == ReplicaState.Ready,
                      state,
                      100L,
                      0L,
                      null);
                })
            .toList();
    return ShardStatus.builder()
        .id("sh1")
        .epoch(4L)
        .primary("students-sh1-" + primary)
        .readyReplicas(3)
        .replicas(replicas)
        .voters(3)
        .build();
  }
}
