package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The management port with TLS on (docs/security.md, "Management port"): it speaks TLS only, with
 * the pod's certificate (the API port's, rotated with it), health is anonymous and the status
 * alone, and {@code /prometheus} takes the scrape credential of the mounted directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortTlsTest {
  private static final String SCRAPE_TOKEN = "scrape-credential";
  private final SecureRandom random = new SecureRandom();
  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("mgmt-tls-ca", now, Duration.ofDays(30), random);
  private final int managementPort = freePort();
  private Path tls;
  private Replica server;

  @BeforeAll
  void start() throws Exception {
    tls = Files.createTempDirectory("mgmt-tls");
    ShardTlsTest.write(tls, identity("pod-a"));
    Path metrics = Files.createTempDirectory("mgmt-metrics-auth");
    Files.writeString(metrics.resolve("token"), SCRAPE_TOKEN);
    server =
        Replica.start(
            "mgmt-tls-0",
            "mgmttls_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of(
                "shardeddb.tls.enabled",
                "true",
                "shardeddb.tls.dir",
                tls.toString(),
                "shardeddb.tls.refresh",
                "1s",
                "shardeddb.metrics.auth.credentials-dir",
                metrics.toString(),
                "SHARDEDDB_MANAGEMENT_PORT",
                managementPort));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
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
  void metricsTakeTheScrapeCredential() throws Exception {
    assertThat(get("/prometheus", null).statusCode()).isEqualTo(401);
    assertThat(get("/prometheus", "wrong").statusCode()).isEqualTo(401);
    // The shard credential is not the scrape credential.
    assertThat(get("/prometheus", Http.TOKEN).statusCode()).isEqualTo(401);
    HttpResponse<String> r = get("/prometheus", SCRAPE_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("shardeddb_replication_lag");
  }

  @Test
  void anonymousHealthIsTheStatusAloneOverTls() throws Exception {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
      // As the kubelet asks: HTTPS, no client certificate, nothing verified.
      HttpResponse<String> r = send(Tls.probeContext(), managementPort, path, null);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(200, 503);
      assertThat(r.body()).as(path).matches("\\{\"status\":\"(UP|DOWN)\"\\}");
    }
  }

  @Test
  void theApiPortStillServesTheApiAndNotMetrics() throws Exception {
    assertThat(send(verifying(), server.port, "/prometheus", SCRAPE_TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(send(verifying(), server.port, "/health", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theManagementPortPresentsThePodCertificateAndFollowsItsRotation() throws Exception {
    assertThat(presented(managementPort)).isEqualTo(presented(server.port));
    PemMaterial renewed = identity("pod-a-renewed");
    ShardTlsTest.write(tls, renewed);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(presented(managementPort)).isEqualTo(renewed.chain().get(0)));
    assertThat(presented(server.port)).isEqualTo(renewed.chain().get(0));
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return send(verifying(), managementPort, path, token);
  }

  /** As Prometheus with the PodMonitor's tlsConfig: the database's CA, no client certificate. */
  private SSLContext verifying() {
    return Tls.clientContext(
        TlsMaterialSource.fixed(
            PemMaterial.parse(PemMaterial.pem(List.of(ca.certificate())), null, null)),
        TlsRole.SHARD_SERVER);
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

  @Test
  void theApiAndManagementPortsSpeakTls13OnlyAndRefuseAClientOfferingOnlyTls12() throws Exception {
    for (int port : List.of(server.port, managementPort)) {
      try (SSLSocket old =
          (SSLSocket)
              Tls.probeContext()
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), port)) {
        old.setSoTimeout(5000);
        old.setEnabledProtocols(new String[] {"TLSv1.2"});
        assertThatThrownBy(old::startHandshake)
            .as("port %d, TLS 1.2 only", port)
            .isInstanceOf(javax.net.ssl.SSLException.class);
      }
      try (SSLSocket current =
          (SSLSocket)
              Tls.probeContext()
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), port)) {
        current.setSoTimeout(5000);
        current.startHandshake();
        assertThat(current.getSession().getProtocol()).as("port %d", port).isEqualTo("TLSv1.3");
      }
    }
  }

  private static X509Certificate presented(int port) throws Exception {
    try (SSLSocket s =
        (SSLSocket)
            Tls.probeContext()
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private PemMaterial identity(String name) {
    CertificateAuthority.Issued issued =
        ca.issue(TlsRole.SHARD_SERVER, name, List.of(), List.of(), now, Duration.ofDays(1));
    return PemMaterial.parse(
        PemMaterial.pem(List.of(ca.certificate())), issued.certificatePem(), issued.keyPem());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
