package io.shardeddb.protocol.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.ReplicaState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The election rule: fenced majority of the spec first, then the most up-to-date answer. */
class FailoverPlannerTest {

  private static Candidate fenced(long epoch, String name, long entryEpoch, long lsn) {
    return new Candidate(
        name, epoch, entryEpoch, lsn, ReplicaState.Fenced, Duration.ofMillis(5), 0, Duration.ZERO);
  }

  private static Candidate tie(String name, long latencyMs, int restarts, long uptimeS) {
    return new Candidate(
        name,
        4,
        3,
        100,
        ReplicaState.Fenced,
        Duration.ofMillis(latencyMs),
        restarts,
        Duration.ofSeconds(uptimeS));
  }

  private static String winner(Election e) {
    assertThat(e).isInstanceOf(Election.Elected.class);
    return ((Election.Elected) e).winner().name();
  }

  @Test
  void aReplicaThatCameBackEmptyAndWasReconfiguredDoesNotCountTowardTheMajority() {
    // Acknowledged writes sat on the old primary and on "a" before "a" lost its volume; "a" was
    // configured again but could not copy (the primary is gone): it answers at 0/0 and holds
    // none of them, so "b" alone (a minority) must not be chosen.
    Candidate emptyAgain =
        new Candidate(
            "a", 4, 0, 0, ReplicaState.AwaitingRole, Duration.ofMillis(1), 1, Duration.ZERO);

    Election e = FailoverPlanner.choose(4, 3, List.of(emptyAgain, fenced(4, "b", 3, 60)));

    assertThat(e).isInstanceOf(Election.NoQuorum.class);
  }

  @Test
  void theFenceEpochIsOneAboveEveryEpochRecordedOrSeen() {
    assertThat(FailoverPlanner.fenceEpoch(3, List.of(2L, 7L, 5L))).isEqualTo(8);
    assertThat(FailoverPlanner.fenceEpoch(3, List.of())).isEqualTo(4);
  }

  @Test
  void theHighestLogPositionAmongTheFencedAnswersWins() {
    Election e =
        FailoverPlanner.choose(4, 3, List.of(fenced(4, "a", 3, 100), fenced(4, "b", 3, 120)));

    assertThat(winner(e)).isEqualTo("b");
    assertThat(((Election.Elected) e).epoch()).isEqualTo(4);
  }

  @Test
  void aLaterLastEntryEpochBeatsAHigherLsnOfAnOlderEpoch() {
    assertThat(
            winner(
                FailoverPlanner.choose(
                    6, 3, List.of(fenced(6, "a", 4, 90), fenced(6, "b", 3, 500)))))
        .isEqualTo("a");
  }

  @Test
  void aSlowReplicaAtTheSamePositionLosesToAFastOne() {
    Election e =
        FailoverPlanner.choose(4, 3, List.of(tie("slow", 250, 0, 900), tie("fast", 2, 0, 900)));

    assertThat(winner(e)).isEqualTo("fast");
    Election.Elected won = (Election.Elected) e;
    assertThat(won.score().total()).isGreaterThan(won.runnerUpScore().total());
    assertThat(won.runnerUp().name()).isEqualTo("slow");
    assertThat(won.reason())
        .contains("SEER score " + won.score().describe())
        .contains("runner-up slow SEER score " + won.runnerUpScore().describe());
  }

  @Test
  void aFrequentlyRestartedReplicaAtTheSamePositionLosesToASteadyOne() {
    assertThat(
            winner(
                FailoverPlanner.choose(
                    4, 3, List.of(tie("flaky", 3, 7, 900), tie("steady", 3, 0, 900)))))
        .isEqualTo("steady");
    // A pod just started (its uptime far below ten minutes) is less stable than one long up.
    assertThat(
            winner(
                FailoverPlanner.choose(
                    4, 3, List.of(tie("young", 3, 0, 5), tie("old", 3, 0, 900)))))
        .isEqualTo("old");
  }

  @Test
  void theWeightedSumDecidesNotTheFirstDifferingTieBreaker() {
    // Lexicographically "fast" (2 ms) would win on latency alone; SEER weighs its eight restarts
    // and its minute of uptime against 6 ms more: 0.4·0.83 + 0.4·0.11 + 0.2 = 0.58 against
    // 0.4·0.63 + 0.4·1 + 0.2 = 0.85.
    assertThat(
            winner(
                FailoverPlanner.choose(
                    4, 3, List.of(tie("fast", 2, 8, 60), tie("steady", 6, 0, 900)))))
        .isEqualTo("steady");
    // ...and a large enough latency gap outweighs a restart.
    assertThat(
            winner(
                FailoverPlanner.choose(
                    4, 3, List.of(tie("slow", 400, 0, 900), tie("restarted", 2, 1, 900)))))
        .isEqualTo("restarted");
  }

