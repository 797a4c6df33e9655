package io.shardeddb.router.http;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.management.MetricsCredential;
import io.shardeddb.router.auth.RouterToken;
import io.shardeddb.router.auth.RouterTokens;
import io.shardeddb.router.config.RouterSettings;

/**
 * Requires {@code Authorization: Bearer <token>} on every data and admin endpoint. The data
 * endpoints ({@code /read}, {@code /write}, {@code /update}, {@code /del}, {@code /status}, {@code
 * /query}, {@code /query/status}, {@code /console/api/status}) take the data token unless {@code
 * shardeddb.router.auth.enabled=false} (legacy clients that cannot send it). The admin endpoints
 * ({@code /init}, {@code /add}, {@code /rm}, {@code /admin/**} and any other guarded path) always
 * take the admin token, whatever {@code enabled} says; without an admin token configured they
 * refuse everyone (the data token never stands in). Only {@code
 * shardeddb.router.auth.open-admin-for-assignment=true} opens them, for the assignment's course
 * client (the operator reports it with a Warning condition). Metrics ({@code /prometheus}) take the
 * scrape credential ({@link MetricsCredential}) when one is configured. Health, the OpenAPI
 * document and the web console's static files (which hold no data: the console calls the guarded
 * endpoints with the token it is given) stay open. The 401 body says only that the token is missing
 * or wrong. The tokens come from {@link RouterTokens}: mounted files read again as they change, a
 * replaced token accepted for an overlap, or fixed values.
 */
// Created eagerly so that a missing token stops the router at start, not at the first request.
@Context
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class AuthFilter implements Ordered {
  static final String DENIED = "missing or invalid bearer token";
  static final String NO_ADMIN_TOKEN =
      "the admin endpoints need the admin token, and none is configured"
          + " (shardeddb.router.auth.admin-token-file or admin-token; the Secret's key"
          + " admin-token)";

  private final boolean enabled;
  private final boolean openAdmin;
  private final RouterToken data;
  private final RouterToken admin;
  private final MetricsCredential metrics;

  public AuthFilter(
      RouterSettings settings,
      RouterTokens tokens,
      @Value("${shardeddb.metrics.auth.credentials-dir:}") String metricsDir,
      @Value("${shardeddb.metrics.auth.token:}") String metricsToken) {
    this.metrics =
        MetricsCredential.of(
            metricsDir, metricsToken, io.shardeddb.protocol.auth.CredentialSource.DEFAULT_REFRESH);
    boolean enabled = settings.auth().enabled();
    if (enabled && !tokens.data().isSet()) {
      throw new ConfigurationException(
          "shardeddb.router.auth.token-file (SHARDEDDB_ROUTER_AUTH_TOKEN_FILE) or"
              + " shardeddb.router.auth.token (SHARDEDDB_ROUTER_AUTH_TOKEN) must be set while"
              + " shardeddb.router.auth.enabled is true");
    }
    this.enabled = enabled;
    this.openAdmin = settings.auth().openAdminForAssignment();
    this.data = tokens.data();
    this.admin = tokens.admin();
  }

  @RequestFilter
  @Nullable
  public HttpResponse<MessageResponse> check(HttpRequest<?> request) {
    String path = request.getPath();
    if (path.equals(MetricsCredential.PATH)) {
      // The scrape credential alone, when one is configured (the operator mounts <db>-metrics).
      return metrics.accepts(request.getHeaders().get(HttpHeaders.AUTHORIZATION))
          ? null
          : denied(DENIED);
    }
    if (isOpen(path)) {
      return null;
    }
    boolean isData = isData(path);
    if (isData ? !enabled : openAdmin) {
      if (isSql(path) && openAdmin) {
        // The admin endpoints are open (the assignment's tests): so is DDL.
        request.setAttribute(CREDENTIAL, admin.name());
      }
      return null;
    }
    // Each endpoint checks its own token only: the data token (current or replaced) never opens
    // an admin endpoint, nor the admin token a data one.
    RouterToken expected = isData ? data : admin;
    if (!expected.isSet()) {
      return denied(NO_ADMIN_TOKEN);
    }
    // Constant-time comparison (TokenRotation), so response timing does not reveal the token.
    String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (expected.accepts(authorization)) {
      return null;
    }
    // /query takes the admin token too: DDL needs it (docs/sql.md, "Changing the schema").
    if (isSql(path) && admin.isSet() && admin.accepts(authorization)) {
      request.setAttribute(CREDENTIAL, admin.name());
      return null;
    }
    return denied(DENIED);
  }

  /**
   * The request attribute naming the credential a {@code /query} call authenticated with when it is
   * not the data token (the admin token: {@code ALTER TABLE} needs it).
   */
  public static final String CREDENTIAL = "shardeddb.credential";

  /** {@code /query}, the one data endpoint the admin token opens too. */
  static boolean isSql(String path) {
    return path.equals("/query") || path.equals("/query/");
  }

  private static HttpResponse<MessageResponse> denied(String message) {
    return HttpResponse.<MessageResponse>status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .body(MessageResponse.failure(message));
  }

  /**
   * The data endpoints. Everything else that is guarded needs the admin token, so a path spelled in
   * some unexpected way that still reaches an admin endpoint is never let in on the data token.
   */
  static boolean isData(String path) {
    String p =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    return p.equals("/read")
        || p.equals("/write")
        || p.equals("/update")
        || p.equals("/del")
        || p.equals("/status")
        || p.equals("/query")
        || p.equals("/query/status")
        || p.equals("/console/api/status");
  }

  /**
   * Health, the assignment's {@code /test} and {@code /favicon.ico} (empty 204s), the OpenAPI files
   * and the console's static files, matched exactly (no prefix): a spelling of a guarded path that
   * starts like an open one ({@code /health/../admin}, {@code /swagger/..%2F}, {@code
   * /console/assets/..%2F}) is never let through on its prefix, whatever the server later makes of
   * it (OpenPathsTest).
   */
  static boolean isOpen(String path) {
    return switch (path) {
      case "/health",
          "/test",
          "/favicon.ico",
          "/health/liveness",
          "/health/readiness",
          "/console",
          "/console/",
          "/console/index.html" ->
          true;
      default -> SWAGGER_FILE.matcher(path).matches() || CONSOLE_ASSET.matcher(path).matches();
    };
  }

  /** One file directly under {@code /swagger/}, no dot segment. */
  private static final java.util.regex.Pattern SWAGGER_FILE =
      java.util.regex.Pattern.compile("/swagger/[A-Za-z0-9_-][A-Za-z0-9._-]*");

  /** One file directly under {@code /console/assets/} (the built scripts and styles). */
  private static final java.util.regex.Pattern CONSOLE_ASSET =
      java.util.regex.Pattern.compile("/console/assets/[A-Za-z0-9_-][A-Za-z0-9._-]*");

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
