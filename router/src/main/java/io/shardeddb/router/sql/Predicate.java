package io.shardeddb.router.sql;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A WHERE clause as values, evaluated by the router over rows a shard returned, with SQL's
 * three-valued logic: {@link #test} answers {@code null} for "unknown" (a comparison with NULL),
 * and only rows for which it answers {@code TRUE} match. Literals are already coerced to their
 * column's type by the translator; column names are the schema's exact spelling.
 */
public sealed interface Predicate {

  /** {@code TRUE}, {@code FALSE} or {@code null} (unknown) for {@code row}. */
  Boolean test(Map<String, Object> row);

  /** Whether {@code row} matches (the predicate is {@code TRUE}). */
  default boolean matches(Map<String, Object> row) {
    return Boolean.TRUE.equals(test(row));
  }

  /** No WHERE clause: every row matches. */
  record Always() implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      return Boolean.TRUE;
    }
  }

  /** {@code left AND right}. */
  record And(Predicate left, Predicate right) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      return combine(left, right, row, false);
    }
  }

  /** {@code left OR right}. */
  record Or(Predicate left, Predicate right) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      return combine(left, right, row, true);
    }
  }

  /**
   * SQL's AND ({@code decisive} false) or OR ({@code decisive} true): either side equal to {@code
   * decisive} decides (the right side is then not evaluated if the left already did), else unknown
   * if either side is unknown, else {@code !decisive}.
   */
  private static Boolean combine(
      Predicate left, Predicate right, Map<String, Object> row, boolean decisive) {
    Boolean l = left.test(row);
    if (Boolean.valueOf(decisive).equals(l)) {
      return decisive;
    }
    Boolean r = right.test(row);
    if (Boolean.valueOf(decisive).equals(r)) {
      return decisive;
    }
    return l == null || r == null ? null : !decisive;
  }

  /** {@code NOT inner}. */
  record Not(Predicate inner) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      Boolean v = inner.test(row);
      return v == null ? null : !v;
    }
  }

  /** The comparison operators. */
  enum Op {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String sql;

    Op(String sql) {
      this.sql = sql;
    }

    boolean holds(int cmp) {
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  /** {@code column op value}; a NULL literal makes it unknown, as in SQL. */
  record Compare(String column, Op op, Object value) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      Integer cmp = compare(row.get(column), value);
      return cmp == null ? null : op.holds(cmp);
    }
  }

  /**
   * {@code JSON_EXTRACT(column, path) op value} (also {@code column->path} and {@code
   * column->>path}): the value the path selects in the row's JSON document, compared as {@link
   * JsonPath#select} makes it; a path that selects nothing is NULL (unknown).
   */
  record JsonCompare(String column, JsonPath path, Op op, Object value) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      Integer cmp = compare(path.select(row.get(column)), value);
      return cmp == null ? null : op.holds(cmp);
    }
  }

  /** {@code column [NOT] IN (values)}. */
  record In(String column, List<Object> values, boolean negated) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      Object v = row.get(column);
      boolean unknown = false;
      for (Object candidate : values) {
        Integer cmp = compare(v, candidate);
        if (cmp == null) {
          unknown = true;
        } else if (cmp == 0) {
          return !negated;
        }
      }
      return unknown ? null : negated;
    }
  }

  /** {@code column [NOT] BETWEEN low AND high} (both inclusive). */
  record Between(String column, Object low, Object high, boolean negated) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      Object v = row.get(column);
      Integer lo = compare(v, low);
      Integer hi = compare(v, high);
      if (lo == null || hi == null) {
        return null;
      }
      boolean inside = lo >= 0 && hi <= 0;
      return negated != inside;
    }
  }

  /** {@code column IS [NOT] NULL}. */
  record IsNull(String column, boolean negated) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      return negated != (row.get(column) == null);
    }
  }

  /** {@code column [NOT] LIKE pattern} with {@code %}, {@code _} and backslash escapes. */
  record Like(String column, String pattern, boolean negated) implements Predicate {
    @Override
    public Boolean test(Map<String, Object> row) {
      Object v = row.get(column);
      if (v == null) {
        return null;
      }
      return negated != likeRegex(pattern).matcher(String.valueOf(v)).matches();
    }
  }

  /** The regex for a LIKE pattern: {@code %} any run, {@code _} one character, {@code \x} x. */
  public static Pattern likeRegex(String pattern) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /**
   * Orders two stored values: numbers by value whatever their Java type, text by its code points
   * (binary, case-sensitive: the order of its UTF-8 bytes, as the shard-servers compare it),
   * booleans as 0 and 1. {@code null} when either is NULL (unknown).
   */
  static Integer compare(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (isNumeric(a) && isNumeric(b)) {
      return decimal(a).compareTo(decimal(b));
    }
    if (a instanceof Boolean || b instanceof Boolean) {
      if (isNumeric(a) || isNumeric(b) || (a instanceof Boolean && b instanceof Boolean)) {
        return decimal(a).compareTo(decimal(b));
      }
    }
    return compareText(String.valueOf(a), String.valueOf(b));
  }

  /**
   * Code point order, not {@link String#compareTo}'s UTF-16 unit order (they differ when a
   * character beyond U+FFFF meets one in U+E000..U+FFFF).
   */
  static int compareText(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static boolean isNumeric(Object v) {
    return v instanceof Number;
  }

  private static BigDecimal decimal(Object v) {
    if (v instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    return new BigDecimal(v.toString());
  }
}
