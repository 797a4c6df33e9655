package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.EpochRules.Epochs;
import io.shardeddb.shardserver.replication.rules.EpochRules.Fence;
import org.junit.jupiter.api.Test;

/** Rules 1 and 2: fences, roles and votes per epoch. */
class EpochRulesTest {
  private static final Epochs AT_3_VOTED_B = new Epochs(3, 3, "b");

  @Test
  void aFenceOfALowerEpochIsRefusedAHigherOneRaisesTheSameOneRepeats() {
    assertThat(EpochRules.fence(AT_3_VOTED_B, 2)).isEqualTo(Fence.REFUSE);
    assertThat(EpochRules.fence(AT_3_VOTED_B, 4)).isEqualTo(Fence.RAISE);
    assertThat(EpochRules.fence(AT_3_VOTED_B, 3)).isEqualTo(Fence.REPEAT);
  }

  @Test
  void aRoleOfALowerEpochIsRefused() {
    EpochRules.RoleVerdict v = EpochRules.role(AT_3_VOTED_B, 2, "b", false, false);
    assertThat(v.accept()).isFalse();
    assertThat(v.reason()).contains("stale role").contains("epoch 3");
  }

  @Test
  void theVotedPrimaryIsAcceptedAgainAndAnyOtherRefusedInTheSameEpoch() {
    assertThat(EpochRules.role(AT_3_VOTED_B, 3, "b", false, false).accept()).isTrue();
    EpochRules.RoleVerdict other = EpochRules.role(AT_3_VOTED_B, 3, "c", true, false);
    assertThat(other.accept()).isFalse();
    assertThat(other.reason()).contains("already accepted primary b");
  }

  @Test
  void afterAFenceTheFencedEpochIsStillOpenForItsFirstPrimary() {
    // Fenced to epoch 4: the vote recorded is still the one of epoch 3.
    Epochs fenced = new Epochs(4, 3, "b");
    assertThat(EpochRules.role(fenced, 4, "c", true, false).accept()).isTrue();
    assertThat(EpochRules.role(fenced, 5, "a", false, false).accept()).isTrue();
  }

  @Test
  void aCopyingReplicaIsNeverMadePrimaryButMayFollow() {
    Epochs fresh = new Epochs(4, 3, "b");
    assertThat(EpochRules.role(fresh, 4, "me", true, true).accept()).isFalse();
    assertThat(EpochRules.role(fresh, 4, "b", false, true).accept()).isTrue();
  }
}
