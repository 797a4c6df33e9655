package io.shardeddb.protocol.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * A key value as it travels and is compared: a {@code Long} (a Number key), a {@code String} (a
 * String key, under {@code sharding: Hash} only), or — for a table whose primary key has several
 * columns, the shard key first — an immutable {@code List} of those (a tuple, the shard key's value
 * first; placement uses that first value only, {@code Sharding.point}). Every decoder (JSON, which
 * gives integers as {@code Integer} and tuples as arrays; the binary frames; the stored log) hands
 * its value to {@link #normalize} so that one key is always one Java value and equal keys are
 * {@code equals}.
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
    if (raw instanceof List<?> tuple) {
      if (tuple.size() < 2) {
        throw new IllegalArgumentException("a composite key has at least two values: " + raw);
      }
      List<Object> out = new ArrayList<>(tuple.size());
      for (Object part : tuple) {
        Object v = normalize(part);
        if (v == null || v instanceof List) {
          throw new IllegalArgumentException(
              "a composite key's values are whole numbers or strings: " + raw);
        }
        out.add(v);
      }
      return Collections.unmodifiableList(out);
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

  /**
   * Compares two keys: Longs by value, Strings by code point, every Long before every String;
   * tuples value by value (a shorter prefix first). A tuple against a single value (a bound on the
   * shard key, e.g. a range read's {@code high}) compares its first value only: every tuple whose
   * shard key is that value compares equal to it.
   */
  public static int compare(Object a, Object b) {
    if (a instanceof List<?> x && b instanceof List<?> y) {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = compare(x.get(i), y.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    if (a instanceof List<?> x) {
      return compare(x.get(0), b);
    }
    if (b instanceof List<?> y) {
      return compare(a, y.get(0));
    }
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

  /** The shard key's value of a key value: a tuple's first value, else the value itself. */
  public static Object shardKeyOf(Object key) {
    return key instanceof List<?> tuple ? tuple.get(0) : key;
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
