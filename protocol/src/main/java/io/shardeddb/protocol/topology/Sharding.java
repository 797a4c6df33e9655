package io.shardeddb.protocol.topology;

/**
 * How a shard key maps to the point that shard ranges divide. {@code Range}: the point is the key
 * itself (the assignment's model; range reads touch only the shards their range overlaps). {@code
 * Hash}: the point is a fixed 32-bit hash of the key in {@code [0, HASH_SPACE)}, so shard ranges
 * divide the hash space and splitting a range moves only that range's keys (the consistent-hashing
 * property); range reads fan out to every shard and merge in key order.
 *
 * <p>The hash is part of the stored data's placement: it must never change. It is MurmurHash3's
 * 64-bit finalizer ({@code fmix64}) of the key, top 32 bits; a String key's is the same finalizer
 * of the 64-bit FNV-1a hash of its UTF-8 bytes ({@link #hash(String)}). String keys exist only
 * under {@code Hash}: their order has no place on a numeric range.
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

  /**
   * The point of a shard-key value: a {@code Long} as {@link #point(long)}, a {@code String} by
   * {@link #hash(String)} (under {@code Hash} only; under {@code Range} an {@link
   * IllegalArgumentException}, which schema validation keeps from ever being reached); a composite
   * key's (a tuple, {@code ShardKeys}) is its first value's: rows of one shard key stay together.
   */
  public long point(Object key) {
    if (key instanceof java.util.List<?> tuple && !tuple.isEmpty()) {
      return point(tuple.get(0));
    }
    if (key instanceof Long k) {
      return point(k.longValue());
    }
    if (key instanceof String s) {
      if (this == Range) {
        throw new IllegalArgumentException(
            "a String shard key needs sharding: Hash (key '" + s + "')");
      }
      return hash(s);
    }
    throw new IllegalArgumentException("a shard key is a Long or a String, not " + key);
  }

  /** The {@code Hash} point of {@code key}, in {@code [0, HASH_SPACE)}. */
  public static long hash(long key) {
    return fmix64(key) >>> 32;
  }

  /**
   * The {@code Hash} point of a String key, in {@code [0, HASH_SPACE)}: {@code fmix64} of the
   * 64-bit FNV-1a hash of its UTF-8 bytes, top 32 bits. Part of the stored data's placement: it
   * must never change.
   */
  public static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return fmix64(h) >>> 32;
  }

  private static long fmix64(long key) {
    long k = key;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  /** {@code Range} when {@code s} is null (the default), else {@code s}. */
  public static Sharding orDefault(Sharding s) {
    return s == null ? Range : s;
  }
}
