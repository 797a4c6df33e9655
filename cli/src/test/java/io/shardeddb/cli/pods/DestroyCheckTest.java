package io.shardeddb.cli.pods;

import static io.shardeddb.cli.pods.RestartPlanTest.replica;
import static io.shardeddb.cli.pods.RestartPlanTest.shard;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestroyCheckTest {
  @Test
  void aSecondaryOfAHealthyShardMayGo() {
    assertThat(DestroyCheck.refusal("db", shard("sh1", 3, 0), 3, "db-sh1-2", false)).isNull();
  }

  @Test
  void thePrimaryIsRefusedUnlessForcedAndTheMessageSaysWhatToDoInstead() {
    assertThat(DestroyCheck.refusal("db", shard("sh1", 3, 0), 3, "db-sh1-0", false))
        .isEqualTo(
            "db-sh1-0 is the primary of shard sh1; switch it over first (kubectl sdb promote db"
                + " sh1 POD), or --force to destroy it and let the operator fail over");
    assertThat(DestroyCheck.refusal("db", shard("sh1", 3, 0), 3, "db-sh1-0", true)).isNull();
  }

  @Test
  void aLossThatLeavesNoWriteMajorityIsRefusedEvenWhenForced() {
    ShardStatus s = shard("sh1", 3, 0);
    List<ReplicaStatus> rs = new ArrayList<>(s.replicasOrEmpty());
    rs.set(1, replica("db-sh1-1", Role.Secondary, false, 1));
    ShardStatus oneDown = s.toBuilder().replicas(rs).build();

    String why = DestroyCheck.refusal("db", oneDown, 3, "db-sh1-2", true);

    assertThat(why)
        .isEqualTo(
            "rebuilding db-sh1-2 would leave 1 of 3 voting replicas of shard sh1 in sync, fewer"
                + " than the 2 a write needs");
    // The pod that is down anyway may be destroyed: two others still make the majority.
    assertThat(DestroyCheck.refusal("db", oneDown, 3, "db-sh1-1", false)).isNull();
  }

  @Test
  void learnersDoNotCountTowardsTheMajority() {
    // voters 3 of 5 replicas; ordinals 1 and 2 of the voters down: ordinals 3, 4 are learners.
    ShardStatus s = shard("sh1", 5, 0).toBuilder().voters(3).build();
    List<ReplicaStatus> rs = new ArrayList<>(s.replicasOrEmpty());
    rs.set(1, replica("db-sh1-1", Role.Secondary, false, 1));
    ShardStatus shrunk = s.toBuilder().replicas(rs).build();

    assertThat(DestroyCheck.refusal("db", shrunk, 3, "db-sh1-2", false))
        .startsWith("rebuilding db-sh1-2 would leave 1 of 3");
    assertThat(DestroyCheck.voting("db-sh1-4", shrunk)).isFalse();
    assertThat(DestroyCheck.voting("db-sh1-2", shrunk)).isTrue();
  }
}
