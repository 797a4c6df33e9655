package io.shardeddb.protocol.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next try of a call that failed: exponential from {@code base} to
 * {@code cap}, spread by a jitter so that callers that failed together (routers against a shard
 * that just came back, a primary's links to its secondaries) do not try again in lockstep.
 *
 * <p>Pure: the random number comes from the caller ({@link #delay(int, double)}) or from the {@link
 * DoubleSupplier} a {@link Sequence} is given, so the simulator's seeded source (the router's
 * {@code RouterTime}) or a source seeded from the caller's identity ({@link #seeded}) makes every
 * delay replay the same way. Nothing here sleeps or reads a clock.
 */
public final class Backoff {

  /** How a delay is spread. */
  public enum Jitter {
    /** No spread: exactly the exponential delay (a deterministic schedule, e.g. a restart). */
    NONE,
    /** Between half of the exponential delay and all of it (never much shorter than planned). */
    EQUAL,
    /** Anywhere between zero and the exponential delay (the widest spread). */
    FULL,
    /**
     * Between {@code base} and three times the previous delay, at most {@code cap} ("decorrelated
     * jitter"): grows like the exponential one without a fixed attempt count.
     */
    DECORRELATED
  }

  private final Duration base;
  private final Duration cap;
  private final Jitter jitter;

  private Backoff(Duration base, Duration cap, Jitter jitter) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("a back-off's base must be positive, not " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "a back-off's cap (" + cap + ") must not be below its base (" + base + ")");
    }
    this.base = base;
    this.cap = cap;
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  /**
   * Doubles from {@code base} on each failure, never above {@code cap}, spread by {@code jitter}.
   */
  public static Backoff exponential(Duration base, Duration cap, Jitter jitter) {
    return new Backoff(base, cap, jitter);
  }

  /**
   * A random source in [0, 1) seeded from {@code identity} (e.g. a link's primary, peer and epoch):
   * different callers get different delays, and the same caller the same ones on every run (the
   * simulator replays from its seed without giving the caller a source of its own).
   */
  public static DoubleSupplier seeded(Object... identity) {
    SplittableRandom random = new SplittableRandom(Arrays.deepHashCode(identity));
    return random::nextDouble;
  }

  /** The first delay before jitter. */
  public Duration base() {
    return base;
  }

  /** The longest delay. */
  public Duration cap() {
    return cap;
  }

  /** How delays are spread. */
  public Jitter jitter() {
    return jitter;
  }

  /**
   * The exponential delay before try {@code attempt + 1} (attempt 0: after the first failure),
   * without jitter: {@code base * 2^attempt}, at most {@code cap}.
   */
  public Duration ceiling(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
    long baseNanos = base.toNanos();
    long capNanos = cap.toNanos();
    // Doubling past the cap's bit length would overflow; the cap answers first anyway.
    if (attempt >= 62 || baseNanos > (capNanos >> Math.min(attempt, 62))) {
      return cap;
    }
    return Duration.ofNanos(Math.min(capNanos, baseNanos << attempt));
  }

  /**
   * The delay after failure number {@code attempt} (0: the first), spread by {@code random} in [0,
   * 1): {@link Jitter#EQUAL} gives {@code [ceiling/2, ceiling]}, {@link Jitter#FULL} {@code [0,
   * ceiling]}, {@link Jitter#NONE} the ceiling. {@link Jitter#DECORRELATED} needs the previous
   * delay: use a {@link Sequence}; here it is treated as {@link Jitter#FULL} between base and the
   * ceiling.
   */
  public Duration delay(int attempt, double random) {
    long ceiling = ceiling(attempt).toNanos();
    double r = clamp(random);
    return switch (jitter) {
      case NONE -> Duration.ofNanos(ceiling);
      case EQUAL -> {
        long half = ceiling / 2;
        yield Duration.ofNanos(half + (long) (half * r));
      }
      case FULL -> Duration.ofNanos((long) (ceiling * r));
      case DECORRELATED -> {
        long low = base.toNanos();
        yield Duration.ofNanos(low + (long) ((ceiling - low) * r));
      }
    };
  }

  /**
   * The delay after {@code previous} under {@link Jitter#DECORRELATED}: between {@code base} and
   * three times {@code previous} (the first time: {@code base} itself), at most {@code cap}.
   */
  public Duration decorrelated(Duration previous, double random) {
    long low = base.toNanos();
    long prev = previous == null ? low : Math.max(low, previous.toNanos());
    long high = prev > cap.toNanos() / 3 ? cap.toNanos() : prev * 3;
    return Duration.ofNanos(Math.min(cap.toNanos(), low + (long) ((high - low) * clamp(random))));
  }

  /** A fresh run of delays for one caller, drawing its jitter from {@code random}. */
  public Sequence start(DoubleSupplier random) {
    return new Sequence(this, random);
  }

  private static double clamp(double random) {
    return Math.max(0, Math.min(random, 1));
  }

  /**
   * One caller's run of failures: {@link #next()} after each, {@link #reset()} after a success. Not
   * thread-safe; a caller that fails from several threads guards it.
   */
  public static final class Sequence {
    private final Backoff backoff;
    private final DoubleSupplier random;
    private int attempt;
    private Duration previous;

    private Sequence(Backoff backoff, DoubleSupplier random) {
      this.backoff = backoff;
      this.random = Objects.requireNonNull(random, "random");
    }

    /** The delay before the next try; each call counts one more failure. */
    public Duration next() {
      // NONE draws nothing, so a caller's other uses of the source see the same numbers.
      double r = backoff.jitter == Jitter.NONE ? 0 : random.getAsDouble();
      Duration d =
          backoff.jitter == Jitter.DECORRELATED
              ? backoff.decorrelated(previous, r)
              : backoff.delay(attempt, r);
      if (attempt < Integer.MAX_VALUE) {
        attempt++;
      }
      previous = d;
      return d;
    }

    /** A success: the next failure waits the shortest delay again. */
    public void reset() {
      attempt = 0;
      previous = null;
    }

    /** Failures counted since the start or the last {@link #reset()}. */
    public int failures() {
      return attempt;
    }
  }
}
