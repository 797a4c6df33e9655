package io.shardeddb.operator.shardclient;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.auth.ShardCredentials;
import io.shardeddb.protocol.client.ServerCalls;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.shard.SchemaChangeResponse;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.WritePause;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * {@link ShardServerClient} over java.net.http with Jackson and short timeouts ({@link
 * ServerCalls}: request building and failure mapping shared with the other clients); every call
 * carries the shard credential registered for its URL ({@link #useCredential}) and goes through the
 * TLS client registered for its database ({@link #useTls}).
 */
public final class HttpShardServerClient implements ShardServerClient {

  private final HttpClient http;
  private final Duration requestTimeout;
  private final ServerCalls calls;

  /** The Authorization header value per shard-server base URL. */
  private final Map<String, String> authorizationByUrl = new ConcurrentHashMap<>();

  /** What each database registered last, so a pass can drop the URLs it no longer sees. */
  private final Map<String, Registration> byDatabase = new HashMap<>();

  private record Registration(Set<String> urls, String authorization) {}

  /** Per database: the TLS context in force and the client built on it. */
  private record TlsClient(SSLContext context, HttpClient http, Set<String> urls) {}

  private final Map<String, TlsClient> tlsByDatabase = new ConcurrentHashMap<>();
  private final Map<String, HttpClient> tlsByUrl = new ConcurrentHashMap<>();
  private final Duration connectTimeout;

  /** A client whose connects and requests give up after these timeouts. */
  public HttpShardServerClient(Duration connectTimeout, Duration requestTimeout) {
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    this.connectTimeout = connectTimeout;
    ObjectMapper json =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    this.requestTimeout = requestTimeout;
    this.calls =
        new ServerCalls(
            json, requestTimeout, this::clientFor, authorizationByUrl::get, new Failures());
  }

  /** Every failure as a {@link ShardServerException} naming the call. */
  private static final class Failures implements ServerCalls.Failures {
    @Override
    public RuntimeException refused(HttpRequest request, int status, String reason, String body) {
      return new ShardServerException(
          call(request) + " answered " + status + ": " + body, status, reason, null);
    }

    @Override
    public RuntimeException unanswered(HttpRequest request, IOException cause) {
      return new ShardServerException(call(request) + " failed", 0, cause);
    }

    @Override
    public RuntimeException interrupted(HttpRequest request, InterruptedException cause) {
      return new ShardServerException(call(request) + " interrupted", 0, cause);
    }

    @Override
    public RuntimeException unreadable(Class<?> type, String body, IOException cause) {
      return new ShardServerException(
          "cannot read " + type.getSimpleName() + ": " + body, 0, cause);
    }

    @Override
    public RuntimeException unwritable(String path, IOException cause) {
      return new ShardServerException("cannot encode request to " + path, 0, cause);
    }

    private static String call(HttpRequest request) {
      return request.method() + " " + request.uri();
    }
  }

  /**
   * The operator's defaults: 1 s to connect, 1 s per request. Every call it makes (heartbeat,
   * fence, role, config, checksum) is small; a hung replica must cost a pass at most a second, or a
   * failover overshoots {@code primaryUnavailableSeconds} by several (DESIGN §5 rule 10).
   */
  public static HttpShardServerClient withDefaultTimeouts() {
    return new HttpShardServerClient(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  /** The default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /** The default request timeout. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(1);

  /** The longest a heartbeat call lasts with the default timeouts: connect, then request. */
  public static final Duration DEFAULT_HEARTBEAT_DEADLINE =
      DEFAULT_CONNECT_TIMEOUT.plus(DEFAULT_REQUEST_TIMEOUT);

  @Override
  public TimedHeartbeat heartbeat(String baseUrl) {
    long start = System.nanoTime();
    String body = send(get(baseUrl, "/heartbeat"));
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    return new TimedHeartbeat(read(body, Heartbeat.class), latency);
  }

  @Override
  public TimedHeartbeat heartbeat(String baseUrl, long appliedLsn, Duration wait) {
    long start = System.nanoTime();
    String body =
        send(
            get(baseUrl, "/heartbeat?appliedLsn=" + appliedLsn + "&waitMillis=" + wait.toMillis()),
            requestTimeout.plus(wait));
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    return new TimedHeartbeat(read(body, Heartbeat.class), latency);
  }

  @Override
  public void configure(String baseUrl, ShardConfigRequest request) {
    send(post(baseUrl, "/config", request));
  }

  @Override
  public TimedFence fence(String baseUrl, FenceRequest request) {
    long start = System.nanoTime();
    String body = send(post(baseUrl, "/fence", request));
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    return new TimedFence(read(body, FenceResponse.class), latency);
  }

  @Override
  public void assignRole(String baseUrl, RoleRequest request) {
    send(post(baseUrl, "/role", request));
  }

  @Override
  public void resync(String baseUrl) {
    send(post(baseUrl, "/resync", null));
  }

  @Override
  public ChecksumResponse checksum(String baseUrl) {
    return read(send(get(baseUrl, "/checksum")), ChecksumResponse.class);
  }

  @Override
  public RangeChangeResponse fenceRange(String baseUrl, RangeChange change, Duration deadline) {
    return read(
        send(post(baseUrl, ShardEndpoints.FENCE_RANGE, change), deadline),
        RangeChangeResponse.class);
  }

  @Override
  public RangeChangeResponse adoptRange(String baseUrl, RangeChange change, Duration deadline) {
    return read(
        send(post(baseUrl, ShardEndpoints.ADOPT_RANGE, change), deadline),
        RangeChangeResponse.class);
  }

  @Override
  public RangeChangeResponse purgeRange(String baseUrl, RangeChange change) {
    return read(
        send(post(baseUrl, ShardEndpoints.PURGE_RANGE, change), rangeTimeout()),
        RangeChangeResponse.class);
  }

  @Override
  public SchemaChangeResponse changeSchema(String baseUrl, SchemaChange change) {
    return read(
        send(post(baseUrl, ShardEndpoints.SCHEMA, change), rangeTimeout()),
        SchemaChangeResponse.class);
  }

  @Override
  public SchemaChange schema(String baseUrl) {
    return read(send(get(baseUrl, ShardEndpoints.SCHEMA)), SchemaChange.class);
  }

  @Override
  public void grantExport(String baseUrl, ExportGrant grant) {
    send(post(baseUrl, ShardEndpoints.EXPORT_GRANT, grant));
  }

  @Override
  public void startImport(String baseUrl, ImportRequest request) {
    send(post(baseUrl, ShardEndpoints.IMPORT, request));
  }

  @Override
  public ImportProgress importProgress(String baseUrl, String moveId) {
    try {
      return read(
          send(get(baseUrl, ShardEndpoints.IMPORT + "?moveId=" + encode(moveId))),
          ImportProgress.class);
    } catch (ShardServerException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public void stopImport(String baseUrl, String moveId) {
    send(calls.delete(baseUrl, ShardEndpoints.IMPORT + "?moveId=" + encode(moveId)));
  }

  /**
   * A purge deletes rows, which may take longer than a heartbeat, so it gets a longer deadline
   * (still bounded, DESIGN §5 rule 10). A fence or adopt is given its deadline by the caller.
   */
  private Duration rangeTimeout() {
    Duration floor = Duration.ofSeconds(10);
    return requestTimeout.compareTo(floor) > 0 ? requestTimeout : floor;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void useCredential(
      String database, Collection<String> baseUrls, String token) {
    Registration before = byDatabase.remove(database);
    Set<String> now = token == null || token.isBlank() ? Set.of() : Set.copyOf(baseUrls);
    String authorization = now.isEmpty() ? null : ShardCredentials.SCHEME + token;
    if (before != null) {
      for (String url : before.urls()) {
        if (!now.contains(url)) {
          // Only this database's entry: a reused pod IP may meanwhile belong to another one.
          authorizationByUrl.remove(url, before.authorization());
        }
      }
    }
    for (String url : now) {
      authorizationByUrl.put(url, authorization);
    }
    if (!now.isEmpty()) {
      byDatabase.put(database, new Registration(now, authorization));
    }
  }

  @Override
  public WritePause.Cut pauseWrites(String baseUrl, WritePause.Request request, Duration deadline) {
    return read(send(post(baseUrl, WritePause.PAUSE, request), deadline), WritePause.Cut.class);
  }

  @Override
  public WritePause.Resumed resumeWrites(String baseUrl, String id, Duration deadline) {
    return read(
        send(post(baseUrl, WritePause.RESUME, new WritePause.Request(id, 0, null)), deadline),
        WritePause.Resumed.class);
  }

  @Override
  public String postJson(String baseUrl, String path, Object body) {
    // A base backup's start or an archive flush: longer than the heartbeat's second.
    return send(post(baseUrl, path, body), Duration.ofSeconds(10));
  }

  @Override
  public String getJson(String baseUrl, String path) {
    return send(get(baseUrl, path));
  }

  @Override
  public synchronized void useTls(String database, Collection<String> baseUrls, SSLContext tls) {
    TlsClient before = tlsByDatabase.remove(database);
    if (before != null) {
      before.urls().forEach(url -> tlsByUrl.remove(url, before.http()));
    }
    if (tls == null) {
      if (before != null) {
        before.http().shutdown();
      }
      return;
    }
    HttpClient client;
    if (before != null && before.context() == tls) {
      client = before.http();
    } else {
      client = HttpClient.newBuilder().connectTimeout(connectTimeout).sslContext(tls).build();
      if (before != null) {
        before.http().shutdown();
      }
    }
    Set<String> urls = Set.copyOf(baseUrls);
    urls.forEach(url -> tlsByUrl.put(url, client));
    tlsByDatabase.put(database, new TlsClient(tls, client, urls));
  }

  /** The client for {@code uri}: its database's TLS client for HTTPS, else the plain one. */
  private HttpClient clientFor(URI uri) {
    if (!"https".equals(uri.getScheme())) {
      return http;
    }
    String base = uri.getScheme() + "://" + uri.getRawAuthority();
    HttpClient client = tlsByUrl.get(base);
    if (client == null) {
      throw new ShardServerException(
          "no TLS context registered for " + base + " (its database's CA is not loaded yet)",
          0,
          null);
    }
    return client;
  }

  private HttpRequest get(String baseUrl, String path) {
    return calls.get(baseUrl, path);
  }

  /** A POST with {@code body} as JSON; no body is sent as {@code {}}. */
  private HttpRequest post(String baseUrl, String path, Object body) {
    return calls.request("POST", baseUrl, path, body == null ? Map.of() : body);
  }

  private String send(HttpRequest request, Duration timeout) {
    return calls.send(ServerCalls.within(request, timeout));
  }

  private String send(HttpRequest request) {
    return calls.send(request);
  }

  private <T> T read(String body, Class<T> type) {
    return calls.read(body, type);
  }
}
