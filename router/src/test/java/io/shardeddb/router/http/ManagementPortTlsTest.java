package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.router.TestRouter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The router's management port with TLS on (docs/security.md, "Management port"): TLS only, with
 * the router's certificate; health anonymous and the status alone; {@code /prometheus} takes the
 * scrape credential and neither the data nor the admin token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortTlsTest {
  private static final String SCRAPE_TOKEN = "scrape-token";
  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("router-mgmt-ca", now, Duration.ofDays(30), new SecureRandom());
  private final int managementPort = freePort();
  private TestRouter server;

  @BeforeAll
  void start() throws IOException {
    Path tls = Files.createTempDirectory("router-mgmt-tls");
    CertificateAuthority.Issued issued =
        ca.issue(TlsRole.ROUTER, "router", List.of(), List.of(), now, Duration.ofDays(1));
    Files.writeString(tls.resolve(PemMaterial.CA_FILE), PemMaterial.pem(List.of(ca.certificate())));
    Files.writeString(tls.resolve(PemMaterial.CERT_FILE), issued.certificatePem());
    Files.writeString(tls.resolve(PemMaterial.KEY_FILE), issued.keyPem());
    Path metrics = Files.createTempDirectory("router-metrics-auth");
    Files.writeString(metrics.resolve("token"), SCRAPE_TOKEN);
    server =
        TestRouter.start(
            "data-token",
            Map.of(
                "shardeddb.router.auth.admin-token",
                "admin-token",
                "shardeddb.router.tls.dir",
                tls.toString(),
                "shardeddb.router.tls.serve-tls",
                "true",
                "shardeddb.metrics.auth.credentials-dir",
                metrics.toString(),
                "SHARDEDDB_MANAGEMENT_PORT",
                managementPort));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void plainHttpOnTheManagementPortGetsNoData() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (String path : List.of("/prometheus", "/health")) {
      assertThatThrownBy(
              () ->
                  plain.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + managementPort + path))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .as(path)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void metricsTakeTheScrapeCredentialOnly() throws Exception {
    for (String token : new String[] {null, "wrong", "data-token", "admin-token"}) {
      assertThat(send(verifying(), managementPort, "/prometheus", token).statusCode())
          .as("with %s", token)
          .isEqualTo(401);
    }
    HttpResponse<String> r = send(verifying(), managementPort, "/prometheus", SCRAPE_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("jvm_memory_used_bytes");
  }

  @Test
  void anonymousHealthIsTheStatusAloneOverTls() throws Exception {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
      HttpResponse<String> r = send(Tls.probeContext(), managementPort, path, null);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(200, 503);
      assertThat(r.body()).as(path).contains("\"status\"").doesNotContain("topologyVersion");
    }
  }

  @Test
  void theClientPortAnswers404ForMetrics() throws Exception {
    int api = server.server().getPort();
    assertThat(send(verifying(), api, "/prometheus", SCRAPE_TOKEN).statusCode()).isEqualTo(404);
  }

  private SSLContext verifying() {
    return Tls.clientContext(
        TlsMaterialSource.fixed(
            PemMaterial.parse(PemMaterial.pem(List.of(ca.certificate())), null, null)),
        TlsRole.ROUTER);
  }

  private static HttpResponse<String> send(SSLContext context, int port, String path, String token)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
