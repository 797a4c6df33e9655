package io.shardeddb.protocol.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that records what each request put on the wire (method, path and query, the headers a
 * client chooses, the body) and answers every request with one status and body, so a test can pin a
 * client's wire format.
 */
final class WireRecorder implements AutoCloseable {
  /** Headers the JDK client adds on its own (address, version, connection handling). */
  private static final Set<String> TRANSPORT =
      Set.of("host", "user-agent", "connection", "upgrade", "http2-settings");

  final List<String> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  volatile int status = 200;
  volatile String reply = "{}";
  volatile Map<String, String> replyHeaders = Map.of();

  WireRecorder() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          TreeMap<String, String> headers = new TreeMap<>();
          ex.getRequestHeaders()
              .forEach(
                  (name, values) -> {
                    if (!TRANSPORT.contains(name.toLowerCase(Locale.ROOT))) {
                      headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
                    }
                  });
          String body = canonical(ex.getRequestBody().readAllBytes());
          requests.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " "
                  + headers
                  + (body.isEmpty() ? "" : " " + body));
          byte[] out = reply.getBytes(StandardCharsets.UTF_8);
          replyHeaders.forEach((name, value) -> ex.getResponseHeaders().add(name, value));
          ex.sendResponseHeaders(status, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    server.start();
  }

  /** A JSON body with its keys sorted (a client's Map.of has no fixed order); else as it came. */
  private static String canonical(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      return SORTED.writeValueAsString(SORTED.readValue(text, Object.class));
    } catch (IOException | RuntimeException e) {
      return text;
    }
  }

  private static final ObjectMapper SORTED =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
