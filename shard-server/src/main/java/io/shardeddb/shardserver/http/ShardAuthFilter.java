package io.shardeddb.shardserver.http;

import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.shardserver.config.AuthSettings;

/**
 * Requires {@code Authorization: Bearer <shard credential>} on every endpoint except health and
 * metrics (the kubelet and Prometheus carry no credential): without it anyone reaching the pod
 * could change its role or epoch, point it at another primary, or write rows. Any credential of the
 * mounted set is accepted, so a rotation has an overlap.
 */
// Created eagerly so that missing credentials stop the server at start, not at the first request.
@Context
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ShardAuthFilter implements Ordered {
  static final String DENIED = "missing or invalid shard credential";

  private final boolean enabled;
  private final CredentialSource credentials;

  public ShardAuthFilter(AuthSettings settings, CredentialSource credentials) {
    this.enabled = settings.enabled();
    this.credentials = credentials;
  }

  @RequestFilter
  @Nullable
  public HttpResponse<MessageResponse> check(HttpRequest<?> request) {
    if (!enabled || isOpen(request.getPath())) {
      return null;
    }
    if (credentials.get().accepts(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
      return null;
    }
    return HttpResponse.<MessageResponse>status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .body(MessageResponse.failure(DENIED));
  }

  /** Health (probes) and metrics; exact paths, so nothing else hides behind a prefix. */
  static boolean isOpen(String path) {
    return path.equals("/health")
        || path.equals("/health/liveness")
        || path.equals("/health/readiness")
        || path.equals("/prometheus");
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
