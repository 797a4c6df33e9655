package io.shardeddb.protocol.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.protocol.lb.WriteRequest;
import io.shardeddb.protocol.lb.WriteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A typed client for the router's public API (the assignment's load-balancer contract plus the
 * consistency and session extensions), over {@link ServerCalls}: a failure reply becomes a {@link
 * RouterException} with the router's message, no answer an {@link UncheckedIOException}.
 * Thread-safe; one instance per router is enough.
 */
public final class RouterClient {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          // Decimal columns carry up to 38 digits; a double would round them.
          .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);

  private final String base;
  private final String shardKey;
  private final ServerCalls calls;

  /**
   * @param baseUrl the router's URL, e.g. {@code http://127.0.0.1:8080}
   * @param token the bearer token, or null when auth is switched off
   * @param shardKey the schema's shard key column (the assignment's {@code Stud_id})
   */
  public RouterClient(String baseUrl, String token, String shardKey) {
    this(baseUrl, token, shardKey, Duration.ofSeconds(30));
  }

  public RouterClient(String baseUrl, String token, String shardKey, Duration timeout) {
    this(baseUrl, token, shardKey, timeout, null);
  }

  /**
   * A client of a router served over HTTPS, verified with {@code tls} (see {@link
   * io.shardeddb.protocol.tls.Tls#routerClientContext}); null: the JDK's defaults.
   */
  public RouterClient(
      String baseUrl, String token, String shardKey, Duration timeout, SSLContext tls) {
    this.base = baseUrl;
    this.shardKey = shardKey;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      builder.sslContext(tls);
    }
    HttpClient http = builder.build();
    String authorization = ServerCalls.bearer(token);
    this.calls = new ServerCalls(JSON, timeout, uri -> http, url -> authorization, new Failures());
  }

  /** The router's failures as this client has always reported them. */
  private final class Failures implements ServerCalls.Failures {
    @Override
    public RuntimeException refused(HttpRequest request, int status, String reason, String body) {
      return new RouterException(status, reason);
    }

    @Override
    public RuntimeException unanswered(HttpRequest request, IOException cause) {
      return unchecked(path(request), cause);
    }

    @Override
    public RuntimeException interrupted(HttpRequest request, InterruptedException cause) {
      return new IllegalStateException("interrupted calling router " + path(request), cause);
    }

    @Override
    public RuntimeException unreadable(Class<?> type, String body, IOException cause) {
      return unchecked(type.getSimpleName(), cause);
    }

    @Override
    public RuntimeException unwritable(String path, IOException cause) {
      return unchecked(path, cause);
    }

    private RuntimeException unchecked(String what, IOException cause) {
      return new UncheckedIOException(
          "router " + base + " " + what + ": " + cause.getMessage(), cause);
    }

    private String path(HttpRequest request) {
      String path = request.uri().getRawPath();
      return path.startsWith("/") ? path.substring(1) : path;
    }
  }

  public MessageResponse init(DatabaseConfig config) {
    return send("POST", "init", config, MessageResponse.class);
  }

  public DatabaseConfig status() {
    return send("GET", "status", null, DatabaseConfig.class);
  }

  public AddResponse add(AddRequest request) {
    return send("POST", "add", request, AddResponse.class);
  }

  public RemoveResponse remove(RemoveRequest request) {
    return send("DELETE", "rm", request, RemoveResponse.class);
  }

  public WriteResponse write(List<Map<String, Object>> rows) {
    return send("POST", "write", new WriteRequest(rows), WriteResponse.class);
  }

  /** Reads {@code [low, high]} from the primaries. */
  public ReadResponse read(long low, long high) {
    return read(low, high, ReadConsistency.PRIMARY, null);
  }

  /** Reads {@code [low, high]} at a consistency level; {@code session} is the token of a write. */
  public ReadResponse read(long low, long high, ReadConsistency consistency, String session) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(shardKey, Map.of("low", low, "high", high));
    if (consistency != ReadConsistency.PRIMARY) {
      body.put("consistency", consistency.jsonName());
    }
    if (session != null) {
      body.put("session", session);
    }
    return send("POST", "read", body, ReadResponse.class);
  }

  /**
   * {@code PUT /update} of the row whose shard key is {@code key}: a {@code Long} for a Number key,
   * a {@code String} for a String one (it travels as a JSON value: data, whatever it holds).
   */
  public WriteResponse update(Object key, Map<String, Object> row) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(shardKey, key);
    body.put("data", row);
    return send("PUT", "update", body, WriteResponse.class);
  }

  /** {@code DELETE /del} of the row whose shard key is {@code key} (as {@link #update}). */
  public WriteResponse delete(Object key) {
    return send("DELETE", "del", Map.of(shardKey, key), WriteResponse.class);
  }

  /**
   * Runs one SQL statement ({@code POST /query}, docs/sql.md) with the request's other {@code
   * fields} ({@code consistency}, {@code session}, {@code maxStalenessMs}; none: empty). The reply
   * as the router sent it ({@code success}, {@code message}, {@code data}, ...): its fields grow
   * with the router, so a client that prints it keeps what it does not know.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> query(String sql, Map<String, Object> fields) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", sql);
    body.putAll(fields);
    return send("POST", "query", body, LinkedHashMap.class);
  }

  /**
   * The coordinator's status ({@code GET /query/status}, docs/sql.md): per shard the primary, the
   * replicas with their lag, election rank and Cabinet weight, and the best-weighted majority. As
   * the router sent it, so a client keeps the fields it does not know.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> queryStatus() {
    return send("GET", "query/status", null, LinkedHashMap.class);
  }

  private <T> T send(String method, String path, Object body, Class<T> type) {
    return calls.send(calls.request(method, base, path, body), type);
  }
}
