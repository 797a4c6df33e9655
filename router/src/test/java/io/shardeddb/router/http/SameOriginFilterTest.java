package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.TestRouter;
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

/**
 * A browser's same-origin calls reach the router on any loopback address (local mode gives each
 * router its own 127.X.Y.Z), and a request another web page made the browser send is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SameOriginFilterTest {
  TestRouter server;
  final HttpClient client = HttpClient.newHttpClient();
  String base;
  String origin;

  @BeforeAll
  void start() {
    // A loopback address other than 127.0.0.1, as local mode gives its pods.
    server = TestRouter.start("data-token", Map.of("micronaut.server.host", "127.0.0.7"));
    base = "http://127.0.0.7:" + server.server().getPort();
    origin = base;
  }

  @AfterAll
  void stop() {
    server.close();
  }

  int status(String method, String path, String originHeader, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer data-token");
    if (originHeader != null) {
      b.header("Origin", originHeader);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aSameOriginCallFromAPageOnA127LoopbackAddressIsServed() throws Exception {
    // Before SameOriginFilter replaced Micronaut's check, both answered 403.
    assertThat(status("GET", "/console/api/status", origin, null)).isEqualTo(200);
    assertThat(status("GET", "/status", origin, null)).isEqualTo(200);
  }

  @Test
  void aRequestAnotherPageMadeTheBrowserSendIsRefused() throws Exception {
    assertThat(status("POST", "/write", "http://evil.example", "{\"data\":[]}")).isEqualTo(403);
    assertThat(status("GET", "/status", "http://127.0.0.7:1", null)).isEqualTo(403);
    assertThat(status("GET", "/status", "null", null)).isEqualTo(403);
  }

  @Test
  void aClientThatSendsNoOriginIsNotConcerned() throws Exception {
    assertThat(status("GET", "/status", null, null)).isEqualTo(200);
  }

  @Test
  void theOriginIsComparedByHostAndPortWithDefaultPorts() {
    assertThat(SameOriginFilter.sameHost("http://db.example", "db.example")).isTrue();
    assertThat(SameOriginFilter.sameHost("https://db.example", "db.example")).isTrue();
    assertThat(SameOriginFilter.sameHost("http://db.example", "db.example:80")).isTrue();
    assertThat(SameOriginFilter.sameHost("http://DB.example:8080", "db.example:8080")).isTrue();
    assertThat(SameOriginFilter.sameHost("http://[::1]:8080", "[::1]:8080")).isTrue();
    assertThat(SameOriginFilter.sameHost("http://db.example:8080", "db.example")).isFalse();
    assertThat(SameOriginFilter.sameHost("http://other.example", "db.example")).isFalse();
    assertThat(SameOriginFilter.sameHost("null", "db.example")).isFalse();
    assertThat(SameOriginFilter.sameHost("http://db.example", null)).isFalse();
  }
}
