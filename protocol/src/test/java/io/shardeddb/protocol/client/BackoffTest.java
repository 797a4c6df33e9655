package io.shardeddb.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.client.Backoff.Jitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(50);
  private static final Duration CAP = Duration.ofSeconds(1);

  @Test
  void theCeilingDoublesFromTheBaseAndStopsAtTheCap() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.NONE);
    assertThat(List.of(0, 1, 2, 3, 4, 5, 6).stream().map(b::ceiling).map(Duration::toMillis))
        .containsExactly(50L, 100L, 200L, 400L, 800L, 1000L, 1000L);
    assertThat(b.ceiling(61)).isEqualTo(CAP);
    assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(CAP);
  }

  @Test
  void noJitterIsExactlyTheCeilingWhateverTheRandomNumber() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.NONE);
    assertThat(b.delay(2, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.delay(2, 0.99)).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void equalJitterStaysBetweenHalfTheCeilingAndAllOfIt() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.EQUAL);
    assertThat(b.delay(0, 0.0)).isEqualTo(Duration.ofMillis(25));
    assertThat(b.delay(0, 0.5)).isEqualTo(Duration.ofNanos(37_500_000));
    for (int attempt = 0; attempt < 40; attempt++) {
      for (double r : randoms(200)) {
        Duration d = b.delay(attempt, r);
        assertThat(d).isBetween(b.ceiling(attempt).dividedBy(2), b.ceiling(attempt));
      }
    }
  }

  @Test
  void equalJitterIsTheFormulaTheRouterUsedBefore() {
    // FailoverRetry.jittered before the move to protocol: half + (long) (half * random).
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.EQUAL);
    for (double r : randoms(100)) {
      for (int attempt = 0; attempt < 8; attempt++) {
        long half = b.ceiling(attempt).toNanos() / 2;
        assertThat(b.delay(attempt, r).toNanos()).isEqualTo(half + (long) (half * r));
      }
    }
  }

  @Test
  void fullJitterStaysBetweenZeroAndTheCeiling() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.FULL);
    assertThat(b.delay(3, 0.0)).isEqualTo(Duration.ZERO);
    for (int attempt = 0; attempt < 10; attempt++) {
      for (double r : randoms(200)) {
        assertThat(b.delay(attempt, r)).isBetween(Duration.ZERO, b.ceiling(attempt));
      }
    }
  }

  @Test
  void decorrelatedJitterStaysBetweenTheBaseAndThreeTimesThePreviousAndTheCap() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.DECORRELATED);
    Backoff.Sequence s = b.start(new SplittableRandom(7)::nextDouble);
    Duration previous = BASE;
    for (int i = 0; i < 500; i++) {
      Duration d = s.next();
      Duration high = previous.multipliedBy(3).compareTo(CAP) < 0 ? previous.multipliedBy(3) : CAP;
      assertThat(d).isBetween(BASE, high);
      previous = d;
    }
  }

  @Test
  void randomNumbersOutsideZeroToOneAreClamped() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.FULL);
    assertThat(b.delay(0, -3)).isEqualTo(Duration.ZERO);
    assertThat(b.delay(0, 7)).isEqualTo(BASE);
  }

  @Test
  void aSequenceGrowsWithFailuresAndStartsOverAfterAReset() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.NONE);
    Backoff.Sequence s = b.start(() -> 0.5);
    assertThat(List.of(s.next(), s.next(), s.next()).stream().map(Duration::toMillis))
        .containsExactly(50L, 100L, 200L);
    assertThat(s.failures()).isEqualTo(3);
    s.reset();
    assertThat(s.failures()).isZero();
    assertThat(s.next()).isEqualTo(BASE);
  }

  @Test
  void withoutJitterASequenceDrawsNoRandomNumbers() {
    int[] draws = {0};
    Backoff.Sequence s =
        Backoff.exponential(BASE, CAP, Jitter.NONE)
            .start(
                () -> {
                  draws[0]++;
                  return 0.5;
                });
    s.next();
    s.next();
    assertThat(draws[0]).isZero();
  }

  @Test
  void theSameSeedGivesTheSameDelaysAndDifferentIdentitiesSpreadThem() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.EQUAL);
    assertThat(run(b, Backoff.seeded("a0", "a1", 3L)))
        .isEqualTo(run(b, Backoff.seeded("a0", "a1", 3L)));
    assertThat(run(b, Backoff.seeded("a0", "a1", 3L)))
        .isNotEqualTo(run(b, Backoff.seeded("a0", "a2", 3L)));
  }

  @Test
  void callersThatFailTogetherDoNotRetryTogether() {
    Backoff b = Backoff.exponential(BASE, CAP, Jitter.EQUAL);
    List<Duration> firstRetries = new ArrayList<>();
    for (int router = 0; router < 20; router++) {
      firstRetries.add(b.start(Backoff.seeded("router", router)).next());
    }
    assertThat(firstRetries.stream().distinct().count()).isGreaterThan(15);
  }

  @Test
  void aBaseAboveTheCapOrNotPositiveIsRefused() {
    assertThatThrownBy(() -> Backoff.exponential(CAP, BASE, Jitter.EQUAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cap");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, CAP, Jitter.EQUAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base");
  }

  private static List<Duration> run(Backoff b, DoubleSupplier random) {
    Backoff.Sequence s = b.start(random);
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      out.add(s.next());
    }
    return out;
  }

  private static double[] randoms(int n) {
    SplittableRandom r = new SplittableRandom(42);
    double[] out = new double[n + 2];
    for (int i = 0; i < n; i++) {
      out[i] = r.nextDouble();
    }
    out[n] = 0.0;
    out[n + 1] = Math.nextDown(1.0);
    return out;
  }
}
