package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PrimaryIdentityTest {

  @Test
  @DisplayName("the unfenced primary of the caller's epoch answers its follower's pull")
  void theServingPrimaryAnswers() {
    assertThat(
            PrimaryIdentity.answers(
                "r1", 4L, new PrimaryIdentity.Server("r1", Role.Primary, false, 4, true)))
        .isTrue();
  }

  @Test
  @DisplayName(
      "a primary that stopped serving its epoch (an abandoned overlap-commit term) answers no"
          + " follower: its log may end before entries they hold, and a 409 would send them to"
          + " re-copy (overlap seeds 60, 758, 923)")
  void aPrimaryThatStoppedServingAnswersNoFollower() {
    assertThat(
            PrimaryIdentity.answers(
                "r1", 4L, new PrimaryIdentity.Server("r1", Role.Primary, false, 4, false)))
        .isFalse();
    assertThat(
            PrimaryIdentity.answers(
                "r1", null, new PrimaryIdentity.Server("r1", Role.Primary, false, 4, false)))
        .isFalse();
  }

  @Test
  @DisplayName("another server, a secondary, a fenced primary or another epoch answers no follower")
  void othersAnswerNoFollower() {
    assertThat(
            PrimaryIdentity.answers(
                "r1", 4L, new PrimaryIdentity.Server("r2", Role.Primary, false, 4, true)))
        .isFalse();
    assertThat(
            PrimaryIdentity.answers(
                "r1", 4L, new PrimaryIdentity.Server("r1", Role.Secondary, false, 4, true)))
        .isFalse();
    assertThat(
            PrimaryIdentity.answers(
                "r1", 4L, new PrimaryIdentity.Server("r1", Role.Primary, true, 4, true)))
        .isFalse();
    assertThat(
            PrimaryIdentity.answers(
                "r1", 4L, new PrimaryIdentity.Server("r1", Role.Primary, false, 5, true)))
        .isFalse();
  }
}
