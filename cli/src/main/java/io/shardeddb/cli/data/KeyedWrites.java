package io.shardeddb.cli.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.protocol.client.ServerCalls;
import io.shardeddb.protocol.lb.WriteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The router's {@code PUT /update} and {@code DELETE /del} by a key value of the first table: a
 * {@code Long} for a Number shard key, a {@code String} for a String one (the router takes either,
 * docs/sql.md "String shard keys"). The key travels as a JSON value, so it is data whatever it
 * holds. {@code RouterClient} takes only a {@code long}; its failures are reported the same way
 * here: a refusal as a {@link RouterException} with the router's message, no answer as an {@link
 * UncheckedIOException}.
 */
public final class KeyedWrites {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);

  private final String base;
  private final String shardKey;
  private final ServerCalls calls;

  /**
   * @param tls the context verifying a router served over HTTPS; null: plain HTTP
   */
  public KeyedWrites(
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

  /** Replaces the values of the row whose shard key is {@code key} with {@code row}'s. */
  public WriteResponse update(Object key, Map<String, Object> row) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(shardKey, key);
    body.put("data", row);
    return send("PUT", "update", body);
  }

  /** Deletes the row whose shard key is {@code key}. */
  public WriteResponse delete(Object key) {
    return send("DELETE", "del", Map.of(shardKey, key));
  }

  private WriteResponse send(String method, String path, Object body) {
    return calls.send(calls.request(method, base, path, body), WriteResponse.class);
  }

  private final class Failures implements ServerCalls.Failures {
    @Override
    public RuntimeException refused(HttpRequest request, int status, String reason, String body) {
      return new RouterException(status, reason);
    }

    @Override
    public RuntimeException unanswered(HttpRequest request, IOException cause) {
      return unchecked(request.uri().getRawPath().substring(1), cause);
    }

    @Override
    public RuntimeException interrupted(HttpRequest request, InterruptedException cause) {
      return new IllegalStateException(
          "interrupted calling router " + request.uri().getRawPath().substring(1), cause);
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
  }
}
