package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the failure check counts as "the replacement caught up" and "every row is there", and that a
 * configuration that does not come up is deleted before the error goes on.
 */
class FailureCheckTest {

  private static ReplicaStatus replica(Boolean ready, ReplicaState state, Long applied) {
    return new ReplicaStatus(
        "db-sh1-0", "https://x", Role.Secondary, ready, state, applied, 0L, null);
  }

  @Test
  void aReplacementHasCaughtUpOnlyAsANewPodReadyAtOrPastTheLastAcknowledgedWrite() {
    ReplicaStatus ready = replica(true, ReplicaState.Ready, 812L);

    assertThat(FailureOutcome.caughtUp(ready, "old", "new", 812)).isTrue();
    assertThat(FailureOutcome.caughtUp(ready, "old", "new", 800)).isTrue();
    assertThat(FailureOutcome.caughtUp(ready, "old", "new", 813)).as("behind the write").isFalse();
    assertThat(FailureOutcome.caughtUp(ready, "old", "old", 812))
        .as("the deleted pod itself, not a replacement")
        .isFalse();
    assertThat(FailureOutcome.caughtUp(ready, "old", null, 812)).as("no pod yet").isFalse();
    assertThat(FailureOutcome.caughtUp(null, "old", "new", 812)).as("not reported yet").isFalse();
    assertThat(
            FailureOutcome.caughtUp(replica(true, ReplicaState.Copying, 812L), "old", "new", 812))
        .isFalse();
    assertThat(FailureOutcome.caughtUp(replica(false, ReplicaState.Ready, 812L), "old", "new", 812))
        .isFalse();
    assertThat(FailureOutcome.caughtUp(replica(true, ReplicaState.Ready, null), "old", "new", 0))
        .isFalse();
  }

  @Test
  void aWholeShardReadCountsMissingAndUnexpectedRows() {
    FailureOutcome.RowDiff same =
        FailureOutcome.RowDiff.of(List.of(1L, 2L, 3L), List.of(3L, 1L, 2L));
    FailureOutcome.RowDiff lost = FailureOutcome.RowDiff.of(List.of(1L, 2L, 3L), List.of(1L, 9L));

    assertThat(same).isEqualTo(new FailureOutcome.RowDiff(3, 3, 0, 0));
    assertThat(lost).isEqualTo(new FailureOutcome.RowDiff(3, 2, 2, 1));
  }

  @Test
  void aConfigurationThatDoesNotComeUpIsCleanedUpBeforeTheErrorGoesOn() {
    List<String> done = new ArrayList<>();
    IllegalStateException notReady = new IllegalStateException("not Ready in 10 min");

    assertThatThrownBy(
            () ->
                LocalDeployment.orCleanUp(
                    () -> {
                      done.add("up");
                      throw notReady;
                    },
                    () -> done.add("deleted")))
        .isSameAs(notReady);
    assertThat(done).containsExactly("up", "deleted");
  }

  @Test
  void aFailedCleanUpTravelsWithTheErrorSoTheRunStops() {
    IllegalStateException notReady = new IllegalStateException("not Ready");
    RuntimeException podsStay = new RuntimeException("pods still there after 10 min");

    assertThatThrownBy(
            () ->
                LocalDeployment.orCleanUp(
                    () -> {
                      throw notReady;
                    },
                    () -> {
                      throw podsStay;
                    }))
        .isSameAs(notReady)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(podsStay));
  }

  @Test
  void aConfigurationThatComesUpIsNotCleanedUp() throws Exception {
    List<String> done = new ArrayList<>();

    String up = LocalDeployment.orCleanUp(() -> "up", () -> done.add("deleted"));

    assertThat(up).isEqualTo("up");
    assertThat(done).isEmpty();
  }
}
