package io.shardeddb.cli.booking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shardeddb.local.LocalPodKill;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The booking demo's web server ({@code examples/booking/}, docs/booking-demo.md), run by {@code
 * kubectl-sdb local booking} on a loopback address. It does three things and nothing else:
 *
 * <ul>
 *   <li>serves the page's three files ({@link #FILES}, exact names from {@code webRoot}: nothing
 *       else of the directory is reachable);
 *   <li>forwards the router's data API the page calls ({@link #FORWARDED}: {@code /read}, {@code
 *       /write}, {@code /update}, {@code /del}, {@code /query}) to the router unchanged — method,
 *       body and the page's {@code Authorization} header — over TLS verified by the database's CA,
 *       and answers the router's status and body as they came. The router decides every booking;
 *       this server adds no credential of its own to those calls;
 *   <li>local mode's fault button: {@code GET /local/shard-servers} lists the database's
 *       shard-server pods and {@code POST /local/kill {"pod":..}} kills one ({@code kill -9}, as
 *       {@code kubectl-sdb local kill}). These two exist only in this server, which exists only in
 *       local mode, and take the router's data token ({@code Authorization: Bearer}, compared in
 *       constant time); a database with router auth off gets 403 there, never an open kill button.
 * </ul>
 *
 * <p>Requests that a page of another origin made the browser send ({@code Origin} not this server)
 * are refused with 403 before anything else, as the router's {@code SameOriginFilter} does.
 */
public final class BookingServer implements AutoCloseable {
  /** The router paths the page calls, each with the one method the router takes there. */
  static final Map<String, String> FORWARDED =
      Map.of(
          "/read", "POST", "/write", "POST", "/update", "PUT", "/del", "DELETE", "/query", "POST");

  /** The page's files, by path, with their content types. */
  static final Map<String, String> FILES =
      Map.of(
          "/index.html", "text/html; charset=utf-8",
          "/booking.js", "text/javascript; charset=utf-8",
          "/booking.css", "text/css; charset=utf-8");

  static final String SHARD_SERVERS = "/local/shard-servers";
  static final String KILL = "/local/kill";
  static final int MAX_BODY = 1 << 20;
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The router this server forwards to: its URL, the TLS context verifying it, its data token. */
  public record Router(String baseUrl, SSLContext tls, String token) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;
  private final Router router;
  private final ShardServers shardServers;
  private final Path webRoot;

  private BookingServer(HttpServer server, Router router, ShardServers shardServers, Path webRoot) {
    this.server = server;
    this.router = router;
    this.shardServers = shardServers;
    this.webRoot = webRoot;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      builder.sslContext(router.tls());
    }
    this.http = builder.build();
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts serving on {@code bind} (port 0: any free port). */
  public static BookingServer start(
      InetSocketAddress bind, Router router, ShardServers shardServers, Path webRoot)
      throws IOException {
    BookingServer b = new BookingServer(HttpServer.create(bind, 64), router, shardServers, webRoot);
    b.server.start();
    return b;
  }

