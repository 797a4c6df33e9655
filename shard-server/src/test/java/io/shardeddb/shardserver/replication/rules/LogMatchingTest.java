package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.LogMatching.Action;
import io.shardeddb.shardserver.replication.rules.LogMatching.Batch;
import io.shardeddb.shardserver.replication.rules.LogMatching.Decision;
import io.shardeddb.shardserver.replication.rules.LogMatching.Local;
import org.junit.jupiter.api.Test;

/** Rule 4: what a secondary does with a {@code /replicate} batch and whether its answer counts. */
class LogMatchingTest {
  @Test
  void anUnverifiedReplicaCountsForNothingWhateverItsPosition() {
    // The old primary's unacknowledged tail: applied 150 but never checked against the new primary.
    Decision d = LogMatching.decide(new Local(false, false, 150, 1), new Batch(100, 2, 101, 101));
    assertThat(d).isEqualTo(new Decision(Action.UNVERIFIED, false, 0));
  }

  @Test
  void aCopyingReplicaCountsForNothing() {
    Decision d = LogMatching.decide(new Local(true, true, 0, 0), new Batch(10, 1, 11, 12));
    assertThat(d.inSync()).isFalse();
    assertThat(d.matchLsn()).isZero();
  }

  @Test
  void aVerifiedReplicaWhoseEntryBeforeTheBatchMatchesAppends() {
    Decision d = LogMatching.decide(new Local(false, true, 10, 2), new Batch(10, 2, 11, 15));
    assertThat(d).isEqualTo(new Decision(Action.APPEND, true, 10));
  }

  @Test
  void aDifferentEpochAtThePreviousEntryIsADivergence() {
    Decision d = LogMatching.decide(new Local(false, true, 10, 1), new Batch(10, 2, 11, 11));
    assertThat(d).isEqualTo(new Decision(Action.DIVERGED, false, 0));
  }

  @Test
  void aBatchBeyondTheAppliedLsnIsAGapAndCountsOnlyUpToWhatIsHeld() {
    Decision d = LogMatching.decide(new Local(false, true, 7, 1), new Batch(10, 1, 11, 12));
    assertThat(d).isEqualTo(new Decision(Action.GAP, true, 7));
  }

  @Test
  void anEntryNoLongerHeldIsTrustedOnlyBecauseTheReplicaIsVerified() {
    Decision d =
        LogMatching.decide(
            new Local(false, true, 50, LogMatching.NOT_HELD), new Batch(3, 1, 4, 60));
    assertThat(d.action()).isEqualTo(Action.APPEND);
  }
}
