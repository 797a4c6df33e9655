package io.shardeddb.protocol.lb;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.Locale;

/**
 * Where a read may be served: {@code primary} (the default, always current), {@code session} (any
 * replica that has applied the caller's session token) or {@code any} (any healthy replica).
 */
public enum ReadConsistency {
  PRIMARY,
  SESSION,
  ANY;

  /** Parses {@code primary|session|any} (null means primary), failing with a clear message. */
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
        "consistency must be one of primary, session, any; got '" + value + "'");
  }

  /** The lower-case name used in JSON. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
