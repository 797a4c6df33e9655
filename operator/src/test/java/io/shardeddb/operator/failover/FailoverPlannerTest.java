package io.shardeddb.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing a new primary: most up to date wins, and never without a majority. */
class FailoverPlannerTest {

  private final FailoverPlanner planner = new FailoverPlanner();

  private static Candidate replica(
      String pod, long entryEpoch, long lsn, long latencyMs, int restarts) {
    return new Candidate(
        pod, entryEpoch, entryEpoch, lsn, Duration.ofMillis(latencyMs), restarts, true);
  }

  @Test
  void promotesTheReplicaWithTheHighestLogPositionAndBumpsTheEpoch() {
    FailoverDecision decision =
        planner.plan(
            3, 3, List.of(replica("db-sh1-1", 3, 100, 5, 0), replica("db-sh1-2", 3, 120, 9, 4)));

    assertThat(decision)
        .isEqualTo(
            new FailoverDecision.Promote(
                "db-sh1-2", 4, 120, ((FailoverDecision.Promote) decision).reason()));
  }

  @Test
  void aLaterLastEntryEpochBeatsAHigherLsnOfAnOlderEpoch() {
    FailoverDecision decision =
        planner.plan(5, 3, List.of(replica("a", 4, 90, 1, 0), replica("b", 3, 500, 1, 0)));

    assertThat(decision).isInstanceOf(FailoverDecision.Promote.class);
    assertThat(((FailoverDecision.Promote) decision).pod()).isEqualTo("a");
  }

  @Test
  void onEqualPositionsTheLowerHeartbeatLatencyWinsThenFewerRestarts() {
    FailoverDecision byLatency =
        planner.plan(1, 3, List.of(replica("slow", 1, 10, 40, 0), replica("fast", 1, 10, 3, 9)));
    FailoverDecision byRestarts =
        planner.plan(1, 3, List.of(replica("flaky", 1, 10, 3, 9), replica("steady", 1, 10, 3, 0)));

    assertThat(((FailoverDecision.Promote) byLatency).pod()).isEqualTo("fast");
    assertThat(((FailoverDecision.Promote) byRestarts).pod()).isEqualTo("steady");
  }

  @Test
  void theNewEpochIsAboveEveryEpochAReplicaHasSeen() {
    Candidate sawEpoch7 = new Candidate("b", 7, 2, 10, Duration.ofMillis(1), 0, true);

    FailoverDecision decision = planner.plan(2, 3, List.of(replica("a", 2, 10, 1, 0), sawEpoch7));

    assertThat(((FailoverDecision.Promote) decision).epoch()).isEqualTo(8);
  }

  @Test
  void withoutAMajorityAnsweringNobodyIsElected() {
    FailoverDecision decision = planner.plan(1, 3, List.of(replica("db-sh1-2", 1, 50, 1, 0)));

    assertThat(decision).isEqualTo(new FailoverDecision.NoQuorum(1, 2, 3));
  }

  @Test
  void aFiveReplicaShardNeedsThreeAnswers() {
    List<Candidate> two = List.of(replica("a", 1, 5, 1, 0), replica("b", 1, 5, 1, 0));

    assertThat(planner.plan(1, 5, two)).isEqualTo(new FailoverDecision.NoQuorum(2, 3, 5));
  }

  @Test
  void aReplicaStillCopyingCountsForTheMajorityButIsNeverPromoted() {
    Candidate copying = new Candidate("copying", 1, 1, 999, Duration.ofMillis(1), 0, false);

    FailoverDecision decision =
        planner.plan(1, 3, List.of(copying, replica("caught-up", 1, 40, 5, 0)));

    assertThat(((FailoverDecision.Promote) decision).pod()).isEqualTo("caught-up");
  }

  @Test
  void whenEveryAnsweringReplicaIsCopyingThereIsNoCandidate() {
    Candidate a = new Candidate("a", 1, 1, 0, Duration.ofMillis(1), 0, false);
    Candidate b = new Candidate("b", 1, 1, 0, Duration.ofMillis(1), 0, false);

    assertThat(planner.plan(1, 3, List.of(a, b))).isInstanceOf(FailoverDecision.NoCandidate.class);
  }
}
