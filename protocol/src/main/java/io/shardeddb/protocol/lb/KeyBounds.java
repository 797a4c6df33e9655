package io.shardeddb.protocol.lb;

import io.shardeddb.protocol.schema.ShardKeys;
import java.util.Objects;

/**
 * An inclusive range of shard-key values {@code [low, high]} as a read carries it: each bound a key
 * value ({@link ShardKeys}: a Long for a Number key, a String for a String key) or null for no
 * bound on that side. A Number key's read always has both bounds.
 */
public record KeyBounds(Object low, Object high) {
  public KeyBounds {
    low = ShardKeys.normalize(low);
    high = ShardKeys.normalize(high);
  }

  /** The bounds of a Number key's {@link KeyRange}. */
  public static KeyBounds of(KeyRange range) {
    return new KeyBounds(range.low(), range.high());
  }

  /** Every key: no bound on either side. */
  public static KeyBounds all() {
    return new KeyBounds(null, null);
  }

  /** Whether the bounds name one key ({@code low} equals {@code high}, neither null). */
  public boolean isPoint() {
    return low != null && Objects.equals(low, high);
  }
}
