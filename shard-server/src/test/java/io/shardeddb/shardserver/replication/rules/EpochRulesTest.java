package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.LogPosition;
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

  @Test
  void aPrimaryRoleForAPositionPastTheLogIsRefusedNamingBoth() {
    LogPosition mine = new LogPosition(3, 120);
    EpochRules.RoleVerdict shorter = EpochRules.primaryPosition(mine, new LogPosition(3, 189));
    assertThat(shorter.accept()).isFalse();
    assertThat(shorter.reason()).contains("lsn 189 of epoch 3").contains("lsn 120 of epoch 3");
    // A later entry epoch is past any LSN of an earlier one; an empty log is before any entry.
    assertThat(EpochRules.primaryPosition(mine, new LogPosition(4, 1)).accept()).isFalse();
    assertThat(EpochRules.primaryPosition(LogPosition.EMPTY, new LogPosition(4, 189)).accept())
        .isFalse();
  }

  @Test
  void aPrimaryRoleAtOrBeforeTheLogsEndOrNamingNoPositionIsAccepted() {
    LogPosition mine = new LogPosition(3, 120);
    assertThat(EpochRules.primaryPosition(mine, new LogPosition(3, 120)).accept()).isTrue();
    assertThat(EpochRules.primaryPosition(mine, new LogPosition(2, 500)).accept()).isTrue();
    assertThat(EpochRules.primaryPosition(LogPosition.EMPTY, LogPosition.EMPTY).accept()).isTrue();
    // An operator before the field (rolling upgrade): no check.
    assertThat(EpochRules.primaryPosition(LogPosition.EMPTY, null).accept()).isTrue();
  }
}
