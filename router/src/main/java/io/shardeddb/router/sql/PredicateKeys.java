package io.shardeddb.router.sql;

/**
 * The shard keys a WHERE {@link Predicate} can match: exact for conditions on the key, every key
 * for anything else (so the router reads those rows and evaluates the condition itself). Pure.
 */
final class PredicateKeys {
  private PredicateKeys() {}

  /** The keys {@code p} can match, {@code key} being the shard key column. */
  static KeyRanges of(Predicate p, String key) {
    return of(p, java.util.Set.of(key));
  }

  /**
   * The keys {@code p} can match, each of {@code keys} being a column that holds the row's shard
   * key (a join's rows carry it in both tables' key columns: docs/sql.md, "Joins").
   */
  static KeyRanges of(Predicate p, java.util.Set<String> keys) {
    return switch (p) {
      case Predicate.Always a -> KeyRanges.all();
      case Predicate.And a -> of(a.left(), keys).intersect(of(a.right(), keys));
      case Predicate.Or o -> of(o.left(), keys).union(of(o.right(), keys));
      case Predicate.Not n -> notKeys(n.inner(), keys);
      case Predicate.Compare c when keys.contains(c.column()) ->
          compareKeys(c.op(), (Long) c.value());
      case Predicate.In in when keys.contains(in.column()) && !in.negated() -> {
        KeyRanges out = KeyRanges.none();
        for (Object v : in.values()) {
          if (v != null) {
            out = out.union(KeyRanges.point((Long) v));
          }
        }
        yield out;
      }
      case Predicate.Between b when keys.contains(b.column()) && !b.negated() ->
          b.low() == null || b.high() == null
              ? KeyRanges.none()
              : KeyRanges.between((Long) b.low(), (Long) b.high());
      case Predicate.IsNull n when keys.contains(n.column()) && !n.negated() -> KeyRanges.none();
      default -> KeyRanges.all();
    };
  }

  /**
   * The exact values of column {@code key} a row matching {@code p} can have — from {@code key = v}
   * and {@code key IN (..)}, through AND and OR — or null when {@code p} does not name them (any
   * value may match). A String key's rows lie by hash, so these values, not ranges, say which
   * shards can hold them.
   */
  static java.util.Set<Object> values(Predicate p, String key) {
    return switch (p) {
      case Predicate.Compare c
          when c.column().equals(key) && c.op() == Predicate.Op.EQ && c.value() != null ->
          java.util.Set.of(c.value());
      case Predicate.In in when in.column().equals(key) && !in.negated() -> {
        java.util.Set<Object> out = new java.util.LinkedHashSet<>();
        for (Object v : in.values()) {
          if (v != null) {
            out.add(v);
          }
        }
        yield out;
      }
      case Predicate.And a -> {
        java.util.Set<Object> l = values(a.left(), key);
        java.util.Set<Object> r = values(a.right(), key);
        if (l == null || r == null) {
          yield l == null ? r : l;
        }
        java.util.Set<Object> both = new java.util.LinkedHashSet<>(l);
        both.retainAll(r);
        yield both;
      }
      case Predicate.Or o -> {
        java.util.Set<Object> l = values(o.left(), key);
        java.util.Set<Object> r = values(o.right(), key);
        if (l == null || r == null) {
          yield null;
        }
        java.util.Set<Object> either = new java.util.LinkedHashSet<>(l);
        either.addAll(r);
        yield either;
      }
      default -> null;
    };
  }

  /** Keys for NOT p: the complement only where p's keys are exact (a plain key condition). */
  private static KeyRanges notKeys(Predicate inner, java.util.Set<String> keys) {
    boolean exact =
        switch (inner) {
          case Predicate.Compare c -> keys.contains(c.column()) && c.value() != null;
          case Predicate.Between b ->
              keys.contains(b.column()) && !b.negated() && b.low() != null && b.high() != null;
          case Predicate.In in ->
              keys.contains(in.column()) && !in.negated() && !in.values().contains(null);
          default -> false;
        };
    return exact ? of(inner, keys).complement() : KeyRanges.all();
  }

  private static KeyRanges compareKeys(Predicate.Op op, Long v) {
    if (v == null) {
      return KeyRanges.none(); // a comparison with NULL matches nothing
    }
    return switch (op) {
      case EQ -> KeyRanges.point(v);
      case NE -> KeyRanges.point(v).complement();
      case LT -> v == Long.MIN_VALUE ? KeyRanges.none() : KeyRanges.between(Long.MIN_VALUE, v - 1);
      case LE -> KeyRanges.between(Long.MIN_VALUE, v);
      case GT -> v == Long.MAX_VALUE ? KeyRanges.none() : KeyRanges.between(v + 1, Long.MAX_VALUE);
      case GE -> KeyRanges.between(v, Long.MAX_VALUE);
    };
  }
}
