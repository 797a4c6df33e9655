package io.shardeddb.protocol.shard;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional {@code filter} of a shard-server {@code POST /read}: a condition on the shard's rows
 * that the shard-server evaluates in MySQL (as a parameterized WHERE clause built from this tree,
 * never from text) before it pages, so only matching rows travel. A tree of {@code and}/{@code or}
 * nodes ({@code of}: the operands) over leaves {@code column op values}, from a closed set of
 * operators; negation is expressed by the negated operators ({@code <>}, {@code not in}, ...), so a
 * NOT never needs to be sent. On the wire: {@code {"op":"and","of":[{"op":">","column":"marks",
 * "values":[70]}, ...]}}; decimals travel as text. Shapes are checked here, columns and value types
 * by the shard-server against its schema.
 */
public record ReadFilter(String op, String column, List<Object> values, List<ReadFilter> of) {

  /** The operators with no operand but the column. */
  public static final Set<String> NULL_TESTS = Set.of("is null", "is not null");

  /** The comparisons with exactly one value. */
  public static final Set<String> COMPARISONS = Set.of("=", "<>", "<", "<=", ">", ">=");

  /** The list tests (one or more values). */
  public static final Set<String> LISTS = Set.of("in", "not in");

  /** The range tests (two values, both bounds inclusive). */
  public static final Set<String> RANGES = Set.of("between", "not between");

  /** The pattern tests (one String value; {@code %}, {@code _}, {@code \} escapes). */
  public static final Set<String> PATTERNS = Set.of("like", "not like");

  /** The connectives. */
  public static final Set<String> CONNECTIVES = Set.of("and", "or");

  /** How deep a filter may nest (the router flattens chains of one connective). */
  public static final int MAX_DEPTH = 64;

  /** How many nodes and values one filter may hold in all. */
  public static final int MAX_SIZE = 10_000;

  public ReadFilter {
    values = values == null ? null : Collections.unmodifiableList(new ArrayList<>(values));
    of = of == null ? null : List.copyOf(of);
  }

  /** A leaf: {@code column op values}. */
  public static ReadFilter leaf(String column, String op, List<Object> values) {
    return new ReadFilter(op, column, values, null);
  }

  /** {@code and}/{@code or} of {@code operands}. */
  public static ReadFilter node(String op, List<ReadFilter> operands) {
    return new ReadFilter(op, null, null, operands);
  }

  /** Nodes plus values in this tree (what {@link #MAX_SIZE} bounds). */
  public int size() {
    int n = 1 + (values == null ? 0 : values.size());
    if (of != null) {
      for (ReadFilter f : of) {
        n += f.size();
      }
    }
    return n;
  }

  /** Levels of nesting (a leaf is 1). */
  public int depth() {
    int d = 0;
    if (of != null) {
      for (ReadFilter f : of) {
        d = Math.max(d, f.depth());
      }
    }
    return d + 1;
  }

  /** The JSON body of this filter (decimals as plain text, so no reader rounds them). */
  public Map<String, Object> toWire() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("op", op);
    if (column != null) {
      out.put("column", column);
    }
    if (values != null) {
      List<Object> vs = new ArrayList<>();
      for (Object v : values) {
        vs.add(v instanceof BigDecimal d ? d.toPlainString() : v);
      }
      out.put("values", vs);
    }
    if (of != null) {
      out.put("of", of.stream().map(ReadFilter::toWire).toList());
    }
    return out;
  }

  /**
   * Parses the {@code filter} field of a read request, checking its shape (known operator, operand
   * counts, bounds): a 400 naming what is wrong otherwise. Null stays null (no filter).
   */
  public static ReadFilter fromWire(Object raw) {
    if (raw == null) {
      return null;
    }
    int[] budget = {MAX_SIZE};
    return parse(raw, "filter", 1, budget);
  }

  private static ReadFilter parse(Object raw, String path, int depth, int[] budget) {
    if (depth > MAX_DEPTH) {
      throw new InvalidRequestException(
          "field '" + path + "' nests deeper than " + MAX_DEPTH + " levels");
    }
    if (--budget[0] < 0) {
      throw new InvalidRequestException(
          "field 'filter' holds more than " + MAX_SIZE + " nodes and values");
    }
    if (!(raw instanceof Map<?, ?> map)) {
      throw new InvalidRequestException("field '" + path + "' must be an object");
    }
    for (Object k : map.keySet()) {
      if (!Set.of("op", "column", "values", "of").contains(String.valueOf(k))) {
        throw new InvalidRequestException(
            "field '" + path + "' has an unknown field '" + k + "' (op, column, values, of)");
      }
    }
    if (!(map.get("op") instanceof CharSequence opText)) {
      throw new InvalidRequestException("field '" + path + ".op' must be a string");
    }
    String op = opText.toString();
    if (CONNECTIVES.contains(op)) {
      if (map.get("column") != null || map.get("values") != null) {
        throw new InvalidRequestException(
            "field '" + path + "' (" + op + ") takes only 'of', a list of filters");
      }
      if (!(map.get("of") instanceof List<?> list) || list.isEmpty()) {
        throw new InvalidRequestException(
            "field '" + path + ".of' must be a non-empty list of filters");
      }
      List<ReadFilter> operands = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        operands.add(parse(list.get(i), path + ".of[" + i + "]", depth + 1, budget));
      }
      return node(op, operands);
    }
    int arity;
    if (NULL_TESTS.contains(op)) {
      arity = 0;
    } else if (COMPARISONS.contains(op) || PATTERNS.contains(op)) {
      arity = 1;
    } else if (RANGES.contains(op)) {
      arity = 2;
    } else if (LISTS.contains(op)) {
      arity = -1;
    } else {
      throw new InvalidRequestException(
          "field '"
              + path
              + ".op' is '"
              + op
              + "'; the operators are and, or, =, <>, <, <=, >, >=, in, not in, between,"
              + " not between, like, not like, is null, is not null");
    }
    if (map.get("of") != null) {
      throw new InvalidRequestException("field '" + path + "' (" + op + ") takes no 'of'");
    }
    if (!(map.get("column") instanceof CharSequence column)) {
      throw new InvalidRequestException("field '" + path + ".column' must be a column name");
    }
    Object rawValues = map.get("values");
    List<Object> values;
    if (arity == 0) {
      if (rawValues != null && !(rawValues instanceof List<?> l && l.isEmpty())) {
        throw new InvalidRequestException("field '" + path + "' (" + op + ") takes no values");
      }
      values = null;
    } else {
      if (!(rawValues instanceof List<?> list)) {
        throw new InvalidRequestException("field '" + path + ".values' must be a list");
      }
      if (arity > 0 ? list.size() != arity : list.isEmpty()) {
        throw new InvalidRequestException(
            "field '"
                + path
                + ".values' must hold "
                + (arity > 0 ? "exactly " + arity : "at least one")
                + " value"
                + (arity == 1 ? "" : "s")
                + " for "
                + op);
      }
      budget[0] -= list.size();
      if (budget[0] < 0) {
        throw new InvalidRequestException(
            "field 'filter' holds more than " + MAX_SIZE + " nodes and values");
      }
      values = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object v = list.get(i);
        if (v == null) {
          throw new InvalidRequestException(
              "field '" + path + ".values[" + i + "]' must not be null (use is null)");
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
          throw new InvalidRequestException(
              "field '" + path + ".values[" + i + "]' must be a number, string or boolean");
        }
        values.add(v);
      }
    }
    return leaf(column.toString(), op, values);
  }
}
