package io.shardeddb.operator.reshard;

import io.shardeddb.protocol.topology.PointRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plans resharding (docs/resharding.md), purely: from the published layout (which shard owns which
 * range now) and the spec's layout (which it should own), the moves that get there one at a time,
 * in an order that keeps every shard's ownership one contiguous range (or nothing) after each move,
 * so that the published layout stays one range per shard. Shards of the spec whose range no shard
 * owns yet (new points) need no move: they are published as they are.
 */
public final class MovePlanner {

  private MovePlanner() {}

  /** The moves in order, or why there is no such order ({@code refusal} non-null, no moves). */
  public record Plan(List<Move> moves, String refusal) {

    /** Whether the spec can be reached. */
    public boolean possible() {
      return refusal == null;
    }

    /** Whether nothing has to move. */
    public boolean done() {
      return possible() && moves.isEmpty();
    }
  }

  /**
   * The moves from {@code published} to {@code target} (both shard id → range). A point the
   * published layout owns must be in some target range (else refused: rows would be lost).
   */
  public static Plan plan(Map<String, PointRange> published, Map<String, PointRange> target) {
    Map<String, PointRange> current = withNewCoverage(published, target);
    List<Move> moves = new ArrayList<>();
    // Each move shrinks the points placed wrongly; the bound only guards against a bug looping.
    int bound = 4 * (current.size() + target.size() + 1) * (current.size() + target.size() + 1);
    for (int step = 0; step < bound; step++) {
      for (Map.Entry<String, PointRange> owned : current.entrySet()) {
        List<PointRange> lost = lost(owned.getValue(), target);
        if (!lost.isEmpty()) {
          PointRange r = lost.get(0);
          return refused(
              "points ["
                  + r.low()
                  + ", "
                  + r.highExclusive()
                  + ") that shard "
                  + owned.getKey()
                  + " owns are in no shard of the spec; their rows would be lost");
        }
      }
      List<Move> needed = needed(current, target);
      if (needed.isEmpty()) {
        return finalCheck(current, target, moves);
      }
      Move next = null;
      for (Move m : needed) {
        if (feasible(current, m)) {
          next = m;
          break;
        }
      }
      if (next == null) {
        return refused(
            "no order of moves keeps every shard's range contiguous; still to move: "
                + needed
                + ". Reach the layout in smaller edits");
      }
      moves.add(next);
      current = after(current, next);
    }
    throw new IllegalStateException("move planning did not converge: " + published + target);
  }

  /**
   * Whether the move recorded in flight is still one the spec asks for and can be taken now: the
   * source owns the whole range, the spec gives the whole range to the destination, and the move
   * keeps both shards contiguous.
   */
  public static boolean stillWanted(
      Map<String, PointRange> published, Map<String, PointRange> target, Move move) {
    PointRange owned = published.get(move.source());
    PointRange wanted = target.get(move.destination());
    return owned != null
        && wanted != null
        && covers(owned, move.range())
        && covers(wanted, move.range())
        && feasible(withNewCoverage(published, target), move);
  }

