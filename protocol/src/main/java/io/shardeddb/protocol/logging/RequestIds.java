package io.shardeddb.protocol.logging;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The request id a served request logs under: the caller's {@value #HEADER} when it is a sane
 * token, else a fresh one. A malformed header is replaced rather than refused: it is a correlation
 * aid a proxy may add, never a reason to fail the request.
 */
public final class RequestIds {

  /** The header a caller may send its own id in, and the response echoes. */
  public static final String HEADER = "X-Request-Id";

  /** The MDC key (JSON: {@code mdc.requestId}; plain: {@code %X{requestId}}). */
  public static final String MDC_KEY = "requestId";

  /** Letters, digits and {@code . _ : / @ + = -}, 1 to 128 characters. */
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:/@+=-]{1,128}");

  /**
   * Each thread's own random source for {@link #timeOrdered}: seeded from the system's entropy once
   * per thread, then no lock shared with other threads ({@link UUID#randomUUID} takes one
   * process-wide source per id).
   */
  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(SecureRandom::new);

  private RequestIds() {}

  /**
   * A fresh id that sorts by the time it was made: an RFC 9562 version-7 UUID in its usual text
   * form — 48 bits of Unix milliseconds first, then 74 random bits. Request ids are stored in
   * B-tree indexes on every copy (the log's and the outcomes'); ids made one after another land
   * next to each other there, where random (version-4) ids each hit a random page (issue 48, the
   * performance review's "random-UUID request ids indexed twice per copy"). 74 random bits per
   * millisecond keep two routers' ids apart: at a million ids a second the chance that any two ever
   * collide in a year is about 10^-8.
   */
  public static String timeOrdered() {
    return timeOrdered(System.currentTimeMillis(), RANDOM.get().nextLong(), RANDOM.get().nextLong())
        .toString();
  }

  /** The version-7 UUID of {@code millis} with random bits taken from {@code a} and {@code b}. */
  static UUID timeOrdered(long millis, long a, long b) {
    long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (a & 0x0FFFL);
    long lsb = (b & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /** {@code header} when it is an acceptable id, else a fresh random one. */
  public static String accept(String header) {
    return header != null && ACCEPTED.matcher(header).matches()
        ? header
        : UUID.randomUUID().toString();
  }

  /**
   * The request id the lines logged on this thread carry now (null: none): where a router's write
   * starts, the client request's ({@link RequestIdFilter}), which it sends along with the write.
   */
  public static String current() {
    return MDC.get(MDC_KEY);
  }

  /**
   * Makes {@code id} the request id of what this thread logs next — when it is an acceptable id (as
   * {@link #accept} takes; checked without allocating, as it runs once per write), else nothing
   * changes — and returns the id it replaced, for {@link #restore} in a {@code finally}. The
   * shard-server logs a router's write under the id the router logged it with.
   */
  public static String enter(String id) {
    String before = MDC.get(MDC_KEY);
    if (acceptable(id)) {
      MDC.put(MDC_KEY, id);
    }
    return before;
  }

  /** Puts back the request id {@link #enter} returned (none: removes it). */
  public static void restore(String before) {
    if (before == null) {
      MDC.remove(MDC_KEY);
    } else {
      MDC.put(MDC_KEY, before);
    }
  }

  /** Whether {@code id} matches {@link #ACCEPTED}, by a loop over its characters. */
  static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "._:/@+=-".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
