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
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.shardserver.config.AuthSettings;
import io.shardeddb.shardserver.config.CredentialsFactory;
import jakarta.inject.Named;

/**
 * Requires {@code Authorization: Bearer <credential>} on every endpoint except health and metrics
 * (the kubelet and Prometheus carry no credential): without it anyone reaching the pod could change
 * its role or epoch, point it at another primary, or write rows. Two identities: the shard
 * credential (operator and peers) is accepted everywhere; the data credential (what routers hold)
 * only on the data endpoints ({@link #isData}), so a stolen router credential cannot fence,
 * promote, re-point, snapshot or re-copy a shard. Any credential of a mounted set is accepted, so a
 * rotation has an overlap.
 */
// Created eagerly so that missing credentials stop the server at start, not at the first request.
@Context
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ShardAuthFilter implements Ordered {
  static final String DENIED = "missing or invalid shard credential";
  static final String DATA_ONLY =
      "the data credential is accepted on the data endpoints only (read, write, update, del,"
          + " their batches, heartbeat)";

  private final boolean enabled;
  private final CredentialSource credentials;
  private final CredentialSource dataCredentials;

  public ShardAuthFilter(
      AuthSettings settings,
      CredentialSource credentials,
      @Named(CredentialsFactory.DATA) CredentialSource dataCredentials) {
    this.enabled = settings.enabled();
    this.credentials = credentials;
    this.dataCredentials = dataCredentials;
  }

  @RequestFilter
  @Nullable
  public HttpResponse<MessageResponse> check(HttpRequest<?> request) {
    if (!enabled || isOpen(request.getPath())) {
      return null;
    }
    String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (credentials.get().accepts(authorization)) {
      return null;
    }
    if (isData(request.getPath())) {
      if (dataCredentials.get().accepts(authorization)) {
        return null;
      }
    } else if (dataCredentials.get().accepts(authorization)) {
      return HttpResponse.<MessageResponse>status(HttpStatus.FORBIDDEN)
          .body(MessageResponse.failure(DATA_ONLY));
    }
    return HttpResponse.<MessageResponse>status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .body(MessageResponse.failure(DENIED));
  }

  /**
   * The endpoints a router calls: rows in and out, and the heartbeat it routes by. Exact paths;
   * everything else (role, fence, config, replicate, log, snapshot, copy, resync, ranges, import,
   * checksum) needs the shard credential.
   */
  static boolean isData(String path) {
    return switch (path) {
      case "/read",
          "/write",
          "/update",
          "/del",
          ShardEndpoints.WRITE_BATCH,
          ShardEndpoints.READ_BATCH,
          "/heartbeat" ->
          true;
      default -> false;
    };
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
