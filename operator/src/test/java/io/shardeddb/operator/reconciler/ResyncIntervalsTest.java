package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a pass asks to run again while a primary is unavailable. */
class ResyncIntervalsTest {
  private static final ResyncIntervals INTERVALS =
      new ResyncIntervals(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500));
  private static final Instant NOW = Instant.parse("2026-11-23T14:00:00Z");

  @Test
  void thePassAfterTheWaitRunsWhenTheWaitEndsNotUpToAWatchIntervalLater() {
    // A pass with a hung primary takes a heartbeat deadline (1 s); the next one used to start
    // 500 ms after it ended, so the election came up to a whole pass after the wait had ended.
    Instant since = NOW.minusMillis(1800);

    Duration next = INTERVALS.failoverWatch(NOW, List.of(since), Duration.ofSeconds(2));

    assertThat(next).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void theEarliestShardDecidesAndTheWatchIntervalBoundsTheWait() {
    assertThat(
            INTERVALS.failoverWatch(
                NOW, List.of(NOW.minusMillis(100), NOW.minusMillis(1700)), Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofMillis(300));
    assertThat(INTERVALS.failoverWatch(NOW, List.of(NOW), Duration.ofSeconds(30)))
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aWaitAlreadyOverAsksForTheNextPassAtOnceButNeverSpins() {
    assertThat(INTERVALS.failoverWatch(NOW, List.of(NOW.minusSeconds(9)), Duration.ofSeconds(2)))
        .isEqualTo(ResyncIntervals.SOONEST);
    assertThat(INTERVALS.failoverWatch(NOW, List.of(), Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofMillis(500));
  }
}
