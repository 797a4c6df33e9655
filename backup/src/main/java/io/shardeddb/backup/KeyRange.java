package io.shardeddb.backup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A range of points {@code [low, low + size)} a shard owns, as a restore plans it (the same ranges
 * a shard-server's config and its range entries name; docs/resharding.md).
 */
public record KeyRange(long low, long size) {

  /** The first point after the range. */
  public long high() {
    return low + size;
  }

  /** Sorted, with overlapping and adjacent ranges joined. */
  public static List<KeyRange> normalize(List<KeyRange> ranges) {
    List<KeyRange> sorted =
        ranges.stream().sorted(Comparator.comparingLong(KeyRange::low)).toList();
    List<KeyRange> out = new ArrayList<>();
    for (KeyRange r : sorted) {
      if (!out.isEmpty() && out.getLast().high() >= r.low()) {
        KeyRange last = out.removeLast();
        out.add(new KeyRange(last.low(), Math.max(last.high(), r.high()) - last.low()));
      } else {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }

  /** {@code ranges} with {@code r} added. */
  public static List<KeyRange> plus(List<KeyRange> ranges, KeyRange r) {
    List<KeyRange> all = new ArrayList<>(ranges);
    all.add(r);
    return normalize(all);
  }

  /** {@code ranges} without the points of {@code r}. */
  public static List<KeyRange> minus(List<KeyRange> ranges, KeyRange r) {
    List<KeyRange> out = new ArrayList<>();
    for (KeyRange x : ranges) {
      if (x.high() <= r.low() || r.high() <= x.low()) {
        out.add(x);
        continue;
      }
      if (x.low() < r.low()) {
        out.add(new KeyRange(x.low(), r.low() - x.low()));
      }
      if (r.high() < x.high()) {
        out.add(new KeyRange(r.high(), x.high() - r.high()));
      }
    }
    return normalize(out);
  }

  /** Whether {@code point} lies in one of {@code ranges}. */
  public static boolean contains(List<KeyRange> ranges, long point) {
    return ranges.stream().anyMatch(r -> point >= r.low() && point < r.high());
  }

  @Override
  public String toString() {
    return "[" + low + ", " + high() + ")";
  }
}
