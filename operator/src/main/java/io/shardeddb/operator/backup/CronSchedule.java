package io.shardeddb.operator.backup;

import java.time.ZonedDateTime;
import java.util.BitSet;

/**
 * A cron schedule of five fields (minute hour day-of-month month day-of-week, UTC), each {@code *},
 * a number, a range {@code a-b}, a step {@code * /n} or {@code a-b/n}, or a comma list of those;
 * day of week 0-7 (0 and 7: Sunday). As in cron, when both day fields are restricted a day matching
 * either fires.
 */
public final class CronSchedule {
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean daysRestricted;
  private final boolean weekdaysRestricted;

  private CronSchedule(String[] f) {
    minutes = field(f[0], 0, 59, "minute");
    hours = field(f[1], 0, 23, "hour");
    days = field(f[2], 1, 31, "day of month");
    months = field(f[3], 1, 12, "month");
    weekdays = field(f[4], 0, 7, "day of week");
    if (weekdays.get(7)) {
      weekdays.set(0);
    }
    daysRestricted = !f[2].equals("*");
    weekdaysRestricted = !f[4].equals("*");
  }

  /** Parses {@code expression}; IllegalArgumentException naming the bad field. */
  public static CronSchedule parse(String expression) {
    String[] f = expression == null ? new String[0] : expression.trim().split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException(
          "spec.backup.schedule '"
              + expression
              + "' needs five fields: minute hour day-of-month month day-of-week");
    }
    return new CronSchedule(f);
  }

  /**
   * The latest minute the schedule fires in after {@code after} (exclusive) up to {@code upTo}
   * (inclusive), looking back at most {@code maxMinutes}: a pass that came late (the timer slipped,
   * the operator restarted or was not leading) still takes the backup it was due, once (backup
   * review 2026-11-26 M6). Empty when none.
   */
  public java.util.Optional<ZonedDateTime> latestDue(
      ZonedDateTime after, ZonedDateTime upTo, int maxMinutes) {
    ZonedDateTime last = upTo.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    ZonedDateTime floor = last.minusMinutes(maxMinutes);
    if (after != null && after.isAfter(floor)) {
      floor = after.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    }
    for (ZonedDateTime t = last; t.isAfter(floor); t = t.minusMinutes(1)) {
      if (matches(t)) {
        return java.util.Optional.of(t);
      }
    }
    return java.util.Optional.empty();
  }

  /** Whether the schedule fires in the minute of {@code t}. */
  public boolean matches(ZonedDateTime t) {
    if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) {
      return false;
    }
    boolean day = days.get(t.getDayOfMonth());
    boolean weekday = weekdays.get(t.getDayOfWeek().getValue() % 7);
    if (daysRestricted && weekdaysRestricted) {
      return day || weekday;
    }
    return day && weekday;
  }

  private static BitSet field(String text, int min, int max, String name) {
    BitSet out = new BitSet();
    for (String part : text.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max, name);
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max;
      } else if (range.contains("-")) {
        String[] ab = range.split("-", 2);
        lo = number(ab[0], min, max, name);
        hi = number(ab[1], min, max, name);
        if (hi < lo) {
          throw new IllegalArgumentException(name + " range " + range + " is empty");
        }
      } else {
        lo = number(range, min, max, name);
        hi = slash >= 0 ? max : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        out.set(v);
      }
    }
    return out;
  }

  private static int number(String s, int min, int max, String name) {
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            name + " " + v + " is outside " + min + "-" + max + " in the backup schedule");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + s + "' is not a " + name + " in the backup schedule");
    }
  }
}
