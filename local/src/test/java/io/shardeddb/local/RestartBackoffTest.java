package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's container restart rule, scaled down: the first crash is restarted at once, only a
 * crash loop waits (doubling to a cap), and a process that ran well for twice the cap starts over.
 */
class RestartBackoffTest {
  private static final Instant T0 = Instant.parse("2026-11-26T02:00:00Z");

  @Test
  void theFirstExitIsRestartedAtOnceAsAKubeletDoes() {
    // A killed primary holds the only other copy when a secondary is wiped at the same time: every
    // second its process is not restarted is a second without writes (FaultMatrixIT, row 4).
    RestartBackoff b = new RestartBackoff();
    assertThat(b.restartAt(T0)).isEqualTo(T0);
  }

  @Test
  void aCrashLoopWaitsDoublingUpToTheCap() {
    RestartBackoff b = new RestartBackoff();
    Instant exit = T0;
    assertThat(b.restartAt(exit)).isEqualTo(exit);
    exit = exit.plusSeconds(2);
    assertThat(b.restartAt(exit)).isEqualTo(exit.plus(Duration.ofSeconds(1)));
    exit = exit.plusSeconds(3);
    assertThat(b.restartAt(exit)).isEqualTo(exit.plus(Duration.ofSeconds(2)));
    exit = exit.plusSeconds(3);
    assertThat(b.restartAt(exit)).isEqualTo(exit.plus(Duration.ofSeconds(4)));
    exit = exit.plusSeconds(5);
    assertThat(b.restartAt(exit)).isEqualTo(exit.plus(Duration.ofSeconds(8)));
    exit = exit.plusSeconds(9);
    assertThat(b.restartAt(exit)).isEqualTo(exit.plus(RestartBackoff.MAX));
    exit = exit.plusSeconds(11);
    assertThat(b.restartAt(exit)).isEqualTo(exit.plus(RestartBackoff.MAX));
  }

  @Test
  void aProcessThatRanWellForTwiceTheCapIsRestartedAtOnceAgain() {
    RestartBackoff b = new RestartBackoff();
    b.restartAt(T0);
    Instant second = T0.plusSeconds(5);
    Instant restarted = b.restartAt(second);
    assertThat(restarted).isEqualTo(second.plus(RestartBackoff.INITIAL));
    // It ran for more than 2 x MAX since that restart: the next exit counts as a first one.
    Instant third = restarted.plus(RestartBackoff.MAX.multipliedBy(2)).plusSeconds(1);
    assertThat(b.restartAt(third)).isEqualTo(third);
    Instant fourth = third.plusSeconds(2);
    assertThat(b.restartAt(fourth)).isEqualTo(fourth.plus(RestartBackoff.INITIAL));
  }
}
