package io.shardeddb.cli.data;

import io.shardeddb.api.v1alpha1.SchemaSpec;

/**
 * The {@code SELECT} that {@code find} sends to {@code POST /query} for a String-keyed first table,
 * whose rows the assignment's {@code /read} (a range of numbers) does not serve. {@code /query}
 * takes no parameters, so the keys are written as string literals, escaped as the router's own
 * prepared statements bind a value ({@code Placeholders.quote}, for its parser with backslash
 * escapes on): a key is always data, never SQL. Pure.
 */
public final class StringKeySelect {
  private StringKeySelect() {}

  /** Every column of the rows whose key is {@code low}, or lies in {@code [low, high]}. */
  public static String of(SchemaSpec schema, String low, String high) {
    String select = "SELECT * FROM " + name(schema.table()) + " WHERE " + name(schema.shardKey());
    return low.equals(high)
        ? select + " = " + literal(low)
        : select + " BETWEEN " + literal(low) + " AND " + literal(high);
  }

  /** {@code value} as a MySQL string literal: quoted, its quote and backslash escaped. */
  public static String literal(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
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

  /** A table or column name in backquotes (the schema's names are identifiers already). */
  private static String name(String identifier) {
    return '`' + identifier.replace("`", "``") + '`';
  }
}
