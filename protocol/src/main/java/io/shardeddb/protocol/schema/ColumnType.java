package io.shardeddb.protocol.schema;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** Column data types; the names are the assignment's dtypes ({@code Number}, {@code String}). */
public enum ColumnType {
  /** A signed 64-bit integer. */
  Number("BIGINT"),
  /** Text up to 1024 characters. */
  String("VARCHAR(1024)"),
  /** An exact decimal number. */
  Decimal("DECIMAL(38,10)"),
  /** {@code true} or {@code false}. */
  Boolean("BOOLEAN");

  private final java.lang.String sqlType;

  ColumnType(java.lang.String sqlType) {
    this.sqlType = sqlType;
  }

  /** The MySQL column type that stores this type. */
  public java.lang.String sqlType() {
    return sqlType;
  }

  /** Parses a dtype name, case-insensitively, or fails naming the accepted ones. */
  public static ColumnType parse(java.lang.String name) {
    if (name != null) {
      for (ColumnType t : values()) {
        if (t.name().equalsIgnoreCase(name.trim())) {
          return t;
        }
      }
    }
    throw new InvalidRequestException(
        "unknown dtype '" + name + "' (expected one of Number, String, Decimal, Boolean)");
  }

  /**
   * Converts a JSON value to this type's Java value (Long, String, BigDecimal, Boolean), or fails
   * with a message naming the column. A number sent as a JSON string ("2255") is accepted.
   */
  public Object coerce(java.lang.String column, Object value) {
    if (value == null) {
      throw new InvalidRequestException("field '" + column + "' must not be null");
    }
    return switch (this) {
      case Number -> toLong(column, value);
      case String -> {
        if (!(value instanceof CharSequence s)) {
          throw wrongType(column, value);
        }
        if (s.length() > 1024) {
          throw new InvalidRequestException(
              "field '" + column + "' is longer than 1024 characters");
        }
        yield s.toString();
      }
      case Decimal -> toDecimal(column, value);
      case Boolean -> {
        if (value instanceof java.lang.Boolean b) {
          yield b;
        }
        if (value instanceof CharSequence s) {
          java.lang.String v = s.toString().trim().toLowerCase(Locale.ROOT);
          if (v.equals("true") || v.equals("false")) {
            yield java.lang.Boolean.valueOf(v);
          }
        }
        throw wrongType(column, value);
      }
    };
  }

  private long toLong(java.lang.String column, Object value) {
    try {
      if (value instanceof Long || value instanceof Integer || value instanceof Short) {
        return ((java.lang.Number) value).longValue();
      }
      if (value instanceof BigInteger bi) {
        return bi.longValueExact();
      }
      BigDecimal d;
      if (value instanceof java.lang.Number n) {
        d = new BigDecimal(n.toString());
      } else if (value instanceof CharSequence s) {
        d = new BigDecimal(s.toString().trim());
      } else {
        throw wrongType(column, value);
      }
      return d.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw wrongType(column, value);
    }
  }

  private BigDecimal toDecimal(java.lang.String column, Object value) {
    try {
      if (value instanceof java.lang.Number n) {
        return new BigDecimal(n.toString());
      }
      if (value instanceof CharSequence s) {
        return new BigDecimal(s.toString().trim());
      }
    } catch (NumberFormatException e) {
      throw wrongType(column, value);
    }
    throw wrongType(column, value);
  }

  private InvalidRequestException wrongType(java.lang.String column, Object value) {
    java.lang.String shown = java.lang.String.valueOf(value);
    if (shown.length() > 40) {
      shown = shown.substring(0, 40) + "...";
    }
    java.lang.String expected =
        switch (this) {
          case Number -> "a Number (integer)";
          case String -> "a String";
          case Decimal -> "a Decimal";
          case Boolean -> "a Boolean";
        };
    return new InvalidRequestException(
        "field '" + column + "' must be " + expected + ", got '" + shown + "'");
  }
}
