package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.util.Locale;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.statement.select.Select;

/**
 * SQL literals and identifiers as the translator reads them: a literal's typed Java value, MySQL's
 * string escapes and identifier quotes. Pure; a value that is not supported is a 400.
 */
final class SqlLiterals {
  private SqlLiterals() {}

  /** Whether {@code e} is a literal value ({@link #literal} accepts it). */
  static boolean isLiteral(Expression e) {
    return e instanceof LongValue
        || e instanceof DoubleValue
        || e instanceof StringValue
        || e instanceof NullValue
        || e instanceof BooleanValue
        || isDoubleQuotedString(e)
        || e instanceof SignedExpression s && isLiteral(s.getExpression());
  }

  /**
   * Whether {@code e} is a double-quoted string ({@code "Alice"}): MySQL's default SQL mode (no
   * ANSI_QUOTES) reads it as a string literal, where the parser sees a quoted identifier.
   */
  static boolean isDoubleQuotedString(Expression e) {
    if (!(e instanceof net.sf.jsqlparser.schema.Column c) || c.getTable() != null) {
      return false;
    }
    String n = c.getColumnName();
    return n != null && n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"");
  }

  /** Whether {@code e} names a column (and is not a double-quoted string). */
  static boolean isColumnRef(Expression e) {
    return e instanceof net.sf.jsqlparser.schema.Column && !isDoubleQuotedString(e);
  }

  /** A literal's Java value: Long or BigDecimal for numbers, String, Boolean or null. */
  static Object literal(Expression e, String where) {
    if (e instanceof JdbcParameter || e instanceof JdbcNamedParameter) {
      throw new InvalidRequestException(
          "parameters (?) are not supported; put the values in the statement");
    }
    if (e instanceof LongValue v) {
      BigDecimal d = new BigDecimal(v.getStringValue());
      try {
        return d.longValueExact();
      } catch (ArithmeticException tooBig) {
        return d;
      }
    }
    if (e instanceof DoubleValue v) {
      try {
        return new BigDecimal(v.toString());
      } catch (NumberFormatException notPlain) {
        return BigDecimal.valueOf(v.getValue());
      }
    }
    if (e instanceof StringValue s) {
      if (s.getPrefix() != null && !s.getPrefix().isEmpty()) {
        throw new InvalidRequestException(
            "string prefixes (" + s.getPrefix() + "'...') are not supported");
      }
      return unescape(s.getValue());
    }
    if (e instanceof NullValue) {
      return null;
    }
    if (e instanceof BooleanValue b) {
      return b.getValue();
    }
    if (e instanceof SignedExpression s) {
      Object inner = literal(s.getExpression(), where);
      if (s.getSign() == '+' && (inner instanceof Long || inner instanceof BigDecimal)) {
        return inner;
      }
      if (s.getSign() == '-') {
        if (inner instanceof Long l) {
          return l == Long.MIN_VALUE ? BigDecimal.valueOf(l).negate() : -l;
        }
        if (inner instanceof BigDecimal d) {
          BigDecimal n = d.negate();
          try {
            return n.longValueExact();
          } catch (ArithmeticException notLong) {
            return n;
          }
        }
      }
      throw new InvalidRequestException("the value '" + e + "' is not supported in " + where);
    }
    if (isDoubleQuotedString(e)) {
      String n = ((net.sf.jsqlparser.schema.Column) e).getColumnName();
      return unescape(n.substring(1, n.length() - 1).replace("\"\"", "\""));
    }
    if (e instanceof net.sf.jsqlparser.schema.Column c
        && (c.getColumnName().equalsIgnoreCase("TRUE")
            || c.getColumnName().equalsIgnoreCase("FALSE"))
        && c.getTable() == null) {
      return Boolean.valueOf(c.getColumnName().toLowerCase(Locale.ROOT));
    }
    if (e instanceof Select) {
      throw new InvalidRequestException("subqueries are not supported");
    }
    throw new InvalidRequestException(
        "the value '" + e + "' in " + where + " is not supported (literal values only)");
  }

  /**
   * A MySQL string literal's content: {@code ''} is one quote, and backslash escapes as MySQL reads
   * them by default ({@code \0 \b \n \r \t \Z \\ \' \"}; any other {@code \x} is {@code x}, except
   * {@code \%} and {@code \_}, which stay as written for LIKE).
   */
  static String unescape(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
        out.append('\'');
        i++;
      } else if (c == '\\' && i + 1 < raw.length()) {
        char n = raw.charAt(++i);
        switch (n) {
          case '0' -> out.append('\0');
          case 'b' -> out.append('\b');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'Z' -> out.append((char) 26);
          case '%', '_' -> out.append('\\').append(n);
          default -> out.append(n);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** An identifier without its MySQL backquotes or ANSI double quotes. */
  static String unquote(String name) {
    if (name != null
        && name.length() >= 2
        && ((name.startsWith("`") && name.endsWith("`"))
            || (name.startsWith("\"") && name.endsWith("\"")))) {
      return name.substring(1, name.length() - 1);
    }
    return name;
  }
}
