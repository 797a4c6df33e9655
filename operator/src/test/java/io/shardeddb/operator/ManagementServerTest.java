package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's management port stays answerable whatever its clients do (security review
 * 2026-11-26: one stalled connection to the JDK server failed the liveness probe, so the kubelet
 * restarted the operator and no database was reconciled, failed over or had its CA rotated).
 */
class ManagementServerTest {

  /**
   * How long a probe may take while clients stall: the kubelet's default is 1 s; a loaded CI
   * machine gets 3 (the server this replaced never answered at all).
   */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  private static HttpResponse<String> probe(int port, String path, String method) throws Exception {
    return probe(port, path, method, PROBE_TIMEOUT);
  }

  private static HttpResponse<String> probe(int port, String path, String method, Duration timeout)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The first request of a JVM loads the client and the server's pipeline: not what is timed. */
  private static void warmUp(int port) throws Exception {
    assertThat(probe(port, "/health/liveness", "GET", Duration.ofSeconds(30)).statusCode())
        .isEqualTo(200);
  }

  private static ManagementServer server() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("shardeddb.test.probes").increment();
    return new ManagementServer(-1, registry, () -> true, () -> false);
  }

  @Test
  @DisplayName(
      "clients stalled mid-request or silent leave the probes answering within a probe's timeout")
  void stalledClientsLeaveTheProbesGreen() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try (ManagementServer server = server()) {
      int port = server.port();
      warmUp(port);
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        stalled.add(s);
        if (i % 2 == 0) {
          // A request line and no end of headers: `(printf 'GET /metrics HTTP/1.1\r\n'; sleep)`.
          OutputStream out = s.getOutputStream();
          out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      }
      for (int i = 0; i < 5; i++) {
        assertThat(probe(port, "/health/liveness", "GET").statusCode()).isEqualTo(200);
        assertThat(probe(port, "/health/readiness", "GET").statusCode()).isEqualTo(503);
      }
      assertThat(probe(port, "/metrics", "GET").body()).contains("shardeddb_test_probes_total 1.0");
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("a stalled client is disconnected once it has been idle for the deadline")
  void aStalledClientIsDisconnected() throws Exception {
    try (ManagementServer server = server();
        Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout((ManagementServer.IDLE_SECONDS + 10) * 1000);
      long start = System.nanoTime();
      InputStream in = s.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Duration.ofSeconds(ManagementServer.IDLE_SECONDS + 10));
    }
  }

  @Test
  @DisplayName("unknown paths get 404, writes 405, an oversized request 413: nothing else runs")
  void otherRequestsGetClearErrors() throws Exception {
    try (ManagementServer server = server()) {
      int port = server.port();
      warmUp(port);
      assertThat(probe(port, "/nope", "GET").statusCode()).isEqualTo(404);
      assertThat(probe(port, "/health/liveness", "POST").statusCode()).isEqualTo(405);
      assertThat(probe(port, "/health/liveness?verbose=1", "GET").statusCode()).isEqualTo(200);
      HttpResponse<String> big =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .POST(HttpRequest.BodyPublishers.ofString("x".repeat(64 * 1024)))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(big.statusCode()).isEqualTo(413);
    }
  }
}