  /** This server's URL, {@code http://host:port/}. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply;
      try {
        reply = answer(exchange);
      } catch (RuntimeException e) {
        reply = Reply.failure(500, "internal error: " + e.getClass().getSimpleName());
      }
      send(exchange, reply);
    }
  }

  /** What a request is answered with. */
  record Reply(int status, String contentType, byte[] body) {
    static Reply json(int status, Object body) {
      try {
        return new Reply(status, "application/json", JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Reply failure(int status, String message) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("message", message);
      body.put("status", "failure");
      return json(status, body);
    }
  }

  private Reply answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (!sameOrigin(origin, exchange.getRequestHeaders().getFirst("Host"))) {
      return Reply.failure(403, "cross-origin request refused: Origin " + origin);
    }
    if (path.equals("/")) {
      path = "/index.html";
    }
    if (FILES.containsKey(path)) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        return Reply.failure(405, "method " + method + " not allowed on " + path);
      }
      return new Reply(
          200, FILES.get(path), Files.readAllBytes(webRoot.resolve(path.substring(1))));
    }
    if (FORWARDED.containsKey(path)) {
      if (!FORWARDED.get(path).equals(method)) {
        return Reply.failure(
            405, "method " + method + " not allowed on " + path + "; use " + FORWARDED.get(path));
      }
      return forward(exchange, method, path);
    }
    if (path.equals(SHARD_SERVERS) || path.equals(KILL)) {
      String refused = localRefusal(exchange.getRequestHeaders().getFirst("Authorization"));
      if (refused != null) {
        return Reply.failure(refused.startsWith("missing") ? 401 : 403, refused);
      }
      if (path.equals(SHARD_SERVERS)) {
        return method.equals("GET")
            ? Reply.json(200, Map.of("shardServers", shardServers.list(), "status", "success"))
            : Reply.failure(405, "method " + method + " not allowed on " + path + "; use GET");
      }
      return method.equals("POST")
          ? kill(readBody(exchange))
          : Reply.failure(405, "method " + method + " not allowed on " + path + "; use POST");
    }
    return Reply.failure(404, "no such path: " + path);
  }

  /**
   * Why the fault endpoints refuse {@code authorization}, or null when it is the router's data
   * token. Router auth off: refused, so the kill button is never open to every user of the machine.
   */
  String localRefusal(String authorization) {
    if (router.token() == null) {
      return "the kill button needs the router's data token, and this database has router auth"
          + " off";
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return "missing or invalid token: send the router's data token as Authorization: Bearer";
    }
    byte[] given = authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, router.token().getBytes(StandardCharsets.UTF_8))
        ? null
        : "missing or invalid token: send the router's data token as Authorization: Bearer";
  }

  private Reply kill(byte[] body) {
    if (body == null) {
      return Reply.failure(413, "request body over " + MAX_BODY + " bytes");
    }
    String pod;
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null
          || !node.isObject()
          || node.size() != 1
          || !node.path("pod").isTextual()
          || node.get("pod").asText().isBlank()) {
        return Reply.failure(400, "body must be {\"pod\": \"<shard-server pod name>\"}");
      }
      pod = node.get("pod").asText();
    } catch (IOException e) {
      return Reply.failure(400, "body is not JSON: {\"pod\": \"<shard-server pod name>\"}");
    }
    ShardServers.ShardServer before =
        shardServers.list().stream().filter(s -> s.pod().equals(pod)).findFirst().orElse(null);
    try {
      LocalPodKill.Killed killed = shardServers.kill(pod);
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("message", "killed pod " + pod + " (pid " + killed.pid() + ")");
      reply.put("pod", pod);
      reply.put("pid", killed.pid());
      reply.put("shard", before == null ? null : before.shard());
      reply.put("role", before == null ? null : before.role());
      reply.put("status", "success");
      return Reply.json(200, reply);
    } catch (ShardServers.UnknownPod e) {
      return Reply.failure(404, e.getMessage());
    } catch (LocalPodKill.NotKillable e) {
      return Reply.failure(409, e.getMessage());
    }
  }

  private Reply forward(HttpExchange exchange, String method, String path) throws IOException {
    byte[] body = readBody(exchange);
    if (body == null) {
      return Reply.failure(413, "request body over " + MAX_BODY + " bytes");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse("application/json"),
          r.body());
    } catch (IOException e) {
      return Reply.failure(502, "the router did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.failure(503, "interrupted");
    }
  }

  /** The request body, or null when it is over {@link #MAX_BODY}. */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      return body.length > MAX_BODY ? null : body;
    }
  }

  /**
   * Whether a request with {@code origin} came from this server's own page: no {@code Origin}
   * (curl, a same-origin GET) or {@code http://<Host>} exactly.
   */
  static boolean sameOrigin(String origin, String host) {
    return origin == null || (host != null && origin.equals("http://" + host));
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", reply.contentType());
    headers.set("Content-Security-Policy", CSP);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length);
    if (!head) {
      exchange.getResponseBody().write(reply.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    http.close();
  }
}
