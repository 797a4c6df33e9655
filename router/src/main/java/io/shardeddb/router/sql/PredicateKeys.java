package io.shardeddb.router.sql;

/**
 * The shard keys a WHERE {@link Predicate} can match: exact for conditions on the key, every key
 * for anything else (so the router reads those rows and evaluates the condition itself). Pure.
 */
final class PredicateKeys {
  private PredicateKeys() {}

  /** The keys {@code p} can match, {@code key} being the shard key column. */
  static KeyRanges of(Predicate p, String key) {
    return switch (p) {
      case Predicate.Always a -> KeyRanges.all();
      case Predicate.And a -> of(a.left(), key).intersect(of(a.right(), key));
      case Predicate.Or o -> of(o.left(), key).union(of(o.right(), key));
      case Predicate.Not n -> notKeys(n.inner(), key);
      case Predicate.Compare c when c.column().equals(key) -> compareKeys(c.op(), (Long) c.value());
      case Predicate.In in when in.column().equals(key) && !in.negated() -> {
        KeyRanges out = KeyRanges.none();
        for (Object v : in.values()) {
          if (v != null) {
            out = out.union(KeyRanges.point((Long) v));
          }
        }
        yield out;
      }
      case Predicate.Between b when b.column().equals(key) && !b.negated() ->
          b.low() == null || b.high() == null
              ? KeyRanges.none()
              : KeyRanges.between((Long) b.low(), (Long) b.high());
      case Predicate.IsNull n when n.column().equals(key) && !n.negated() -> KeyRanges.none();
      default -> KeyRanges.all();
    };
  }

  /** Keys for NOT p: the complement only where p's keys are exact (a plain key condition). */
  private static KeyRanges notKeys(Predicate inner, String key) {
    boolean exact =
        switch (inner) {
          case Predicate.Compare c -> c.column().equals(key) && c.value() != null;
          case Predicate.Between b ->
              b.column().equals(key) && !b.negated() && b.low() != null && b.high() != null;
          case Predicate.In in ->
              in.column().equals(key) && !in.negated() && !in.values().contains(null);
          default -> false;
        };
    return exact ? of(inner, key).complement() : KeyRanges.all();
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