  /** The layout after {@code move}: the source without the range, the destination with it. */
  public static Map<String, PointRange> after(Map<String, PointRange> layout, Move move) {
    Map<String, PointRange> out = new LinkedHashMap<>();
    for (Map.Entry<String, PointRange> e : layout.entrySet()) {
      if (e.getKey().equals(move.source())) {
        List<PointRange> left = PointRange.minus(List.of(e.getValue()), move.range());
        if (left.size() > 1) {
          throw new IllegalArgumentException(move + " would split " + move.source());
        }
        left.forEach(r -> out.put(e.getKey(), r));
      } else if (!e.getKey().equals(move.destination())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    PointRange had = layout.get(move.destination());
    List<PointRange> joined = PointRange.plus(had == null ? List.of() : List.of(had), move.range());
    if (joined.size() > 1) {
      throw new IllegalArgumentException(move + " would split " + move.destination());
    }
    out.put(move.destination(), joined.get(0));
    return sorted(out);
  }

  /**
   * {@code published} plus the target shards it does not name whose range no published shard
   * touches: new points, published at once (no rows to move).
   */
  public static Map<String, PointRange> withNewCoverage(
      Map<String, PointRange> published, Map<String, PointRange> target) {
    Map<String, PointRange> out = new LinkedHashMap<>(published);
    for (Map.Entry<String, PointRange> t : target.entrySet()) {
      if (published.containsKey(t.getKey())) {
        continue;
      }
      boolean touches = published.values().stream().anyMatch(p -> p.overlaps(t.getValue()));
      if (!touches) {
        out.put(t.getKey(), t.getValue());
      }
    }
    return sorted(out);
  }

  /** Whether {@code move} keeps both shards' ownership one contiguous range. */
  static boolean feasible(Map<String, PointRange> layout, Move move) {
    PointRange from = layout.get(move.source());
    if (from == null || !covers(from, move.range())) {
      return false;
    }
    boolean atAnEnd =
        move.range().low() == from.low() || move.range().highExclusive() == from.highExclusive();
    PointRange to = layout.get(move.destination());
    boolean adjacent =
        to == null
            || to.highExclusive() == move.range().low()
            || move.range().highExclusive() == to.low();
    return atAnEnd && adjacent;
  }

  /** Every piece a shard owns that the target gives to another shard, by low bound. */
  private static List<Move> needed(
      Map<String, PointRange> current, Map<String, PointRange> target) {
    List<Move> out = new ArrayList<>();
    for (Map.Entry<String, PointRange> owned : current.entrySet()) {
      for (Map.Entry<String, PointRange> t : target.entrySet()) {
        if (t.getKey().equals(owned.getKey())) {
          continue;
        }
        PointRange overlap = intersection(owned.getValue(), t.getValue());
        if (overlap != null) {
          out.add(new Move(owned.getKey(), t.getKey(), overlap));
        }
      }
    }
    out.sort(Comparator.comparingLong((Move m) -> m.range().low()));
    return out;
  }

  /** Once nothing has to move, every target shard must own exactly its range. */
  private static Plan finalCheck(
      Map<String, PointRange> current, Map<String, PointRange> target, List<Move> moves) {
    for (Map.Entry<String, PointRange> t : target.entrySet()) {
      PointRange owns = current.get(t.getKey());
      if (!Objects.equals(owns, t.getValue())) {
        List<PointRange> unowned =
            PointRange.minus(List.of(t.getValue()), owns == null ? t.getValue() : owns);
        String what =
            unowned.isEmpty()
                ? "its range"
                : "points [" + unowned.get(0).low() + ", " + unowned.get(0).highExclusive() + ")";
        return refused(
            "shard "
                + t.getKey()
                + " would grow into "
                + what
                + ", which no shard owns now: give new points to a new shard of their own");
      }
    }
    return new Plan(List.copyOf(moves), null);
  }

  /** The parts of {@code owned} that no target range holds. */
  private static List<PointRange> lost(PointRange owned, Map<String, PointRange> target) {
    List<PointRange> left = List.of(owned);
    for (PointRange t : target.values()) {
      left = PointRange.minus(left, t);
    }
    return left;
  }

  private static PointRange intersection(PointRange a, PointRange b) {
    long low = Math.max(a.low(), b.low());
    long high = Math.min(a.highExclusive(), b.highExclusive());
    return high > low ? new PointRange(low, high - low) : null;
  }

  private static boolean covers(PointRange outer, PointRange inner) {
    return outer.low() <= inner.low() && inner.highExclusive() <= outer.highExclusive();
  }

  private static Map<String, PointRange> sorted(Map<String, PointRange> layout) {
    Map<String, PointRange> out = new LinkedHashMap<>();
    layout.entrySet().stream()
        .sorted(Comparator.comparingLong(e -> e.getValue().low()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Plan refused(String why) {
    return new Plan(List.of(), why);
  }
}
