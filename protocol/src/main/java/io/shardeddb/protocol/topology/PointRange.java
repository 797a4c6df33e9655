package io.shardeddb.protocol.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A range of points {@code [low, low + size)} (keys under {@link Sharding#Range}, hashes under
 * {@link Sharding#Hash}). What a shard-server owns is a list of these: it refuses (421) a key whose
 * point lies outside them. Resharding moves one range at a time from a source shard to a
 * destination (docs/resharding.md).
 */
@Serdeable
public record PointRange(long low, long size) {

  public PointRange {
    if (size <= 0) {
      throw new IllegalArgumentException("a range needs a positive size, got " + size);
    }
    if (low > Long.MAX_VALUE - size) {
      throw new IllegalArgumentException("range [" + low + ", +" + size + ") overflows");
    }
  }

  /** The first point after the range. */
  @JsonIgnore
  public long highExclusive() {
    return low + size;
  }

  /** Whether {@code point} lies in the range. */
  public boolean contains(long point) {
    return point >= low && point < highExclusive();
  }

  /** Whether the two ranges share a point. */
  public boolean overlaps(PointRange o) {
    return low < o.highExclusive() && o.low < highExclusive();
  }

  /** Whether any range of {@code ranges} holds {@code point}. */
  public static boolean anyContains(List<PointRange> ranges, long point) {
    for (PointRange r : ranges) {
      if (r.contains(point)) {
        return true;
      }
    }
    return false;
  }

  /** {@code ranges} with {@code r} added, sorted and adjacent ranges joined. */
  public static List<PointRange> plus(List<PointRange> ranges, PointRange r) {
    List<PointRange> all = new ArrayList<>(ranges);
    all.add(r);
    return normalize(all);
  }

  /** {@code ranges} with every point of {@code r} removed, sorted. */
  public static List<PointRange> minus(List<PointRange> ranges, PointRange r) {
    List<PointRange> out = new ArrayList<>();
    for (PointRange x : ranges) {
      if (!x.overlaps(r)) {
        out.add(x);
        continue;
      }
      if (x.low < r.low) {
        out.add(new PointRange(x.low, r.low - x.low));
      }
      if (x.highExclusive() > r.highExclusive()) {
        out.add(new PointRange(r.highExclusive(), x.highExclusive() - r.highExclusive()));
      }
    }
    return normalize(out);
  }

  /** Sorted by low bound, overlapping or adjacent ranges joined. */
  public static List<PointRange> normalize(List<PointRange> ranges) {
    List<PointRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(PointRange::low));
    List<PointRange> out = new ArrayList<>();
    for (PointRange r : sorted) {
      if (!out.isEmpty() && out.get(out.size() - 1).highExclusive() >= r.low()) {
        PointRange last = out.remove(out.size() - 1);
        long high = Math.max(last.highExclusive(), r.highExclusive());
        out.add(new PointRange(last.low(), high - last.low()));
      } else {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }
}
