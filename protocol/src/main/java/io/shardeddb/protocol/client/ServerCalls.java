package io.shardeddb.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The JSON-over-HTTP call every blocking client of a ShardedDB server makes (the operator's
 * shard-server client, {@link RouterClient} for the CLI and tools), written once: the URL from a
 * base and a path, the request deadline, the {@code Authorization} header for that server, {@code
 * Accept}/{@code Content-Type}, the body as JSON, the HTTP client for that server (its TLS
 * context), and the mapping of a failure — a non-2xx status with the server's message, no answer,
 * an interrupt, an unreadable reply — to the client's own typed exception ({@link Failures}).
 *
 * <p>What goes on the wire is what each client sent before it moved here: {@link #get} and {@link
 * #delete} carry no body and no {@code Content-Length}; {@link #request(String, String, String,
 * Object)} with no body sends an empty one ({@code Content-Length: 0}).
 */
public final class ServerCalls {

  /** How a client reports a failed call: its own exception for each way a call fails. */
  public interface Failures {
    /** The server answered {@code status} (not 2xx); {@code reason} is its message. */
    RuntimeException refused(HttpRequest request, int status, String reason, String body);

    /** No answer: refused connection, reset, timed out. */
    RuntimeException unanswered(HttpRequest request, IOException cause);

    /** The calling thread was interrupted (its flag is set again before this is called). */
    RuntimeException interrupted(HttpRequest request, InterruptedException cause);

    /** A 2xx answer that is not the JSON of {@code type}. */
    RuntimeException unreadable(Class<?> type, String body, IOException cause);

    /** A request body that cannot be written as JSON. */
    RuntimeException unwritable(String path, IOException cause);
  }

  private final ObjectMapper json;
  private final Duration timeout;
  private final Function<URI, HttpClient> clients;
  private final Function<String, String> authorization;
  private final Failures failures;

  /**
   * Calls that give up after {@code timeout}, sent by the client {@code clients} picks for each URL
   * (one per TLS context), carrying the {@code Authorization} value {@code authorization} gives for
   * a base URL (null: none), reporting failures through {@code failures}.
   */
  public ServerCalls(
      ObjectMapper json,
      Duration timeout,
      Function<URI, HttpClient> clients,
      Function<String, String> authorization,
      Failures failures) {
    this.json = Objects.requireNonNull(json, "json");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.authorization = Objects.requireNonNull(authorization, "authorization");
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  /**
   * {@code baseUrl} followed by {@code path}, with exactly one {@code /} between them (a base URL
   * may end with one, a path may start without one).
   */
  public static URI uri(String baseUrl, String path) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }

  /** The {@code Authorization} value of a bearer {@code token}; null for none or a blank one. */
  public static String bearer(String token) {
    return token == null || token.isBlank() ? null : "Bearer " + token;
  }

  /**
   * The server's message in a failure reply: its JSON {@code "message"} (the contract's {@code
   * {"message":..,"status":"failure"}}), else the body as it came.
   */
  public static String reason(ObjectMapper json, String body) {
    if (body == null) {
      return null;
    }
    try {
      JsonNode n = json.readTree(body);
      JsonNode m = n == null ? null : n.get("message");
      return m == null ? body : m.isTextual() ? m.asText() : m.toString();
    } catch (IOException | RuntimeException e) {
      return body;
    }
  }

  /** A request to {@code path} of {@code baseUrl} with the deadline, credential and Accept. */
  public HttpRequest.Builder builder(String baseUrl, String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(baseUrl, path))
            .timeout(timeout)
            .header("Accept", "application/json");
    String auth = authorization.apply(baseUrl);
    if (auth != null) {
      builder.header("Authorization", auth);
    }
    return builder;
  }

  /** {@code GET path} with no body. */
  public HttpRequest get(String baseUrl, String path) {
    return builder(baseUrl, path).GET().build();
  }

  /** {@code DELETE path} with no body. */
  public HttpRequest delete(String baseUrl, String path) {
    return builder(baseUrl, path).DELETE().build();
  }

  /**
   * {@code method path} with {@code body} as JSON ({@code Content-Type: application/json}), or an
   * empty body when it is null.
   */
  public HttpRequest request(String method, String baseUrl, String path, Object body) {
    HttpRequest.Builder b = builder(baseUrl, path);
    if (body == null) {
      return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw failures.unwritable(path, e);
    }
    return b.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  /** {@code request} with another deadline (a call that may take longer than the default). */
  public static HttpRequest within(HttpRequest request, Duration deadline) {
    return HttpRequest.newBuilder(request, (n, v) -> true).timeout(deadline).build();
  }

  /** Sends {@code request}; the body of a 2xx answer, else the client's exception. */
  public String send(HttpRequest request) {
    HttpClient client = clients.apply(request.uri());
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status / 100 != 2) {
        throw failures.refused(request, status, reason(json, response.body()), response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw failures.unanswered(request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failures.interrupted(request, e);
    }
  }

  /** Sends {@code request} and reads its answer as {@code type}. */
  public <T> T send(HttpRequest request, Class<T> type) {
    return read(send(request), type);
  }

  /** {@code body} as {@code type}, else the client's exception. */
  public <T> T read(String body, Class<T> type) {
    try {
      return json.readValue(body, type);
    } catch (IOException e) {
      throw failures.unreadable(type, body, e);
    }
  }
}
