package io.shardeddb.protocol.lb;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.Locale;

/**
 * Where a read may be served: {@code primary} (the default, always current), {@code session} (any
 * replica that has applied the caller's session token), {@code any} (any healthy replica) or {@code
 * bounded} (a replica that provably held, at most {@code maxStalenessMs} ago, everything its
 * primary had acknowledged then: follower reads; docs/router.md, "Consistency"). {@code BOUNDED}
 * comes last so the ordinals of the first three stay as they were.
 */
public enum ReadConsistency {
  PRIMARY,
  SESSION,
  ANY,
  BOUNDED;

  /** The longest {@code maxStalenessMs} a read may name: one hour. */
  public static final long MAX_STALENESS_MS = 3_600_000;

  /**
   * Parses {@code primary|session|any|bounded} (null means primary), failing with a clear message.
   */
  public static ReadConsistency parse(Object value) {
    if (value == null) {
      return PRIMARY;
    }
    String v = String.valueOf(value).trim().toUpperCase(Locale.ROOT);
    for (ReadConsistency c : values()) {
      if (c.name().equals(v)) {
        return c;
      }
    }
    throw new InvalidRequestException(
        "consistency must be one of primary, session, any, bounded; got '" + value + "'");
  }

  /**
   * A read's {@code maxStalenessMs}: null means {@code fallback}; otherwise a whole number of
   * milliseconds from 1 to {@link #MAX_STALENESS_MS} (a JSON number or its text), else a clear 400.
   */
  public static long maxStalenessMs(Object value, long fallback) {
    if (value == null) {
      return fallback;
    }
    long ms;
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw badStaleness(value);
      }
      ms = n.longValue();
    } else if (value instanceof CharSequence cs) {
      try {
        ms = Long.parseLong(cs.toString().trim());
      } catch (NumberFormatException e) {
        throw badStaleness(value);
      }
    } else {
      throw badStaleness(value);
    }
    if (ms < 1 || ms > MAX_STALENESS_MS) {
      throw badStaleness(value);
    }
    return ms;
  }

  private static InvalidRequestException badStaleness(Object value) {
    return new InvalidRequestException(
        "field 'maxStalenessMs' must be a whole number of milliseconds from 1 to "
            + MAX_STALENESS_MS
            + "; got '"
            + value
            + "'");
  }

  /** The lower-case name used in JSON. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
