package io.shardeddb.router.sql;

import io.shardeddb.protocol.lb.KeyRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A set of shard keys as sorted, disjoint, non-adjacent inclusive ranges: what a WHERE clause says
 * about the shard key. It only narrows which keys are read; the whole predicate is still evaluated
 * on every row read, so an over-approximation (e.g. {@link #all()} for a clause on other columns)
 * is always safe.
 */
public record KeyRanges(List<KeyRange> ranges) {

  public KeyRanges {
    ranges = normalise(ranges);
  }

  /** Every key. */
  public static KeyRanges all() {
    return new KeyRanges(List.of(new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  /** No key. */
  public static KeyRanges none() {
    return new KeyRanges(List.of());
  }

  /** {@code [low, high]}, empty when {@code low > high}. */
  public static KeyRanges between(long low, long high) {
    return low > high ? none() : new KeyRanges(List.of(new KeyRange(low, high)));
  }

  /** The single key {@code key}. */
  public static KeyRanges point(long key) {
    return between(key, key);
  }

  /** Whether this is every key. */
  public boolean isAll() {
    return ranges.size() == 1
        && ranges.get(0).low() == Long.MIN_VALUE
        && ranges.get(0).high() == Long.MAX_VALUE;
  }

  /** The keys in either set. */
  public KeyRanges union(KeyRanges other) {
    List<KeyRange> all = new ArrayList<>(ranges);
    all.addAll(other.ranges);
    return new KeyRanges(all);
  }

  /** The keys in both sets. */
  public KeyRanges intersect(KeyRanges other) {
    List<KeyRange> out = new ArrayList<>();
    for (KeyRange a : ranges) {
      for (KeyRange b : other.ranges) {
        long lo = Math.max(a.low(), b.low());
        long hi = Math.min(a.high(), b.high());
        if (lo <= hi) {
          out.add(new KeyRange(lo, hi));
        }
      }
    }
    return new KeyRanges(out);
  }

  /** Every key not in this set. */
  public KeyRanges complement() {
    List<KeyRange> out = new ArrayList<>();
    long next = Long.MIN_VALUE;
    boolean open = true;
    for (KeyRange r : ranges) {
      if (open && r.low() > next) {
        out.add(new KeyRange(next, r.low() - 1));
      }
      if (r.high() == Long.MAX_VALUE) {
        open = false;
      } else {
        next = r.high() + 1;
      }
    }
    if (open) {
      out.add(new KeyRange(next, Long.MAX_VALUE));
    }
    return new KeyRanges(out);
  }

  /** Whether every range is a single key (the set names its keys one by one). */
  public boolean onlyPoints() {
    return ranges.stream().allMatch(r -> r.low() == r.high());
  }

  private static List<KeyRange> normalise(List<KeyRange> in) {
    List<KeyRange> sorted = new ArrayList<>(in);
    sorted.sort(Comparator.comparingLong(KeyRange::low));
    List<KeyRange> out = new ArrayList<>();
    for (KeyRange r : sorted) {
      if (r.low() > r.high()) {
        continue;
      }
      if (!out.isEmpty()) {
        KeyRange last = out.get(out.size() - 1);
        // Overlapping or adjacent ranges become one (without overflowing at Long.MAX_VALUE).
        if (last.high() == Long.MAX_VALUE || r.low() <= last.high() + 1) {
          out.set(out.size() - 1, new KeyRange(last.low(), Math.max(last.high(), r.high())));
          continue;
        }
      }
      out.add(r);
    }
    return List.copyOf(out);
  }
}
