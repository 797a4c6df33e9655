package io.shardeddb.protocol.topology;

/** Anything that owns the key range {@code [low, low + size)} under a shard id. */
public interface KeyRanged {
  /** The shard id. */
  String id();

  /** The lowest key of the range (inclusive). */
  long low();

  /** How many keys the range holds. */
  long size();

  /** The first key after the range (exclusive upper bound). */
  default long highExclusive() {
    return low() + size();
  }

  /** Whether {@code key} falls into {@code [low, low + size)}. */
  default boolean containsKey(long key) {
    return key >= low() && key < highExclusive();
  }
}
