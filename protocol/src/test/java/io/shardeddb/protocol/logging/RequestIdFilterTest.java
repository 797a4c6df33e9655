package io.shardeddb.protocol.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.MDC;

/**
 * {@link RequestIdFilter} in a real Micronaut HTTP server on loopback, as the router and the
 * shard-server load it: a handler on the blocking executor (another thread than the filter's) sees
 * the request id in its MDC, the response echoes it, a malformed one is replaced, and nothing is
 * left in the MDC after the request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestIdFilterTest {
  private EmbeddedServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Controller("/mdc")
  @Requires(property = "test.request-id-filter")
  static class MdcController {
    @Get(produces = MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    String requestId() {
      return String.valueOf(MDC.get(RequestIds.MDC_KEY));
    }
  }

  @BeforeAll
  void start() {
    server =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.port",
                -1,
                "micronaut.server.host",
                "127.0.0.1",
                "test.request-id-filter",
                true));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String requestId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/mdc"))
            .timeout(Duration.ofSeconds(20));
    if (requestId != null) {
      request.header(RequestIds.HEADER, requestId);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theHandlerLogsUnderTheCallersIdAndTheResponseEchoesIt() throws Exception {
    HttpResponse<String> r = get("order-17");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("order-17");
    assertThat(r.headers().firstValue(RequestIds.HEADER)).hasValue("order-17");
  }

  @Test
  void withoutAnIdOrWithAMalformedOneEachRequestGetsAFreshOne() throws Exception {
    HttpResponse<String> first = get(null);
    HttpResponse<String> second = get("not ok; " + "x".repeat(200));

    assertThat(first.body()).hasSize(36).isNotEqualTo(second.body());
    assertThat(second.body()).hasSize(36);
    assertThat(first.headers().firstValue(RequestIds.HEADER)).hasValue(first.body());
    assertThat(second.headers().firstValue(RequestIds.HEADER)).hasValue(second.body());
  }
}
