package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-pod certificates on a real shard-server: the directory holds its shard's Secret (a pair per
 * pod), the server presents its own pod's pair (picked by {@code shardeddb.tls.pod-name}) and
 * reloads it when renewed; a caller that expects another pod at its address refuses it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardPerPodTlsTest {

  private static final String POD = "db-sh1-0";
  private static final String SIBLING = "db-sh1-1";
  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("per-pod-ca", now, Duration.ofDays(30), new SecureRandom());
  private Path dir;
  private Replica server;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("shard-pod-tls");
    Files.writeString(dir.resolve("ca.crt"), PemMaterial.pem(List.of(ca.certificate())));
    writePair(POD, issue(POD));
    writePair(SIBLING, issue(SIBLING));
    server =
        Replica.start(
            "tls-0",
            "tls_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of(
                "shardeddb.tls.enabled",
                "true",
                "shardeddb.tls.dir",
                dir.toString(),
                "shardeddb.tls.refresh",
                "200ms",
                "shardeddb.tls.pod-name",
                POD));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theServerPresentsItsOwnPodsCertificateAndTheRightCallerAcceptsIt() throws Exception {
    HttpResponse<String> answer = heartbeat(expecting(POD));
    assertThat(answer.statusCode()).isEqualTo(200);
    X509Certificate served =
        (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
    assertThat(PeerNames.names(served, host(POD))).isTrue();
    assertThat(PeerNames.names(served, host(SIBLING))).isFalse();
  }

  @Test
  void aCallerThatExpectsTheSiblingPodAtThisAddressRefusesTheHandshake() {
    assertThatThrownBy(() -> heartbeat(expecting(SIBLING))).isInstanceOf(IOException.class);
  }

  @Test
  void aRenewedPairOfItsPodIsServedWithoutARestart() throws Exception {
    CertificateAuthority.Issued renewed = issue(POD);
    writePair(POD, renewed);
    X509Certificate served = null;
    for (int i = 0; i < 50; i++) {
      try {
        HttpResponse<String> answer = heartbeat(expecting(POD));
        served = (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
        if (served.equals(renewed.certificate())) {
          break;
        }
      } catch (IOException midSwap) {
        // The two files are written one after the other here (the kubelet swaps them at once).
      }
      Thread.sleep(100);
    }
    assertThat(served).isEqualTo(renewed.certificate());
  }

  private HttpResponse<String> heartbeat(HttpClient client)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port + "/heartbeat"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + Http.TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A new operator client (fresh connections) that expects {@code pod} at the server's address. */
  private HttpClient expecting(String pod) {
    PeerNames names = new PeerNames();
    names.expect("127.0.0.1", server.port, host(pod));
    CertificateAuthority.Issued operator =
        ca.issue(TlsRole.OPERATOR, "op", List.of(), List.of(), now, Duration.ofDays(1));
    TlsMaterialSource identity =
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                PemMaterial.pem(List.of(ca.certificate())),
                operator.certificatePem(),
                operator.keyPem()));
    return HttpClient.newBuilder()
        .sslContext(Tls.clientContext(identity, TlsRole.SHARD_SERVER, names))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  private static String host(String pod) {
    return PeerNames.podHost(pod, "db-sh1", "ns");
  }

  private CertificateAuthority.Issued issue(String pod) {
    return ca.issue(
        TlsRole.SHARD_SERVER,
        pod,
        List.of(host(pod), host(pod) + ".cluster.local"),
        List.of(),
        now,
        Duration.ofDays(1));
  }

  private void writePair(String pod, CertificateAuthority.Issued issued) throws IOException {
    // Key first, then certificate: the server reads the certificate's presence as the switch.
    Files.writeString(dir.resolve(pod + ".key"), issued.keyPem());
    Files.writeString(dir.resolve(pod + ".crt"), issued.certificatePem());
  }
}
