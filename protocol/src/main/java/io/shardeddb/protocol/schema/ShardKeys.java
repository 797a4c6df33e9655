package io.shardeddb.protocol.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;

/**
 * A shard-key value as it travels and is compared: a {@code Long} (a Number key) or a {@code
 * String} (a String key, under {@code sharding: Hash} only). Every decoder (JSON, which gives
 * integers as {@code Integer}; the binary frames; the stored log) hands its value to {@link
 * #normalize} so that one key is always one Java value and equal keys are {@code equals}.
 */
public final class ShardKeys {
  /**
   * The most characters a String shard key may have: stored as {@code VARCHAR(255)} in utf8mb4 with
   * a binary collation (1,020 bytes, inside InnoDB's 3,072-byte key limit), compared exactly.
   */
  public static final int MAX_STRING_KEY = 255;

  /** Keys in the order the shards store them: numbers by value, strings by code point. */
  public static final Comparator<Object> ORDER = ShardKeys::compare;

  private ShardKeys() {}

  /**
   * {@code raw} as a key value: an integral number as a {@code Long}, a String as itself, null as
   * null; anything else is an {@link IllegalArgumentException}.
   */
  public static Object normalize(Object raw) {
    if (raw == null || raw instanceof Long || raw instanceof String) {
      return raw;
    }
    if (raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (raw instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("a shard key is a whole number or a string: " + raw);
      }
    }
    throw new IllegalArgumentException("a shard key is a whole number or a string: " + raw);
  }

  /** Compares two keys: Longs by value, Strings by code point, every Long before every String. */
  public static int compare(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof String x && b instanceof String y) {
      return compareCodePoints(x, y);
    }
    if (a instanceof Long) {
      return -1;
    }
    if (b instanceof Long) {
      return 1;
    }
    throw new IllegalArgumentException("not shard keys: " + a + ", " + b);
  }

  /**
   * By Unicode code point, as MariaDB's {@code utf8mb4_nopad_bin} (the key column's) orders them
   * (Java's {@code compareTo} compares UTF-16 units, which puts a supplementary character before
   * U+E000..U+FFFF).
   */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
