package io.shardeddb.protocol.time;

/**
 * The layout of a global timestamp (DESIGN §11, docs/timestamps.md): one {@code long}, ordered as a
 * number, {@code millis << 21 | seq << 12 | bump}.
 *
 * <ul>
 *   <li>{@code millis} (42 bits): the oracle's physical clock, milliseconds since the Unix epoch
 *       (never below its persisted window, so it may run ahead of the wall clock; it reads as a
 *       wall-clock time, which a restore to a time uses);
 *   <li>{@code seq} (9 bits): the oracle's counter within the millisecond; {@code millis} and
 *       {@code seq} together make a <em>slot</em>, which the oracle hands out once;
 *   <li>{@code bump} (12 bits): a shard primary's count within a slot, for an entry whose slot is
 *       not above the log's last (two routers' writes arriving out of order, a no-op, a schema or
 *       range entry).
 * </ul>
 *
 * <p>Why the bump: a shard's log must be ordered by timestamp (a restore to a timestamp replays a
 * prefix of every shard's log) and every write's timestamp must come from the oracle after the
 * write started (writes that follow each other in real time get increasing timestamps, across
 * shards). An entry takes {@code max(its slot, last + 1)} ({@link #forEntry}); the bump never
 * leaves the last entry's slot, a slot the oracle already handed out, so any slot handed out later
 * is above it.
 */
public final class GlobalTimestamp {
  /** Bits of the primary's count within a slot. */
  public static final int BUMP_BITS = 12;

  /** Bits of the oracle's counter within a millisecond. */
  public static final int SEQ_BITS = 9;

  /** Slots per millisecond. */
  public static final int SLOTS_PER_MILLI = 1 << SEQ_BITS;

  /** The distance between two consecutive slots. */
  public static final long SLOT = 1L << BUMP_BITS;

  /** Entries a primary may place in one slot, the slot's own included. */
  public static final int BUMPS_PER_SLOT = 1 << BUMP_BITS;

  /** No timestamp (an entry written before timestamps, or a change that carries none). */
  public static final long NONE = 0;

  private GlobalTimestamp() {}

  /** The timestamp of slot {@code seq} of millisecond {@code millis}, with no bump. */
  public static long of(long millis, int seq) {
    if (millis < 0 || millis >= 1L << (63 - SEQ_BITS - BUMP_BITS)) {
      throw new IllegalArgumentException("millis out of range: " + millis);
    }
    if (seq < 0 || seq >= SLOTS_PER_MILLI) {
      throw new IllegalArgumentException("seq out of range: " + seq);
    }
    return (millis << (SEQ_BITS + BUMP_BITS)) | ((long) seq << BUMP_BITS);
  }

  /** The oracle's milliseconds of {@code ts} (a wall-clock reading, at most its window ahead). */
  public static long millis(long ts) {
    return ts >>> (SEQ_BITS + BUMP_BITS);
  }

  /** The first timestamp of slot-aligned {@code ts}'s slot. */
  public static long slotOf(long ts) {
    return ts & ~(SLOT - 1);
  }

  /** The smallest timestamp of millisecond {@code millis}: every timestamp below it is earlier. */
  public static long atMillis(long millis) {
    return of(millis, 0);
  }

  /**
   * The timestamp of the next log entry: its own slot {@code fetched} when above {@code last} (the
   * log's last entry's), else {@code last + 1}, a bump in the slot of {@code last}. {@code fetched}
   * {@link #NONE}: a change that carries none (a no-op, a schema or range entry, an older router's
   * write) takes the bump. An entry is never below its own slot, so it is above every write that
   * finished before its slot was fetched; a bump stays inside a slot already handed out, so every
   * slot fetched later is above it — while fewer than {@link #BUMPS_PER_SLOT} entries in a row land
   * behind one slot (past that a bump enters a slot not yet handed out, and a later write elsewhere
   * may tie or precede it); {@link #bumpsLeft} says how close that is.
   */
  public static long forEntry(long fetched, long last) {
    return fetched > last ? fetched : last + 1;
  }

  /** How many more bumps the slot of {@code ts} takes. */
  public static long bumpsLeft(long ts) {
    return SLOT - 1 - (ts & (SLOT - 1));
  }
}
