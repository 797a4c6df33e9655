package io.shardeddb.protocol.schema;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** Column data types; the names are the assignment's dtypes ({@code Number}, {@code String}). */
public enum ColumnType {
  /** A signed 64-bit integer. */
  Number("BIGINT"),
  /**
   * Text up to 1024 characters. Stored as TEXT, which lives off the row, so a table with many
   * String columns still fits MySQL's 65,535-byte row limit (1024 utf8mb4 VARCHARs would stop at
   * 15).
   */
  String("TEXT"),
  /** An exact decimal number: at most 28 digits before the point and 10 after. */
  Decimal("DECIMAL(38,10)"),
  /** {@code true} or {@code false} (also given as 1 or 0, as MySQL's drivers send them). */
  Boolean("BOOLEAN"),
  /**
   * A JSON document (MySQL's {@code JSON}): any JSON value. It travels and is stored as its compact
   * JSON text; a string given for it is parsed as JSON text, as MySQL does.
   */
  Json("JSON"),
  /**
   * A date and time without a zone, to the microsecond (MySQL's {@code DATETIME(6)}), written
   * {@code yyyy-MM-dd HH:mm:ss[.ffffff]}.
   */
  DateTime("DATETIME(6)");

  /** The most characters a String value may have. */
  public static final int MAX_STRING_LENGTH = 1024;

  /** Digits after the decimal point that {@code DECIMAL(38,10)} keeps. */
  public static final int DECIMAL_SCALE = 10;

  /** Digits before the decimal point that {@code DECIMAL(38,10)} keeps. */
  public static final int DECIMAL_INTEGER_DIGITS = 28;

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
        "unknown dtype '"
            + name
            + "' (expected one of Number, String, Decimal, Boolean, Json, DateTime)");
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
        if (s.length() > MAX_STRING_LENGTH) {
          throw new InvalidRequestException(
              "field '" + column + "' is longer than " + MAX_STRING_LENGTH + " characters");
        }
        yield requireUnicode(column, s.toString());
      }
      case Decimal -> toDecimal(column, value);
      case Boolean -> {
        if (value instanceof java.lang.Boolean b) {
          yield b;
        }
        // MySQL's BOOLEAN is TINYINT(1): drivers send true and false as 1 and 0.
        if ((value instanceof Long || value instanceof Integer || value instanceof Short)
            && (((java.lang.Number) value).longValue() == 0
                || ((java.lang.Number) value).longValue() == 1)) {
          yield ((java.lang.Number) value).longValue() == 1;
        }
        if (value instanceof CharSequence s) {
          java.lang.String v = s.toString().trim().toLowerCase(Locale.ROOT);
          if (v.equals("true") || v.equals("false")) {
            yield java.lang.Boolean.valueOf(v);
          }
        }
        throw wrongType(column, value);
      }
      case Json -> JsonValues.canonical(column, value);
      case DateTime -> DateTimes.canonical(column, value);
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
    BigDecimal d;
    try {
      if (value instanceof BigDecimal b) {
        d = b;
      } else if (value instanceof java.lang.Number n) {
        d = new BigDecimal(n.toString());
      } else if (value instanceof CharSequence s && s.length() <= 100) {
        d = new BigDecimal(s.toString().trim());
      } else {
        throw wrongType(column, value);
      }
    } catch (NumberFormatException e) {
      throw wrongType(column, value);
    }
    return fitDecimal(column, d);
  }

  /**
   * The value as {@code DECIMAL(38,10)} stores it, or a 400 naming the column: MySQL would round
   * extra fraction digits silently and refuse a too-large value with an SQL error, and neither is
   * the user's intent.
   */
  static BigDecimal fitDecimal(java.lang.String column, BigDecimal d) {
    if (d.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal s = d.stripTrailingZeros();
    // Checked on the exponent first, so 1e-999999999 is refused without expanding it.
    long integerDigits = (long) s.precision() - s.scale();
    if (integerDigits > DECIMAL_INTEGER_DIGITS) {
      throw new InvalidRequestException(
          "field '"
              + column
              + "' is out of range for a Decimal (at most "
              + DECIMAL_INTEGER_DIGITS
              + " digits before the decimal point)");
    }
    if (s.scale() > DECIMAL_SCALE) {
      throw new InvalidRequestException(
          "field '"
              + column
              + "' has more than "
              + DECIMAL_SCALE
              + " digits after the decimal point (a Decimal keeps "
              + DECIMAL_SCALE
              + ")");
    }
    if (d.scale() >= 0 && d.scale() <= DECIMAL_SCALE) {
      return d;
    }
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  /**
   * Returns {@code s} unless it holds a lone UTF-16 surrogate (JSON allows {@code "\ud800"}), which
   * no Unicode encoding can store: MySQL would keep a '?' instead.
   */
  public static java.lang.String requireUnicode(java.lang.String field, java.lang.String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidRequestException(
            "field '"
                + field
                + "' is not valid Unicode (a lone UTF-16 surrogate at index "
                + i
                + ")");
      }
    }
    return s;
  }

  InvalidRequestException wrongType(java.lang.String column, Object value) {
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
          case Json -> "a JSON document";
          case DateTime -> "a DateTime (yyyy-MM-dd HH:mm:ss)";
        };
    return new InvalidRequestException(
        "field '" + column + "' must be " + expected + ", got '" + shown + "'");
  }
}
