package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  private static final long MS = 1_000_000;

  @Test
  void cabinetWeighsEachVoterByItsSmoothedRoundTripAndLagAndASlowedOneLeavesTheMajority() {
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c", "learner-free"), 0);
    t.selfHolds(10);
    // b answers in 2 ms, c in 2 ms; both hold everything.
    for (int i = 0; i < 8; i++) {
      t.peerReport("b", true, 10, i * 10 * MS, i * 10 * MS + 2 * MS);
      t.peerReport("c", true, 10, i * 10 * MS, i * 10 * MS + 2 * MS);
    }
    List<io.shardeddb.protocol.shard.ReplicaWeight> w = t.weights("a");
    assertThat(w).extracting(x -> x.name()).containsExactly("a", "b", "c", "learner-free");
    assertThat(w.get(1).ackLatencyMillis()).isEqualTo(2.0);
    assertThat(w.get(1).weight()).isEqualTo(1.0 / 3);
    // Never answered: no latency, no weight, the whole log behind.
    assertThat(w.get(3).ackLatencyMillis()).isNull();
    assertThat(w.get(3).lagLsn()).isEqualTo(10);
    assertThat(w.get(3).weight()).isZero();

    // b slows to 80 ms: the average moves a quarter of the way per answer, and c overtakes it.
    t.peerReport("b", true, 10, 100 * MS, 180 * MS);
    assertThat(t.weights("a"))
        .filteredOn(x -> x.name().equals("b"))
        .singleElement()
        .satisfies(x -> assertThat(x.ackLatencyMillis()).isEqualTo(2 + 0.25 * 78));
    assertThat(
            io.shardeddb.protocol.quorum.CabinetWeights.bestWeightedMajority(
                "a", t.weights("a"), 3))
        .containsExactly("a", "c");
    // A lost secondary is behind by the whole log.
    t.peerLost("c");
    assertThat(t.weights("a"))
        .filteredOn(x -> x.name().equals("c"))
        .singleElement()
        .satisfies(x -> assertThat(x.lagLsn()).isEqualTo(10));
  }

  @Test
  void weightsNeverChangeWhatCompletesAWrite() {
    QuorumTracker t = new QuorumTracker(2, List.of("slow", "fast"), 0);
    t.selfHolds(5);
    t.peerReport("fast", true, 1, 0, MS);
    CompletableFuture<Void> w = t.await(5);
    // The slow voter's acknowledgement completes it as before: any majority does.
    t.peerReport("slow", true, 5, 0, 900 * MS);
    assertThat(w).isDone();
  }

  @Test
  void cabinetAcknowledgesOnceTheBestWeightedMajorityHoldsTheEntryNotAnyMajority() {
    // writeQuorum: Cabinet over three voters: the primary a, b answering in 1 ms, c in 100 ms.
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0, true);
    QuorumTracker majority = new QuorumTracker(2, List.of("b", "c"), 0);
    for (QuorumTracker q : List.of(t, majority)) {
      q.selfHolds(4);
      q.peerReport("b", true, 4, 0, MS);
      q.peerReport("c", true, 4, 0, 100 * MS);
      q.selfHolds(5);
    }
    CompletableFuture<Void> cabinet = t.await(5);
    CompletableFuture<Void> any = majority.await(5);
    // The slow c holds lsn 5 first: a majority (a, c) holds it, the best-weighted one (a, b) not.
    t.peerReport("c", true, 5, 200 * MS, 300 * MS);
    majority.peerReport("c", true, 5, 200 * MS, 300 * MS);
    assertThat(any).isDone();
    assertThat(cabinet).isNotDone();
    assertThat(t.quorumLsn()).isEqualTo(4);
    t.peerReport("b", true, 5, 300 * MS, 301 * MS);
    assertThat(cabinet).isDone();
  }

  @Test
  void cabinetNeverAcknowledgesWithoutAMajorityAndDropsAVoterThatCannotAcknowledge() {
    QuorumTracker t = new QuorumTracker(3, List.of("b", "c", "d", "e"), 0, true);
    t.selfHolds(3);
    t.peerReport("b", true, 3, 0, MS);
    CompletableFuture<Void> w = t.await(3);
    // Only a and b hold it: two of five is no majority, whoever weighs most.
    assertThat(w).isNotDone();
    // c is fast but loses its connection: it weighs 0 and leaves the best-weighted majority, so
    // the slower d completes it with a and b.
    t.peerReport("c", true, 2, 0, MS);
    t.peerLost("c");
    t.peerReport("d", true, 3, 0, 50 * MS);
    assertThat(w).isDone();
    assertThat(t.quorumLsn()).isEqualTo(3);
  }

  @Test
  void cabinetCountsAReplicaOutOfSyncForNothing() {
    QuorumTracker t = new QuorumTracker(2, List.of("b", "c"), 0, true);
    t.selfHolds(3);
    t.peerReport("b", false, -1, 0, MS); // fast, but out of sync: it can acknowledge nothing
    t.peerReport("c", true, 3, 0, 80 * MS);
    assertThat(t.await(3)).isDone();
    assertThat(t.weights("a"))
        .filteredOn(x -> x.name().equals("b"))
        .singleElement()
        .satisfies(x -> assertThat(x.weight()).isZero());
  }

  /**
   * A waiter's callbacks run with no lock of the tracker's held: they may take other locks, and a
   * thread holding one of those may be asking the tracker (the timestamp oracle holds its own lock
   * while checking the primary's lease, which reads the tracker). Completed under the tracker's
   * lock, the two deadlocked a primary's replication event loop for good (fault matrix, 2026-11-28:
   * the shard failed over and the old primary never answered again).
   */
  @Test
  void aWaitersCallbacksRunWithoutTheTrackersLock() throws Exception {
    QuorumTracker t = new QuorumTracker(2, List.of("b"), 0);
    t.selfHolds(7);
    Object otherLock = new Object();
    CountDownLatch callbackRuns = new CountDownLatch(1);
    CountDownLatch callbackDone = new CountDownLatch(1);
    t.await(7)
        .thenRun(
            () -> {
              callbackRuns.countDown();
              synchronized (otherLock) {
                callbackDone.countDown();
              }
            });
    CountDownLatch askerDone = new CountDownLatch(1);
    Thread asker =
        new Thread(
            () -> {
              synchronized (otherLock) {
                try {
                  callbackRuns.await();
                } catch (InterruptedException e) {
                  return;
                }
                t.quorumLsn();
              }
              askerDone.countDown();
            });
    asker.setDaemon(true);
    asker.start();
    Thread reporter = new Thread(() -> t.peerReport("b", true, 7, 1, 1));
    reporter.setDaemon(true);
    reporter.start();

    assertThat(askerDone.await(20, TimeUnit.SECONDS))
        .as("a thread holding another lock reads the tracker while a waiter's callback runs")
        .isTrue();
    assertThat(callbackDone.await(20, TimeUnit.SECONDS)).isTrue();
    reporter.join(20_000);
    assertThat(reporter.isAlive()).isFalse();
  }
}
