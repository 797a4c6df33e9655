package io.shardeddb.protocol.logging;

import java.util.UUID;
import java.util.regex.Pattern;

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
}
