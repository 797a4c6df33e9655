package io.shardeddb.router.mysql;

import java.util.List;

/**
 * The {@code ?} placeholders of a prepared statement's text, outside quoted strings, quoted names
 * and comments: how many there are, and the text with SQL literals in their places. Pure. The
 * literals are escaped for the router's parser (backslash escapes on), so a bound value is always
 * data, never SQL.
 */
final class Placeholders {
  private Placeholders() {}

  /** How many placeholders {@code sql} holds. */
  static int count(String sql) {
    int[] n = {0};
    scan(sql, null, n);
    return n[0];
  }

  /** {@code sql} with the {@code i}-th placeholder replaced by {@code literals.get(i)}. */
  static String bind(String sql, List<String> literals) {
    StringBuilder out = new StringBuilder(sql.length() + 16 * literals.size());
    int[] n = {0};
    if (count(sql) != literals.size()) {
      throw new IllegalArgumentException(
          count(sql) + " placeholders, " + literals.size() + " values");
    }
    scan(sql, (i, piece) -> out.append(i < 0 ? piece : literals.get(i)), n);
    return out.toString();
  }

  /** A string literal: quoted, with backslash and quote escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        case '\0' -> b.append("\\0");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\u001a' -> b.append("\\Z");
        default -> b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  private interface Sink {
    /** A piece of text ({@code index} -1) or the placeholder {@code index}. */
    void accept(int index, String piece);
  }

  private static void scan(String sql, Sink sink, int[] count) {
    int start = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        i = skipQuoted(sql, i, c);
      } else if (c == '#' || (c == '-' && sql.startsWith("-- ", i))) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else if (c == '/' && sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
      } else if (c == '?') {
        if (sink != null) {
          sink.accept(-1, sql.substring(start, i));
          sink.accept(count[0], null);
        }
        count[0]++;
        i++;
        start = i;
      } else {
        i++;
      }
    }
    if (sink != null) {
      sink.accept(-1, sql.substring(start));
    }
  }

  private static int skipQuoted(String sql, int at, char quote) {
    int i = at + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return sql.length();
  }
}
