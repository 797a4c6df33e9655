package io.shardeddb.operator.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator calls each shard-server expecting the pod it means: over a real handshake, the
 * certificate the operator issued for that pod is accepted, its sibling's (a reused IP) refused,
 * and the old shared wildcard certificate of the shard still accepted during an upgrade.
 */
class OperatorTlsTest {

  private final Instant now = Instant.now();
  private final TlsSecrets secrets = new TlsSecrets(new SecureRandom());
  private final ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
  private final DatabaseModel db = DatabaseModel.of(sdb, new Images("ss:1", "rt:1", "my:1"));
  private final OperatorTls tls = new OperatorTls(secrets);
  private final CertificateAuthority ca = tls.authority(sdb, java.util.stream.Stream.of(), now);
  private final Secret shard =
      secrets.shardTlsSecret(db, new DesiredShard("sh1", 3), ca, null, now);
  private HttpsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void theOperatorAcceptsThePodItMeansAndRefusesItsSibling() throws Exception {
    String url = start(pair("students-sh1-1"));
    SSLContext context = tls.clientContext(sdb, ca, now);

    tls.expect(sdb, Map.of(url, new OperatorTls.PodName("students-sh1-1", "sh1")));
    assertThat(call(context, url)).isEqualTo(200);

    tls.expect(sdb, Map.of(url, new OperatorTls.PodName("students-sh1-0", "sh1")));
    assertThatThrownBy(() -> call(context, url)).isInstanceOf(IOException.class);
  }

  @Test
  void aPodStillOnTheSharedCertificateIsAcceptedDuringTheUpgrade() throws Exception {
    CertificateAuthority.Issued shared =
        ca.issue(
            TlsRole.SHARD_SERVER,
            "students-shard-server",
            List.of("students-sh1.ns.svc", "*.students-sh1.ns.svc"),
            List.of(),
            now,
            Duration.ofDays(90));
    String url = start(material(shared.certificatePem(), shared.keyPem()));
    SSLContext context = tls.clientContext(sdb, ca, now);

    tls.expect(sdb, Map.of(url, new OperatorTls.PodName("students-sh1-2", "sh1")));
    assertThat(call(context, url)).isEqualTo(200);
    tls.expect(sdb, Map.of(url, new OperatorTls.PodName("students-sh2-0", "sh2")));
    assertThatThrownBy(() -> call(context, url)).isInstanceOf(IOException.class);
  }

  private PemMaterial pair(String pod) {
    return material(TlsSecrets.text(shard, pod + ".crt"), TlsSecrets.text(shard, pod + ".key"));
  }

  private PemMaterial material(String cert, String key) {
    return PemMaterial.parse(TlsSecrets.text(shard, "ca.crt"), cert, key);
  }

  private static int call(SSLContext context, String url) throws Exception {
    // A fresh client per call: a new handshake each time.
    HttpClient client = HttpClient.newBuilder().sslContext(context).build();
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url + "/")).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String start(PemMaterial identity) throws IOException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(
            Tls.serverContext(TlsMaterialSource.fixed(identity), EnumSet.allOf(TlsRole.class))));
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }
}
