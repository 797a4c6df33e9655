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
import io.shardeddb.protocol.management.MetricsCredential;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.config.AuthSettings;
import io.shardeddb.shardserver.config.CredentialsFactory;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.identity.Call;
import io.shardeddb.shardserver.identity.CallerIdentities;
import io.shardeddb.shardserver.identity.Decision;
import jakarta.inject.Named;
import java.security.cert.Certificate;

/**
 * Requires {@code Authorization: Bearer <credential>} on every endpoint except health (the kubelet
 * carries no credential) and metrics (which take the scrape credential, {@link MetricsCredential},
 * when one is configured; with {@code SHARDEDDB_MANAGEMENT_PORT} set they are routed on the
 * management port only, so the API port answers 404 for them): without it anyone reaching the pod
 * could change its role or epoch, point it at another primary, or write rows. Two identities: the
 * shard credential (operator and peers) is accepted everywhere; the data credential (what routers
 * hold) only on the data endpoints ({@link #isData}), so a stolen router credential cannot fence,
 * promote, re-point, snapshot or re-copy a shard. Any credential of a mounted set is accepted, so a
 * rotation has an overlap.
 *
 * <p>With TLS on, the caller's client certificate (mTLS, verified against the database's CA by the
 * TLS layer) decides first ({@link CallerIdentities}, {@link Call}): each endpoint takes one role:
 * data endpoints the router, replication ({@code /replicate}, {@code /log}, {@code /snapshot}) the
 * shard-servers, everything else (role, fence, config, ranges, import, resync, checksum, copy) the
 * operator, and the heartbeat (and {@code /home}, the assignment's greeting) any of them; and,
 * where this server's certificate names its database and shard, the caller's must name the same
 * database, and for replication the same shard (a move's import reads of a point range: any shard
 * of the database). The bearer credentials stay as a second layer.
 */
// Created eagerly so that missing credentials stop the server at start, not at the first request.
@Context
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ShardAuthFilter implements Ordered {
  static final String DENIED = "missing or invalid shard credential";
  static final String DATA_ONLY =
      "the data credential is accepted on the data endpoints only (read, write, update, del,"
          + " their batches, heartbeat, home)";

  private final boolean enabled;
  private final boolean tls;
  private final CredentialSource credentials;
  private final CredentialSource dataCredentials;
  private final MetricsCredential metrics;
  private final CallerIdentities identities;

  public ShardAuthFilter(
      AuthSettings settings,
      CredentialSource credentials,
      @Named(CredentialsFactory.DATA) CredentialSource dataCredentials,
      MetricsCredential metrics,
      TlsFactory.ServerTls tls,
      CallerIdentities identities) {
    this.metrics = metrics;
    this.identities = identities;
    this.enabled = settings.enabled();
    this.tls = tls.enabled();
    this.credentials = credentials;
    this.dataCredentials = dataCredentials;
  }

  @RequestFilter
  @Nullable
  public HttpResponse<MessageResponse> check(HttpRequest<?> request) {
    if (request.getPath().equals(MetricsCredential.PATH)) {
      // The scrape credential alone (when one is configured), whatever auth.enabled says: metrics
      // carry epochs and log positions. No client certificate is asked (Prometheus has none).
      return metrics.accepts(request.getHeaders().get(HttpHeaders.AUTHORIZATION)) ? null : denied();
    }
    if (isOpen(request.getPath())) {
      return null;
    }
    if (tls) {
      Call call =
          Call.of(
              request.getPath(), rangeQuery(request), range(request), isData(request.getPath()));
      Certificate[] chain = request.getCertificate().map(c -> new Certificate[] {c}).orElse(null);
      if (identities.check(chain, call) instanceof Decision.Refused refused) {
        return HttpResponse.<MessageResponse>status(HttpStatus.FORBIDDEN)
            .body(MessageResponse.failure(refused.reason()));
      }
    }
    if (!enabled) {
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
    return denied();
  }

  private static HttpResponse<MessageResponse> denied() {
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
          ShardEndpoints.TXN,
          ShardEndpoints.READ_BATCH,
          // MariaDB's plan of a /read's SELECT (the router's EXPLAIN): no rows, same caller.
          ShardEndpoints.READ_EXPLAIN,
          // The timestamp oracle (DESIGN §11): the router fetches its writes' timestamps.
          ShardEndpoints.TIMESTAMPS,
          // Where the router's data stream is offered (the stream checks its own hello).
          DataFrames.OFFER_PATH,
          "/heartbeat",
          // The assignment's greeting: it names this server, as the heartbeat does, so the same
          // callers (not anonymous ones: only health is open, DESIGN §3).
          "/home" ->
          true;
      default -> false;
    };
  }

  /** The point range {@code request} names ({@code low} and {@code size}), or null. */
  private static PointRange range(HttpRequest<?> request) {
    try {
      return new PointRange(
          Long.parseLong(request.getParameters().get("low")),
          Long.parseLong(request.getParameters().get("size")));
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /** Whether {@code request} names a point range ({@code low} and {@code size}: an export). */
  private static boolean rangeQuery(HttpRequest<?> request) {
    return request.getParameters().contains("low") && request.getParameters().contains("size");
  }

  /**
   * Health (probes); exact paths, so nothing else hides behind a prefix. Which port serves them is
   * Micronaut's route table's to decide ({@code endpoints.all.port}), not this filter's.
   */
  static boolean isOpen(String path) {
    return path.equals("/health")
        || path.equals("/health/liveness")
        || path.equals("/health/readiness");
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
