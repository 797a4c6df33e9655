package io.shardeddb.protocol.logging;

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

  private RequestIds() {}

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
