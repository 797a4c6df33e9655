package io.shardeddb.protocol.schema;

import io.shardeddb.protocol.InvalidRequestException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of {@link ColumnType#DateTime} columns: a date and time without a zone, kept as the
 * text {@code yyyy-MM-dd HH:mm:ss} with the fraction's significant digits (at most 6) after a dot,
 * which is what MySQL's {@code DATETIME(6)} stores and how the value travels, is compared and is
 * hashed. The database's time zone is UTC: {@code CURRENT_TIMESTAMP} is the UTC time, and an input
 * ending in {@code Z} is taken as UTC.
 */
public final class DateTimes {
  private static final Pattern FORM =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})(?:[ T](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?)?Z?");

  private DateTimes() {}

  /** The canonical text of {@code value} for column {@code column}, or a 400 naming it. */
  public static String canonical(String column, Object value) {
    if (value instanceof LocalDateTime t) {
      return format(column, t);
    }
    if (value instanceof java.sql.Timestamp t) {
      return format(column, t.toLocalDateTime());
    }
    if (!(value instanceof CharSequence s)) {
      throw ColumnType.DateTime.wrongType(column, value);
    }
    Matcher m = FORM.matcher(s.toString().trim());
    if (!m.matches()) {
      throw ColumnType.DateTime.wrongType(column, value);
    }
    try {
      LocalDate date =
          LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      int nanos = 0;
      if (m.group(7) != null) {
        nanos = Integer.parseInt((m.group(7) + "000000").substring(0, 6)) * 1000;
      }
      LocalDateTime t =
          date.atTime(
              m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
              m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
              m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
              nanos);
      return format(column, t);
    } catch (DateTimeException e) {
      throw ColumnType.DateTime.wrongType(column, value);
    }
  }

  /** The current UTC time as a DateTime value, to the microsecond. */
  public static String now(Clock clock) {
    return format("CURRENT_TIMESTAMP", LocalDateTime.now(clock.withZone(ZoneOffset.UTC)));
  }

  private static String format(String column, LocalDateTime t) {
    if (t.getYear() < 1000 || t.getYear() > 9999) {
      throw new InvalidRequestException(
          "field '" + column + "' is out of range for a DateTime (years 1000 to 9999)");
    }
    LocalDateTime micros = t.truncatedTo(ChronoUnit.MICROS);
    StringBuilder sb =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02d %02d:%02d:%02d",
                micros.getYear(),
                micros.getMonthValue(),
                micros.getDayOfMonth(),
                micros.getHour(),
                micros.getMinute(),
                micros.getSecond()));
    int us = micros.getNano() / 1000;
    if (us != 0) {
      String frac = String.format("%06d", us);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.toString();
  }
}
