package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.topology.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Replicas 5 → 3 (DESIGN §5 rule 12): the StatefulSet keeps all five pods until the primary's
 * quorum is the three staying replicas and its term's first entry under it is on a majority of
 * them; growing is never held.
 */
class ResizeGateTest {
  static List<PodView> pods(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new PodView("p-" + i, i, "10.0.0." + i, true, true, 0, false, null))
        .toList();
  }

  static Map<String, TimedHeartbeat> primaryReports(QuorumState q) {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", MembershipAndIsolationTest.beat("p-0", Role.Primary, 2, 50, q));
    return beats;
  }

  @Test
  void leavingPodsStayUntilTheStayingReplicasHoldEveryAcknowledgedWrite() {
    var prev = MembershipAndIsolationTest.recorded(2, null, 5);
    // The primary still counts over five: nothing may leave.
    assertThat(
            ResizeGate.decide(
                    3,
                    pods(5),
                    primaryReports(
                        new QuorumState(5, List.of("p-1", "p-2", "p-3", "p-4"), true, 0)),
                    prev)
                .pods())
        .isEqualTo(5);
    // Moved, but its new term's first entry is not on a majority of three yet.
    ResizeGate.Decision waiting =
        ResizeGate.decide(
            3, pods(5), primaryReports(new QuorumState(3, List.of("p-1", "p-2"), false, 0)), prev);
    assertThat(waiting.pods()).isEqualTo(5);
    assertThat(waiting.waiting()).contains("has not confirmed its log yet");
    // No report at all (an older shard-server, or no heartbeat): held.
    assertThat(ResizeGate.decide(3, pods(5), Map.of(), prev).pods()).isEqualTo(5);
    // Moved and confirmed, but the smaller voting set is not recorded yet: an election would
    // still count five voters, so the pods stay (seeds 21824 and 22958 of the simulator).
    ResizeGate.Decision confirmed =
        ResizeGate.decide(
            3, pods(5), primaryReports(new QuorumState(3, List.of("p-1", "p-2"), true, 0)), prev);
    assertThat(confirmed.pods()).isEqualTo(5);
    assertThat(confirmed.waiting()).contains("until the smaller voting set of 3 is recorded");
    // Recorded (the shard loop's next pass): the StatefulSet may shrink.
    var recorded = MembershipAndIsolationTest.recordedVoters(2, 5, 3);
    ResizeGate.Decision done =
        ResizeGate.decide(
            3,
            pods(5),
            primaryReports(new QuorumState(3, List.of("p-1", "p-2"), true, 0)),
            recorded);
    assertThat(done.pods()).isEqualTo(3);
    assertThat(done.waiting()).isNull();
  }

  @Test
  void aLeavingPrimaryHoldsTheShrinkAndGrowingIsNeverHeld() {
    var prev = MembershipAndIsolationTest.recorded(2, null, 5);
    var leavingPrimary =
        io.shardeddb.api.v1alpha1.ShardStatus.builder()
            .id("sh1")
            .epoch(2L)
            .primary("p-4")
            .readyReplicas(5)
            .replicas(prev.replicas())
            .build();
    assertThat(ResizeGate.decide(3, pods(5), Map.of(), leavingPrimary).pods()).isEqualTo(5);
    assertThat(ResizeGate.decide(5, pods(3), Map.of(), prev).pods()).isEqualTo(5);
  }

  @Test
  void learnersPastTheSpecNeverVotedAndGoAtOnce() {
    // Growing 3 -> 5 was reverted before p-3 and p-4 voted: nothing was acknowledged on their
    // account, so the StatefulSet shrinks without waiting for any report.
    var prev = MembershipAndIsolationTest.recordedVoters(2, 5, 3);
    assertThat(ResizeGate.decide(3, pods(5), Map.of(), prev).pods()).isEqualTo(3);
    // p-3 voted (four voters): the old rule holds until the quorum moved and confirmed.
    var four = MembershipAndIsolationTest.recordedVoters(2, 5, 4);
    assertThat(ResizeGate.decide(3, pods(5), Map.of(), four).pods()).isEqualTo(5);
  }
}
