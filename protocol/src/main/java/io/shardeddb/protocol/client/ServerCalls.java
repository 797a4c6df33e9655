package io.shardeddb.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The JSON-over-HTTP call every java.net.http client of a ShardedDB server makes (the operator's
 * shard-server client, the shard-server's {@code PeerClient}, {@link RouterClient} for the CLI and
 * tools), written once: the URL from a base and a path, the request deadline, the {@code
 * Authorization} header for that server, {@code Accept} (per call: JSON, NDJSON or none) and {@code
 * Content-Type}, the body through the caller's {@link Codec} (Jackson's or Micronaut's mapper), the
 * HTTP client for that server (its TLS context), and what an answer is: its status, headers and
 * body ({@link Answer}), whole, streamed as lines, or asynchronously.
 *
 * <p>Two ways to fail. {@link #send} maps a failure — a non-2xx status with the server's message,
 * no answer, an interrupt, an unreadable reply — to the client's own runtime exception ({@link
 * Failures}); {@link #answer}, {@link #answerAsync} and {@link #lines} leave no answer and
 * interrupts as the JDK's checked exceptions and give a refusal to the caller's {@code refused}
 * function with the whole answer (status, headers such as a peer's epoch, body), so a client whose
 * callers need checked exceptions (the peers' {@code PeerRefusal}) maps them in one place.
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

  /** {@code Accept} of a call answered with one JSON document. */
  public static final String JSON = "application/json";

  /** {@code Accept} of a call answered with JSON lines (a snapshot). */
  public static final String NDJSON = "application/x-ndjson";

  /** How bodies become bytes and back: the caller's JSON mapper. */
  public interface Codec {
    /** {@code value} as the bytes of a request body. */
    byte[] write(Object value) throws IOException;

    /** An answer's {@code body} as {@code type}. */
    <T> T read(byte[] body, Class<T> type) throws IOException;

    /**
     * The {@code "message"} of a failure reply (the contract's {@code
     * {"message":..,"status":"failure"}}), or null when the body is no such JSON.
     */
    String message(byte[] body);
  }

  /** The {@link Codec} of a Jackson mapper. */
  public static Codec jackson(ObjectMapper json) {
    Objects.requireNonNull(json, "json");
    return new Codec() {
      @Override
      public byte[] write(Object value) throws IOException {
        return json.writeValueAsBytes(value);
      }

      @Override
      public <T> T read(byte[] body, Class<T> type) throws IOException {
        return json.readValue(body, type);
      }

      @Override
      public String message(byte[] body) {
        try {
          JsonNode n = json.readTree(body);
          JsonNode m = n == null ? null : n.get("message");
          return m == null ? null : m.isTextual() ? m.asText() : m.toString();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }
    };
  }

  /** A server's answer, whatever its status: the status, the headers and the whole body. */
  public record Answer(int status, HttpHeaders headers, byte[] body) {
    /** Whether the status is 2xx. */
    public boolean ok() {
      return status / 100 == 2;
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The first value of header {@code name}, if the server sent it. */
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  private final Codec json;
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
    this(jackson(json), timeout, clients, authorization, failures);
  }

  /** As above, with bodies written and read by {@code json}. */
  public ServerCalls(
      Codec json,
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
    return reason(jackson(json), body);
  }

  private static String reason(Codec json, String body) {
    if (body == null) {
      return null;
    }
    String message = json.message(body.getBytes(StandardCharsets.UTF_8));
    return message == null ? body : message;
  }

  /** A request to {@code path} of {@code baseUrl} with the deadline, credential and JSON Accept. */
  public HttpRequest.Builder builder(String baseUrl, String path) {
    return builder(baseUrl, path, JSON);
  }

  /**
   * A request to {@code path} of {@code baseUrl} with the deadline and credential, accepting {@code
   * accept} ({@link #JSON}, {@link #NDJSON}; null: no {@code Accept} header).
   */
  public HttpRequest.Builder builder(String baseUrl, String path, String accept) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(baseUrl, path)).timeout(timeout);
    if (accept != null) {
      builder.header("Accept", accept);
    }
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
      bytes = json.write(body);
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

  /**
   * Sends {@code request} and returns the answer whatever its status: the one blocking send. No
   * answer (refused, reset, past the deadline: {@link java.net.http.HttpTimeoutException}) is an
   * {@link IOException}; an interrupt an {@link InterruptedException}.
   */
  public Answer exchange(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        clients.apply(request.uri()).send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r.headers(), r.body());
  }

  /**
   * Sends {@code request}; its 2xx answer, else the exception {@code refused} makes of the answer
   * (thrown). No answer and interrupts as for {@link #exchange}.
   */
  public <E extends Exception> Answer answer(HttpRequest request, Function<Answer, E> refused)
      throws E, IOException, InterruptedException {
    Answer a = exchange(request);
    if (!a.ok()) {
      throw refused.apply(a);
    }
    return a;
  }

  /** {@link #exchange} without blocking: completes with the answer whatever its status. */
  public CompletableFuture<Answer> exchangeAsync(HttpRequest request) {
    return clients
        .apply(request.uri())
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Answer(r.statusCode(), r.headers(), r.body()));
  }

  /**
   * {@link #answer} without blocking: completes with the 2xx answer, or exceptionally with what
   * {@code refused} makes of another (wrapped in a {@link CompletionException}) or the JDK's
   * failure when there is no answer.
   */
  public CompletableFuture<Answer> answerAsync(
      HttpRequest request, Function<Answer, ? extends Exception> refused) {
    return exchangeAsync(request)
        .thenApply(
            a -> {
              if (!a.ok()) {
                throw new CompletionException(refused.apply(a));
              }
              return a;
            });
  }

  /**
   * Sends {@code request} and returns a 2xx answer's body as lines read as they arrive (close the
   * stream when done; the request's deadline covers the answer's start, reading is bounded by the
   * caller). Another answer is read up to its first {@code 5} lines and given to {@code refused}.
   */
  public <E extends Exception> Stream<String> lines(
      HttpRequest request, Function<Answer, E> refused)
      throws E, IOException, InterruptedException {
    HttpResponse<Stream<String>> r =
        clients.apply(request.uri()).send(request, HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() / 100 != 2) {
      String head;
      try (Stream<String> body = r.body()) {
        head = String.join("\n", body.limit(5).toList());
      }
      throw refused.apply(
          new Answer(r.statusCode(), r.headers(), head.getBytes(StandardCharsets.UTF_8)));
    }
    return r.body();
  }

  /**
   * The server's message in a refusal: the {@code "message"} of its JSON body, else the body as it
   * came.
   */
  public String reason(Answer answer) {
    String message = json.message(answer.body());
    return message == null ? answer.text() : message;
  }

  /** The server's {@code "message"} in a refusal, or null when its body is no such JSON. */
  public String message(Answer answer) {
    return json.message(answer.body());
  }

  /** Sends {@code request}; the body of a 2xx answer, else the client's exception. */
  public String send(HttpRequest request) {
    try {
      Answer a = exchange(request);
      if (!a.ok()) {
        String body = a.text();
        throw failures.refused(request, a.status(), reason(json, body), body);
      }
      return a.text();
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
    return read(body.getBytes(StandardCharsets.UTF_8), type);
  }

  /** The body of {@code answer} as {@code type}, else the client's exception. */
  public <T> T read(Answer answer, Class<T> type) {
    return read(answer.body(), type);
  }

  private <T> T read(byte[] body, Class<T> type) {
    try {
      return json.read(body, type);
    } catch (IOException e) {
      throw failures.unreadable(type, new String(body, StandardCharsets.UTF_8), e);
    }
  }
}
