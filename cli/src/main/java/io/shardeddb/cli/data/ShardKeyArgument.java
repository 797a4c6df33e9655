package io.shardeddb.cli.data;

import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.protocol.schema.ColumnType;

/**
 * A shard key as a data command's line gives it ({@code KEY}, {@code LOW}, {@code HIGH}), read by
 * the type of the first table's shard key in the resource's {@code spec.schema}: for a Number key a
 * whole number in decimal with an optional sign (as the commands always took it); for a String key
 * the text exactly as written, since every text is a String key ({@code 42} is the key "42"). Pure.
 */
public final class ShardKeyArgument {
  private ShardKeyArgument() {}

  /** Whether the first table's shard key is a String column. */
  public static boolean stringKeyed(SchemaSpec schema) {
    return schema.columns().stream()
            .filter(c -> c.name().equals(schema.shardKey()))
            .map(ColumnSpec::type)
            .findFirst()
            .orElse(ColumnType.Number)
        == ColumnType.String;
  }

  /**
   * {@code text}, the argument {@code label}, as a key value of the first table: a {@code Long} or
   * a {@code String}; a {@link DataCommandException} when a Number key is given something else.
   */
  public static Object parse(SchemaSpec schema, String label, String text) {
    if (stringKeyed(schema)) {
      return text;
    }
    Long key = wholeNumber(text);
    if (key == null) {
      throw new DataCommandException(
          label
              + " '"
              + text
              + "' is not a whole number: table "
              + schema.table()
              + " is keyed by "
              + schema.shardKey()
              + ", a Number column");
    }
    return key;
  }

  /** {@code text} as a whole number (decimal, optional sign, in a long's range), else null. */
  public static Long wholeNumber(String text) {
    try {
      return Long.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
