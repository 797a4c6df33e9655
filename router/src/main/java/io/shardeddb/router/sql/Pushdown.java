package io.shardeddb.router.sql;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ReadFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a WHERE clause the shard-servers evaluate ({@link ReadFilter}), so that only rows
 * that can match travel to the router. NOT is pushed down to the leaves (De Morgan; a negated
 * comparison is the opposite comparison, which SQL's three-valued logic allows), and a leaf the
 * shard-servers cannot evaluate exactly as {@link Predicate} does (a NULL literal, LIKE on a column
 * that is not a String) becomes "true": AND and OR never turn a larger operand into a smaller
 * result, so the filter keeps every row the WHERE keeps, and the router still checks the whole
 * WHERE on what arrives. {@code exact} says the filter is the WHERE itself (then the shards may
 * count). Pure.
 */
public final class Pushdown {
  private Pushdown() {}

  /** The filter to send ({@code null}: none) and whether it equals the WHERE clause. */
  public record Result(ReadFilter filter, boolean exact) {}

  /** What the shard-servers can evaluate of {@code where} on {@code schema}'s table. */
  public static Result of(Predicate where, TableSchema schema) {
    Result r = push(where, false, schema);
    if (r.filter() != null
        && (r.filter().depth() > ReadFilter.MAX_DEPTH || r.filter().size() > ReadFilter.MAX_SIZE)) {
      // Too big for a shard-server to take: read unfiltered, the router checks every row.
      return new Result(null, false);
    }
    return r;
  }

  private static final Result TRUE = new Result(null, true);
  private static final Result RELAXED = new Result(null, false);

  private static Result push(Predicate p, boolean negate, TableSchema schema) {
    return switch (p) {
      case Predicate.Always a -> negate ? RELAXED : TRUE;
      case Predicate.Not n -> push(n.inner(), !negate, schema);
      case Predicate.And a ->
          negate
              ? or(push(a.left(), true, schema), push(a.right(), true, schema))
              : and(push(a.left(), false, schema), push(a.right(), false, schema));
      case Predicate.Or o ->
          negate
              ? and(push(o.left(), true, schema), push(o.right(), true, schema))
              : or(push(o.left(), false, schema), push(o.right(), false, schema));
      // A JSON document is compared by the router only (see comparable).
      case Predicate.JsonCompare j -> RELAXED;
      case Predicate.Compare c -> {
        if (c.value() == null || !comparable(schema, c.column())) {
          yield RELAXED;
        }
        Predicate.Op op = negate ? opposite(c.op()) : c.op();
        yield leaf(c.column(), op.sql, List.of(c.value()));
      }
      case Predicate.In in -> {
        if (in.values().contains(null) || !comparable(schema, in.column())) {
          yield RELAXED;
        }
        yield leaf(in.column(), in.negated() != negate ? "not in" : "in", in.values());
      }
      case Predicate.Between b -> {
        if (b.low() == null || b.high() == null || !comparable(schema, b.column())) {
          yield RELAXED;
        }
        yield leaf(
            b.column(),
            b.negated() != negate ? "not between" : "between",
            List.of(b.low(), b.high()));
      }
      case Predicate.IsNull n -> {
        if (column(schema, n.column()) == null) {
          yield RELAXED;
        }
        yield leaf(n.column(), n.negated() != negate ? "is not null" : "is null", null);
      }
      case Predicate.Like l -> {
        Column col = column(schema, l.column());
        // The router matches LIKE on the value's Java text; MySQL's text of a number, decimal
        // or boolean differs (1.50 vs 1.5, 1 vs true), so only String columns are pushed.
        if (col == null || col.type() != ColumnType.String) {
          yield RELAXED;
        }
        yield leaf(l.column(), l.negated() != negate ? "not like" : "like", List.of(l.pattern()));
      }
    };
  }

  private static Column column(TableSchema schema, String name) {
    return schema.column(name);
  }

  /**
   * Whether a shard-server compares the column's values as the router does. A JSON column's stored
   * text is compared by the router only (MySQL compares JSON documents by its own rules).
   */
  private static boolean comparable(TableSchema schema, String name) {
    Column c = column(schema, name);
    return c != null && c.type() != ColumnType.Json;
  }

  private static Result leaf(String column, String op, List<Object> values) {
    return new Result(ReadFilter.leaf(column, op, values), true);
  }

  private static Predicate.Op opposite(Predicate.Op op) {
    return switch (op) {
      case EQ -> Predicate.Op.NE;
      case NE -> Predicate.Op.EQ;
      case LT -> Predicate.Op.GE;
      case LE -> Predicate.Op.GT;
      case GT -> Predicate.Op.LE;
      case GE -> Predicate.Op.LT;
    };
  }

  private static Result and(Result l, Result r) {
    boolean exact = l.exact() && r.exact();
    if (l.filter() == null) {
      return new Result(r.filter(), exact);
    }
    if (r.filter() == null) {
      return new Result(l.filter(), exact);
    }
    return new Result(join("and", l.filter(), r.filter()), exact);
  }

  private static Result or(Result l, Result r) {
    if (l.filter() == null || r.filter() == null) {
      // "true OR x" is true: nothing to send; exact only when the true side was exact.
      boolean exact = l.filter() == null && l.exact() || r.filter() == null && r.exact();
      return new Result(null, exact);
    }
    return new Result(join("or", l.filter(), r.filter()), l.exact() && r.exact());
  }

  /** {@code a op b}, splicing operands of the same connective so chains stay flat. */
  private static ReadFilter join(String op, ReadFilter a, ReadFilter b) {
    List<ReadFilter> operands = new ArrayList<>();
    for (ReadFilter f : List.of(a, b)) {
      if (op.equals(f.op())) {
        operands.addAll(f.of());
      } else {
        operands.add(f);
      }
    }
    return ReadFilter.node(op, operands);
  }
}
