package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure rules of a user's fence and of hibernation: the annotations, the gate, the status. */
class FencingTest {

  private static ShardStatus shard(int replicas, int ready) {
    return ShardStatus.builder()
        .id("sh1")
        .epoch(3L)
        .primary("db-sh1-0")
        .readyReplicas(ready)
        .replicas(
            java.util.stream.IntStream.range(0, replicas)
                .mapToObj(
                    i ->
                        new ReplicaStatus(
                            "db-sh1-" + i,
                            "http://10.0.0." + i + ":8081",
                            i == 0 ? Role.Primary : Role.Secondary,
                            i < ready,
                            ReplicaState.Ready,
                            40L,
                            0L,
                            null))
                .toList())
        .build();
  }

  @Test
  void theAnnotationIsAJsonArrayOfPodNamesOrStar() {
    assertThat(Fencing.parse(null)).isEqualTo(Fencing.Fenced.NONE);
    assertThat(Fencing.parse("[]").isEmpty()).isTrue();
    Fencing.Fenced two = Fencing.parse(" [\"db-sh1-1\", \"db-sh2-0\"] ");
    assertThat(two.pods()).containsExactlyInAnyOrder("db-sh1-1", "db-sh2-0");
    assertThat(two.fences("db-sh1-1")).isTrue();
    assertThat(two.fences("db-sh1-0")).isFalse();
    assertThat(Fencing.parse("[\"*\"]").fences("anything")).isTrue();
    assertThat(Fencing.format(List.of("b", "a"))).isEqualTo("[\"a\",\"b\"]");
    assertThat(Fencing.format(Set.of("*", "a"))).isEqualTo("[\"*\"]");
    assertThat(Fencing.parse(Fencing.format(List.of("db-sh1-1"))).pods())
        .containsExactly("db-sh1-1");
  }

  @Test
  void anUnreadableAnnotationFencesNothingAndSaysWhy() {
    Fencing.Fenced bare = Fencing.parse("db-sh1-1");
    assertThat(bare.isEmpty()).isTrue();
    assertThat(bare.problem()).contains("must be a JSON array of pod names");
    assertThat(Fencing.parse("[db-sh1-1]").problem()).contains("quoted pod name");
    assertThat(Fencing.parse("[\"Not_A_Pod\"]").problem())
        .contains("'Not_A_Pod' is not a pod name");
  }

  @Test
  void aFenceMustLeaveAWriteQuorumOfReadyUnfencedVoters() {
    ShardStatus three = shard(3, 3);
    assertThat(Fencing.refusal(three, WriteQuorum.Majority, Set.of("db-sh1-1"))).isNull();
    assertThat(Fencing.refusal(three, WriteQuorum.Majority, Set.of("db-sh1-1", "db-sh1-2")))
        .isEqualTo(
            "fencing db-sh1-1, db-sh1-2 would leave 1 of 3 voting replicas of shard sh1 ready"
                + " and unfenced (db-sh1-0), fewer than the 2 a write needs (Majority quorum)");
    // A replica already not ready does not count either.
    assertThat(Fencing.refusal(shard(3, 2), WriteQuorum.Majority, Set.of("db-sh1-0")))
        .contains("would leave 1 of 3");
    assertThat(Fencing.refusal(three, WriteQuorum.All, Set.of("db-sh1-2")))
        .contains("fewer than the 3 a write needs");
    // Learners (ordinals at or past voters) do not vote.
    ShardStatus learner = three.toBuilder().voters(2).build();
    assertThat(Fencing.refusal(learner, WriteQuorum.Majority, Set.of("db-sh1-1")))
        .contains("would leave 1 of 2");
  }

  @Test
  void fencedReplicasLoseTheirAddressAndAFencedPrimaryStopsTheShard() {
    ShardOutcome ready = new ShardOutcome(shard(3, 3), 3, ShardPhase.Ready, "primary db-sh1-0");

    ShardOutcome secondary = Fencing.apply(ready, Fencing.parse("[\"db-sh1-2\"]"));
    assertThat(secondary.phase()).isEqualTo(ShardPhase.Ready);
    assertThat(secondary.status().replica("db-sh1-2").orElseThrow().url()).isNull();
    assertThat(secondary.status().replica("db-sh1-1").orElseThrow().url()).isNotNull();
    assertThat(secondary.message()).endsWith("fenced: [db-sh1-2]");

    ShardOutcome primary = Fencing.apply(ready, Fencing.parse("[\"db-sh1-0\"]"));
    assertThat(primary.phase()).isEqualTo(ShardPhase.PrimaryFenced);
    assertThat(primary.message()).startsWith("primary db-sh1-0 is fenced");
    assertThat(primary.status().replica("db-sh1-0").orElseThrow().url()).isNull();

    assertThat(Fencing.apply(ready, Fencing.Fenced.NONE)).isSameAs(ready);
  }

  @Test
  void hibernationIsOnOrOffAndKeepsEachShardsEpochAndPrimary() {
    assertThat(Hibernation.of(null).on()).isFalse();
    assertThat(Hibernation.of(Map.of(Hibernation.ANNOTATION, "on")).on()).isTrue();
    assertThat(Hibernation.of(Map.of(Hibernation.ANNOTATION, " ON ")).on()).isTrue();
    assertThat(Hibernation.of(Map.of(Hibernation.ANNOTATION, "off")).on()).isFalse();
    Hibernation.State yes = Hibernation.of(Map.of(Hibernation.ANNOTATION, "yes"));
    assertThat(yes.on()).isFalse();
    assertThat(yes.problem()).contains("must be on or off, got 'yes'");

    ShardStatus before =
        shard(3, 3).toBuilder().primaryUnavailableSince("2026-11-22T12:00:00Z").build();
    ShardOutcome o = Hibernation.outcome("sh1", before, 3);
    assertThat(o.phase()).isEqualTo(ShardPhase.Hibernated);
    assertThat(o.status().epoch()).isEqualTo(3L);
    assertThat(o.status().primary()).isEqualTo("db-sh1-0");
    assertThat(o.status().readyReplicas()).isZero();
    assertThat(o.status().primaryUnavailableSince()).isNull();
    assertThat(o.status().replicasOrEmpty())
        .allSatisfy(
            r -> {
              assertThat(r.ready()).isFalse();
              assertThat(r.url()).isNull();
            });
    assertThat(Hibernation.outcome("sh2", null, 3).status().id()).isEqualTo("sh2");
  }
}
