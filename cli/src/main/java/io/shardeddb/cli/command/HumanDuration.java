package io.shardeddb.cli.command;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The one parser of every duration option of the plugin ({@code --timeout}, {@code --since}, ...):
 * kubectl's and Go's human form ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 2d})
 * and ISO-8601 ({@code PT2M}) as before. Registered once on the root command line.
 */
public final class HumanDuration implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** {@code value} as a duration; a TypeConversionException naming the accepted forms otherwise. */
  public static Duration parse(String value) {
    String v = value == null ? "" : value.strip();
    if (v.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
      try {
        return nonNegative(value, Duration.parse(v));
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    Matcher m = PART.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    if (v.isEmpty() || end != v.length()) {
      throw invalid(value);
    }
    return total;
  }

  /** A duration as the user would write it: {@code 2m}, {@code 1h30m}, {@code 1500ms}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long millis = d.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long s = millis / 1000;
    long[] units = {86400, 3600, 60, 1};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (s >= units[i]) {
        sb.append(s / units[i]).append(names[i]);
        s %= units[i];
      }
    }
    return sb.toString();
  }

  private static Duration nonNegative(String value, Duration d) {
    if (d.isNegative()) {
      throw invalid(value);
    }
    return d;
  }

  private static CommandLine.TypeConversionException invalid(String value) {
    return new CommandLine.TypeConversionException(
        "'"
            + value
            + "' is not a duration: use e.g. 30s, 2m, 1h30m, 500ms, 2d (or ISO-8601 such as PT2M)");
  }
}
