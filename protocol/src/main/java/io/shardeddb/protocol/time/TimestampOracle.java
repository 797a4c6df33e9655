package io.shardeddb.protocol.time;

/**
 * The timestamp oracle's allocation, decided apart from its persistence (DESIGN §11,
 * docs/timestamps.md). Not thread-safe: its owner (the oracle shard's primary) serialises calls.
 *
 * <p>The oracle hands out slots ({@link GlobalTimestamp}) in increasing order. It never hands out a
 * slot at or above its <em>window</em> ({@code until}, in milliseconds): before it does, its owner
 * persists a higher window through the shard's replicated log ({@link #windowFor}) and calls {@link
 * #windowPersisted}. A new primary of the oracle shard starts from the window the log holds ({@link
 * #startingAt}): every slot an earlier primary handed out lies below it, so the oracle never goes
 * back, across restarts and failovers.
 */
public final class TimestampOracle {

  /** How far ahead of the clock a window is persisted: one log entry per this long, at most. */
  public static final long WINDOW_MILLIS = 3_000;

  /** The most slots one call may ask for. */
  public static final int MAX_COUNT = GlobalTimestamp.SLOTS_PER_MILLI;

  /** What an allocation came to. */
  public sealed interface Grant {}

  /**
   * {@code count} consecutive slots from {@code first} (each {@link GlobalTimestamp#SLOT} apart).
   */
  public record Granted(long first, int count) implements Grant {}

  /** Nothing handed out: a window up to {@code until} must be persisted first. */
  public record NeedsWindow(long until) implements Grant {}

  private long until;
  private long lastMillis;
  private int nextSeq;

  private TimestampOracle(long until) {
    this.until = until;
    this.lastMillis = until;
    this.nextSeq = 0;
  }

  /**
   * The oracle of a primary whose log's persisted window ends at {@code persistedUntil} (0: none):
   * it hands out nothing below it, so nothing an earlier primary handed out.
   */
  public static TimestampOracle startingAt(long persistedUntil) {
    return new TimestampOracle(Math.max(0, persistedUntil));
  }

  /** The window's end: no slot at or above this millisecond is handed out before a new one. */
  public long until() {
    return until;
  }

  /**
   * {@code count} (1..{@link #MAX_COUNT}) consecutive slots at or after {@code wallMillis}, above
   * every slot handed out before; or the window to persist first.
   */
  public Grant allocate(int count, long wallMillis) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + ", was " + count);
    }
    long millis = lastMillis;
    int seq = nextSeq;
    if (wallMillis > millis) {
      millis = wallMillis;
      seq = 0;
    }
    if (seq + count > GlobalTimestamp.SLOTS_PER_MILLI) {
      // The millisecond is used up: the oracle's clock runs ahead (as TiDB's PD's logical part
      // overflowing into the next physical tick), still inside its window.
      millis++;
      seq = 0;
    }
    if (millis >= until) {
      return new NeedsWindow(windowFor(Math.max(wallMillis, millis)));
    }
    lastMillis = millis;
    nextSeq = seq + count;
    return new Granted(GlobalTimestamp.of(millis, seq), count);
  }

  /** The window to persist when the clock reads {@code millis}. */
  public static long windowFor(long millis) {
    return millis + WINDOW_MILLIS;
  }

  /** The log now holds a window up to {@code persistedUntil}: slots below it may be handed out. */
  public void windowPersisted(long persistedUntil) {
    until = Math.max(until, persistedUntil);
  }
}
