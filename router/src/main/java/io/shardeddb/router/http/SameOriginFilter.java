package io.shardeddb.router.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.shardeddb.protocol.lb.MessageResponse;
import java.net.URI;

/**
 * Refuses a request that a web page of another origin made the browser send: one whose {@code
 * Origin} header names a host other than the one the request was sent to. The router enables no
 * CORS, so no other page may use it; without this check such a page could still make a browser send
 * a "simple" request (a POST with a text body) to a router it can reach — one on the user's
 * machine, with authentication off — and write blind. Requests without {@code Origin} (curl, every
 * non-browser client) and the console's own same-origin calls pass.
 *
 * <p>It replaces Micronaut's drive-by-localhost check ({@code
 * micronaut.server.cors.localhost-pass-through=true} in application.properties), which protects
 * only loopback servers and, there, treats an origin of {@code 127.X.Y.Z} other than {@code
 * 127.0.0.1} as foreign: it refused the console's own requests to a local-mode router at {@code
 * http://127.28.191.4:8080} with 403 ({@code SameOriginFilterTest}).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class SameOriginFilter implements Ordered {
  static final String REFUSED = "cross-origin request refused: Origin %s is not this router (%s)";

  @RequestFilter
  @Nullable
  public HttpResponse<MessageResponse> check(HttpRequest<?> request) {
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    if (origin == null) {
      return null;
    }
    String host = request.getHeaders().get(HttpHeaders.HOST);
    String forwarded = request.getHeaders().get("X-Forwarded-Host");
    if (sameHost(origin, host) || sameHost(origin, forwarded)) {
      return null;
    }
    return HttpResponse.<MessageResponse>status(HttpStatus.FORBIDDEN)
        .body(MessageResponse.failure(String.format(REFUSED, origin, host)));
  }

  /**
   * Whether {@code origin} ({@code scheme://host[:port]}) names {@code host} ({@code host[:port]},
   * a Host or X-Forwarded-Host value). The scheme is not compared: a proxy in front of the router
   * may end TLS, so the browser's {@code https} origin reaches the router as plain HTTP; an
   * origin's port is compared as written, or omitted for the scheme's default port.
   */
  static boolean sameHost(String origin, @Nullable String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    URI from;
    URI to;
    try {
      from = URI.create(origin.trim());
      to = URI.create("http://" + host.split(",")[0].trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (from.getScheme() == null || from.getHost() == null || to.getHost() == null) {
      return false; // "null" (an opaque origin), or not an origin at all
    }
    int defaultPort = from.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    int fromPort = from.getPort() < 0 ? defaultPort : from.getPort();
    int toPort = to.getPort() < 0 ? defaultPort : to.getPort();
    return from.getHost().equalsIgnoreCase(to.getHost()) && fromPort == toPort;
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE + 1;
  }
}
