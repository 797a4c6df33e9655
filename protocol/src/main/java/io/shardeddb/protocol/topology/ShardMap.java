package io.shardeddb.protocol.topology;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps keys to the shard whose range holds them, by binary search over the ranges sorted by their
 * low bound. Ranges may leave gaps (a key in a gap belongs to no shard) but must not overlap.
 * Immutable, so one instance can be shared by every request thread.
 */
public final class ShardMap<T extends KeyRanged> {
  private final List<T> sorted;
  private final long[] lows;

  /**
   * Builds the map, failing with a message when ids repeat, a size is not positive or ranges
   * overlap.
   */
  public ShardMap(List<T> shards) {
    List<T> copy = new ArrayList<>(shards);
    copy.sort(Comparator.comparingLong(KeyRanged::low));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < copy.size(); i++) {
      T s = copy.get(i);
      if (s.id() == null || s.id().isBlank()) {
        throw new InvalidRequestException("every shard needs an id");
      }
      if (!ids.add(s.id())) {
        throw new InvalidRequestException("shard id '" + s.id() + "' is used twice");
      }
      if (s.size() <= 0) {
        throw new InvalidRequestException("shard '" + s.id() + "' must have a positive size");
      }
      if (s.low() > Long.MAX_VALUE - s.size()) {
        throw new InvalidRequestException("shard '" + s.id() + "' range overflows");
      }
      if (i > 0) {
        T prev = copy.get(i - 1);
        if (prev.highExclusive() > s.low()) {
          throw new InvalidRequestException(
              "shard '"
                  + s.id()
                  + "' range ["
                  + s.low()
                  + ", "
                  + s.highExclusive()
                  + ") overlaps shard '"
                  + prev.id()
                  + "' ["
                  + prev.low()
                  + ", "
                  + prev.highExclusive()
                  + ")");
        }
      }
    }
    this.sorted = List.copyOf(copy);
    this.lows = copy.stream().mapToLong(KeyRanged::low).toArray();
  }

  /** The shards sorted by their low bound. */
  public List<T> shards() {
    return sorted;
  }

  /** The shard whose range holds {@code key}, if any. */
  public Optional<T> shardFor(long key) {
    int i = indexAtOrBefore(key);
    if (i < 0) {
      return Optional.empty();
    }
    T s = sorted.get(i);
    return s.containsKey(key) ? Optional.of(s) : Optional.empty();
  }

  /**
   * The shards whose ranges intersect {@code [low, high]} (both inclusive, as the assignment's
   * range reads are), in key order. Empty when {@code low > high}.
   */
  public List<T> shardsFor(long low, long high) {
    if (low > high || sorted.isEmpty()) {
      return List.of();
    }
    int i = Math.max(indexAtOrBefore(low), 0);
    List<T> out = new ArrayList<>();
    for (; i < sorted.size(); i++) {
      T s = sorted.get(i);
      if (s.low() > high) {
        break;
      }
      if (s.highExclusive() > low) {
        out.add(s);
      }
    }
    return out;
  }

  /** Index of the last shard with {@code low <= key}, or -1. */
  private int indexAtOrBefore(long key) {
    int lo = 0;
    int hi = lows.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (lows[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
