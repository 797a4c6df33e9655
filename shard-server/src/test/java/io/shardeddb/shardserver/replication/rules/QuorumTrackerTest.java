package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rule 5: the quorum over the spec, and only in-sync acknowledgements count. */
class QuorumTrackerTest {
  @Test
  void theQuorumIsCountedOverTheSpecEvenWhenFewerPeersExist() {
    // Spec of 3 replicas, but only the primary has an address: required 2 of 3 can never be met.
    QuorumTracker t = new QuorumTracker(2, List.of(), 0);
    t.selfHolds(5);
    assertThat(t.await(5)).isNotDone();
    assertThat(t.quorumLsn()).isEqualTo(-1);
  }

  @Test
  void onlyInSyncReportsCount() {
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0);
    t.selfHolds(10);
    CompletableFuture<Void> w = t.await(10);
    t.peerReport("b", false, 150, 1, 1);
    assertThat(w).isNotDone();
    t.peerReport("c", true, 10, 1, 1);
    assertThat(w).isCompleted();
  }

  @Test
  void aLossOfSyncDropsWhatThePeerWasCreditedWith() {
    QuorumTracker t = new QuorumTracker(2, List.of("b"), 0);
    t.selfHolds(20);
    t.peerReport("b", true, 20, 1, 1);
    assertThat(t.holders(20)).isEqualTo(2);
    t.peerReport("b", false, 0, 2, 2);
    assertThat(t.holders(20)).isEqualTo(1);
    t.peerReport("b", true, 18, 3, 3);
    t.peerLost("b");
    assertThat(t.holders(18)).isEqualTo(1);
    assertThat(t.await(20)).isNotDone();
  }

  @Test
  void ackTimesAreKeptPerPeerForTheLease() {
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0);
    t.peerReport("b", true, 0, 100, 100);
    t.peerReport("b", true, 0, 50, 50);
    assertThat(t.ackSentNanos()).containsExactlyInAnyOrder(100L, Long.MIN_VALUE);
  }

  @Test
  void aLearnersAcknowledgementsNeverCount() {
    // Rule 12: voters b and c (3 voting replicas); learners l1 and l2 are fed but not known here.
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0);
    t.selfHolds(7);
    CompletableFuture<Void> w = t.await(7);
    t.peerReport("l1", true, 7, 1, 1);
    t.peerReport("l2", true, 7, 1, 1);
    t.peerHolds("l1", 7, 1);
    assertThat(w).isNotDone();
    assertThat(t.holders(7)).isEqualTo(1);
    assertThat(t.majorityAckedAtNanos(100, 0)).isZero();
    t.peerReport("c", true, 7, 1, 1);
    assertThat(w).isCompleted();
  }

  @Test
  void anAnswerOutOfSyncIsContactForCheckQuorumButNoAcknowledgement() {
    // Rule 11: a primary whose secondaries answer while catching up reaches them; only the lease
    // and the quorum need them in sync.
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0);
    assertThat(t.majorityAnsweredAtNanos(1_000, 100)).isEqualTo(100);
    t.peerReport("b", false, 0, 500, 500);
    assertThat(t.majorityAnsweredAtNanos(1_000, 100)).isEqualTo(500);
    assertThat(t.majorityAckedAtNanos(1_000, 100)).isEqualTo(100);
    t.peerReport("c", true, 0, 700, 700);
    assertThat(t.majorityAnsweredAtNanos(1_000, 100)).isEqualTo(700);
    assertThat(t.majorityAckedAtNanos(1_000, 100)).isEqualTo(700);
    // A peer that is not a voter (a learner) is no contact.
    t.peerReport("learner", true, 0, 900, 900);
    assertThat(t.majorityAnsweredAtNanos(1_000, 100)).isEqualTo(700);
  }

  @Test
  void checkQuorumJudgesEachVoterByItsFreshestContactTheArrivalOfItsLatestAnswer() {
    // Rule 11: contact is when an answer (or a /log pull proving the secondary follows this
    // primary) arrived; the lease (rule 9) keeps counting when the answered request was sent.
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0);
    long period = 2_000;
    // b was away: a request sent at 100 is answered at 2_600, in sync.
    t.peerReport("b", true, 0, 100, 2_600);
    assertThat(t.majorityAnsweredAtNanos(2_700, 0)).isEqualTo(2_600);
    assertThat(LivenessRules.standsDown(2_700, t.majorityAnsweredAtNanos(2_700, 0), period))
        .isFalse();
    assertThat(t.majorityAckedAtNanos(2_700, 0)).isEqualTo(100);
    // A late answer to an older request never moves the contact back.
    t.peerReport("b", true, 0, 50, 2_500);
    assertThat(t.majorityAnsweredAtNanos(2_700, 0)).isEqualTo(2_600);
    // c, catching up, pulls the log from this primary at 5_000: that is contact too.
    t.peerHolds("c", 0, 5_000);
    assertThat(t.majorityAnsweredAtNanos(5_100, 0)).isEqualTo(5_000);
    assertThat(LivenessRules.standsDown(5_100, t.majorityAnsweredAtNanos(5_100, 0), period))
        .isFalse();
    assertThat(t.majorityAckedAtNanos(5_100, 0)).isEqualTo(100);
  }
}
