package io.shardeddb.protocol.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shardeddb.protocol.shard.ReplicaState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SEER's score: the seed's 0.4·latency + 0.4·stability + 0.2·lag, each term in [0, 1]. */
class SeerScoreTest {

  private static Candidate at(long lsn, long latencyMs, int restarts, Duration uptime) {
    return new Candidate(
        "r", 4, 3, lsn, ReplicaState.Fenced, Duration.ofMillis(latencyMs), restarts, uptime);
  }

  @Test
  void aPerfectReplicaScoresOne() {
    SeerScore s = SeerScore.of(at(10, 0, 0, Duration.ofMinutes(10)), 0);

    assertThat(s.latency()).isEqualTo(1.0);
    assertThat(s.stability()).isEqualTo(1.0);
    assertThat(s.lag()).isEqualTo(1.0);
    assertThat(s.total()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void eachTermFollowsItsDocumentedCurve() {
    SeerScore s = SeerScore.of(at(10, 10, 1, Duration.ofMinutes(5)), 3);

    assertThat(s.latency()).isCloseTo(0.5, within(1e-9));
    assertThat(s.stability()).isCloseTo(0.5 * 0.5 + 0.5 * 0.5, within(1e-9));
    assertThat(s.lag()).isCloseTo(0.25, within(1e-9));
    assertThat(s.total()).isCloseTo(0.4 * 0.5 + 0.4 * 0.5 + 0.2 * 0.25, within(1e-9));
    assertThat(s.describe()).isEqualTo("0.45 (latency 0.50, stability 0.50, lag 0.25)");
  }

  @Test
  void uptimeCountsUpToTenMinutes() {
    assertThat(SeerScore.of(at(10, 0, 0, Duration.ofHours(3)), 0).stability()).isEqualTo(1.0);
    assertThat(SeerScore.of(at(10, 0, 0, Duration.ZERO), 0).stability()).isEqualTo(0.5);
  }

  @Test
  void lagIsMeasuredAgainstTheMostCompleteAnswer() {
    Candidate best = at(100, 0, 0, Duration.ZERO);

    assertThat(SeerScore.behind(at(100, 9, 0, Duration.ZERO), best)).isZero();
    assertThat(SeerScore.behind(at(90, 0, 0, Duration.ZERO), best)).isEqualTo(10);
    // An older last entry epoch is behind even with a higher LSN (an unacknowledged old tail).
    Candidate oldTail =
        new Candidate("t", 4, 2, 500, ReplicaState.Fenced, Duration.ZERO, 0, Duration.ZERO);
    assertThat(SeerScore.behind(oldTail, best)).isEqualTo(1);
    assertThat(SeerScore.of(oldTail, best).lag()).isEqualTo(0.5);
  }

  @Test
  void aPlannedRankingWeighsLagInsteadOfGatingOnIt() {
    Candidate fastBehindByOne =
        new Candidate(
            "a", 4, 3, 99, ReplicaState.Ready, Duration.ofMillis(1), 0, Duration.ofHours(1));
    Candidate slowAhead =
        new Candidate(
            "b", 4, 3, 100, ReplicaState.Ready, Duration.ofMillis(200), 0, Duration.ofHours(1));
    Candidate flakyAhead =
        new Candidate("c", 4, 3, 100, ReplicaState.Ready, Duration.ofMillis(1), 9, Duration.ZERO);

    assertThat(SeerScore.ranking(java.util.List.of(slowAhead, flakyAhead, fastBehindByOne)))
        .extracting(r -> r.candidate().name())
        // a: 0.4·0.91 + 0.4·1 + 0.2·0.5 = 0.86; b: 0.4·0.05 + 0.4 + 0.2 = 0.62;
        // c: 0.4·0.91 + 0.4·0.05 + 0.2 = 0.58.
        .containsExactly("a", "b", "c");
    assertThat(SeerScore.ranking(java.util.List.of())).isEmpty();
  }
}
