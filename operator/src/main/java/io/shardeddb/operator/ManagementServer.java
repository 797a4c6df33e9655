package io.shardeddb.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** Serves {@code /metrics} (Prometheus) and {@code /health/liveness|readiness} on one port. */
final class ManagementServer implements AutoCloseable {

  private final HttpServer server;

  ManagementServer(
      int port, PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
    try {
      // A negative port means "any free port on loopback" (tests, local mode).
      InetSocketAddress address =
          port < 0 ? new InetSocketAddress("127.0.0.1", 0) : new InetSocketAddress(port);
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on management port " + port, e);
    }
    server.createContext(
        "/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext("/health/liveness", ex -> health(ex, live.getAsBoolean()));
    server.createContext("/health/readiness", ex -> health(ex, ready.getAsBoolean()));
    server.start();
  }

  /** The bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange ex, boolean up) throws IOException {
    respond(
        ex,
        up ? 200 : 503,
        "application/json",
        up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