  @Test
  void aShorterLogNeverWinsWhateverItsScore() {
    // Rule 2: "perfect" answers in no time, never restarted, up for hours, but lacks lsn 101,
    // which may be acknowledged; "poor" holds it and wins despite the worst score.
    Candidate perfect =
        new Candidate(
            "perfect", 4, 3, 100, ReplicaState.Fenced, Duration.ZERO, 0, Duration.ofHours(5));
    Candidate poor =
        new Candidate(
            "poor", 4, 3, 101, ReplicaState.Fenced, Duration.ofSeconds(2), 40, Duration.ZERO);

    Election e = FailoverPlanner.choose(4, 3, List.of(perfect, poor));

    assertThat(winner(e)).isEqualTo("poor");
    Election.Elected won = (Election.Elected) e;
    assertThat(won.runnerUpScore().total()).isGreaterThan(won.score().total());
    assertThat(won.reason()).contains("runner-up perfect").contains("not safe to elect: 1 LSNs");
    // The same with an older last entry epoch and a longer log (an old primary's tail).
    Candidate oldTail =
        new Candidate(
            "oldTail", 4, 2, 500, ReplicaState.Fenced, Duration.ZERO, 0, Duration.ofHours(5));
    assertThat(winner(FailoverPlanner.choose(4, 3, List.of(oldTail, poor)))).isEqualTo("poor");
  }

  @Test
  void equalScoresGoToTheName() {
    assertThat(winner(FailoverPlanner.choose(4, 3, List.of(tie("b", 3, 0, 1), tie("a", 3, 0, 1)))))
        .isEqualTo("a");
  }

  @Test
  void withoutAMajorityOfTheSpecFencedNobodyIsElected() {
    assertThat(FailoverPlanner.choose(2, 3, List.of(fenced(2, "a", 1, 50))))
        .isEqualTo(new Election.NoQuorum(2, 1, 2, 3));
    assertThat(FailoverPlanner.choose(2, 5, List.of(fenced(2, "a", 1, 5), fenced(2, "b", 1, 5))))
        .isEqualTo(new Election.NoQuorum(2, 2, 3, 5));
  }

  @Test
  void answersAtAnotherEpochDoNotCountNorWin() {
    // "b" answered at an older epoch (a stale or duplicated reply): its position is unusable.
    Election e =
        FailoverPlanner.choose(5, 3, List.of(fenced(5, "a", 3, 10), fenced(4, "b", 3, 999)));

    assertThat(e).isEqualTo(new Election.NoQuorum(5, 1, 2, 3));
  }

  @Test
  void copyingOrEmptyReplicasNeitherCountTowardTheMajorityNorWin() {
    Candidate copying =
        new Candidate("copying", 2, 1, 999, ReplicaState.Copying, Duration.ZERO, 0, Duration.ZERO);
    Candidate empty =
        new Candidate("empty", 2, 0, 0, ReplicaState.Unconfigured, Duration.ZERO, 0, Duration.ZERO);

    assertThat(FailoverPlanner.choose(2, 3, List.of(copying, empty, fenced(2, "c", 1, 40))))
        .isEqualTo(new Election.NoQuorum(2, 1, 2, 3));
    assertThat(
            winner(
                FailoverPlanner.choose(
                    2, 3, List.of(copying, fenced(2, "b", 1, 30), fenced(2, "c", 1, 40)))))
        .isEqualTo("c");
  }

  @Test
  void aDuplicatedAnswerIsOneVote() {
    assertThat(FailoverPlanner.choose(2, 3, List.of(fenced(2, "a", 1, 5), fenced(2, "a", 1, 5))))
        .isInstanceOf(Election.NoQuorum.class);
  }

  @Test
  void aReplicaOnItsWayOutVotesButOnlyTheRemainingOnesMayLead() {
    List<Candidate> answers = List.of(fenced(3, "leaving", 2, 50), fenced(3, "staying", 2, 50));

    assertThat(winner(FailoverPlanner.choose(3, 2, answers, n -> !n.equals("leaving"))))
        .isEqualTo("staying");
  }

  @Test
  void whenAReplicaOnItsWayOutIsAheadOfEveryRemainingOneNobodyIsChosen() {
    List<Candidate> answers = List.of(fenced(3, "leaving", 2, 60), fenced(3, "staying", 2, 50));

    Election e = FailoverPlanner.choose(3, 2, answers, n -> !n.equals("leaving"));

    assertThat(e).isInstanceOf(Election.Behind.class);
    assertThat(((Election.Behind) e).describe()).contains("leaving").contains("lsn 60");
  }
}
