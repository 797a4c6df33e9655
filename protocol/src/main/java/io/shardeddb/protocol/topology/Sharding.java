package io.shardeddb.protocol.topology;

/**
 * How a shard key maps to the point that shard ranges divide. {@code Range}: the point is the key
 * itself (the assignment's model; range reads touch only the shards their range overlaps). {@code
 * Hash}: the point is a fixed 32-bit hash of the key in {@code [0, HASH_SPACE)}, so shard ranges
 * divide the hash space and splitting a range moves only that range's keys (the consistent-hashing
 * property); range reads fan out to every shard and merge in key order.
 *
 * <p>The hash is part of the stored data's placement: it must never change. It is MurmurHash3's
 * 64-bit finalizer ({@code fmix64}) of the key, top 32 bits.
 */
public enum Sharding {
  Range,
  Hash;

  /** The size of the hash space: points of a {@code Hash} database lie in {@code [0, 2^32)}. */
  public static final long HASH_SPACE = 1L << 32;

  /** The point {@code key} sits at under this sharding. */
  public long point(long key) {
    return this == Range ? key : hash(key);
  }

  /** The {@code Hash} point of {@code key}, in {@code [0, HASH_SPACE)}. */
  public static long hash(long key) {
    long k = key;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k >>> 32;
  }

  /** {@code Range} when {@code s} is null (the default), else {@code s}. */
  public static Sharding orDefault(Sharding s) {
    return s == null ? Range : s;
  }
}
