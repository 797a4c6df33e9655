package io.shardeddb.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a plain HTTP watch ({@code GET ...?watch=true}, no WebSocket upgrade) asks for: the
 * resourceVersion it starts after and how long it may last. Pure: parsing and the replay rule only.
 *
 * @param resourceVersion the list's resourceVersion the watch continues from; empty or {@code "0"}
 *     means "from any point" (every current object is sent as ADDED first)
 * @param timeoutSeconds how long the stream lasts, 0 when the client set no limit
 */
record WatchQuery(String resourceVersion, long timeoutSeconds) {

  /**
   * Whether a request is a watch to be answered as a chunked HTTP stream rather than a WebSocket
   * (fabric8's clients upgrade; kubectl and client-go do not).
   */
  static boolean isHttpWatch(String method, String query, String upgradeHeader) {
    return "GET".equalsIgnoreCase(method)
        && upgradeHeader == null
        && param(query, "watch").filter(v -> v.equals("true") || v.equals("1")).isPresent();
  }

  /** Parses the query string (without {@code ?}; may be null). */
  static WatchQuery parse(String query) {
    long timeout =
        param(query, "timeoutSeconds")
            .map(
                v -> {
                  try {
                    return Math.max(0, Long.parseLong(v));
                  } catch (NumberFormatException e) {
                    return 0L;
                  }
                })
            .orElse(0L);
    return new WatchQuery(param(query, "resourceVersion").orElse(""), timeout);
  }

  /**
   * Whether an event goes to the client. The mock opens every watch by replaying each current
   * object as ADDED, whatever resourceVersion the client gave; a client that has just listed at
   * version {@code N} already printed those, so a replayed object at or below {@code N} is dropped.
   * Objects created or changed after the list have a higher version and pass; other event types
   * always pass (a DELETED object keeps its last version, which may be below {@code N}).
   */
  boolean delivers(String eventType, String objectResourceVersion) {
    if (!"ADDED".equals(eventType)) {
      return true;
    }
    Optional<Long> since = number(resourceVersion);
    Optional<Long> version = number(objectResourceVersion);
    if (since.isEmpty() || since.get() == 0 || version.isEmpty()) {
      return true;
    }
    return version.get() > since.get();
  }

  private static Optional<Long> number(String s) {
    if (s == null || s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The first value of {@code name} in a query string, URL-decoded. */
  static Optional<String> param(String query, String name) {
    if (query == null || query.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return Optional.of(
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }
}
