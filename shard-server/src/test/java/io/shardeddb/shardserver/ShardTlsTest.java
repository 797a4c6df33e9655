package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.shardserver.replication.stream.ReplicationStreamServer;
import java.io.IOException;
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
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS on a real shard-server: it serves HTTPS only, presents the certificate of the mounted
 * directory, and lets each caller's certificate role (mTLS) reach only its own endpoints: routers
 * the data endpoints, peers replication, the operator control. Health stays open for probes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardTlsTest {

  private static final String DATA_TOKEN = "data-credential";
  private final SecureRandom random = new SecureRandom();
  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("tls-test-ca", now, Duration.ofDays(30), random);
  private Replica server;

  @BeforeAll
  void start() throws Exception {
    Path tls = Files.createTempDirectory("shard-tls");
    write(tls, identity(ca, TlsRole.SHARD_SERVER));
    Path data = Files.createTempDirectory("shard-data-auth");
    Files.writeString(data.resolve("token"), DATA_TOKEN);
    server =
        Replica.start(
            "tls-0",
            "tls_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of(
                "shardeddb.tls.enabled", "true",
                "shardeddb.tls.dir", tls.toString(),
                "shardeddb.auth.data-credentials-dir", data.toString()));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create(http() + "/health"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void healthIsServedOverTlsWithoutAClientCertificate() throws Exception {
    assertThat(call(Tls.probeContext(), "GET", "/health/liveness", null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aClientThatDoesNotTrustTheDatabasesCaRefusesTheServer() {
    CertificateAuthority other =
        CertificateAuthority.create("other", now, Duration.ofDays(30), random);
    SSLContext wrong = client(other, TlsRole.OPERATOR);
    assertThatThrownBy(() -> call(wrong, "GET", "/heartbeat", Http.TOKEN))
        .isInstanceOf(IOException.class);
  }

  @Test
  void eachRoleReachesItsOwnEndpointsOnly() throws Exception {
    SSLContext router = client(ca, TlsRole.ROUTER);
    SSLContext peer = client(ca, TlsRole.SHARD_SERVER);
    SSLContext operator = client(ca, TlsRole.OPERATOR);

    // Every role may ask for a heartbeat (routers route by it, peers and the operator watch).
    for (SSLContext any : List.of(router, peer, operator)) {
      assertThat(call(any, "GET", "/heartbeat", Http.TOKEN).statusCode()).isEqualTo(200);
      // The assignment's greeting names the server, as the heartbeat does: the same callers.
      assertThat(call(any, "GET", "/home", Http.TOKEN).statusCode()).isEqualTo(200);
    }
    // Data endpoints: routers.
    assertThat(call(router, "POST", "/read", DATA_TOKEN).statusCode()).isNotIn(401, 403);
    assertThat(call(peer, "POST", "/read", Http.TOKEN).statusCode()).isEqualTo(403);
    assertThat(call(operator, "POST", "/write", Http.TOKEN).statusCode()).isEqualTo(403);
    // Replication: peers, even with the shard credential in hand, nobody else.
    assertThat(call(peer, "GET", "/log?fromLsn=1&prevEpoch=0&limit=1&replica=x", Http.TOKEN))
        .satisfies(r -> assertThat(r.statusCode()).isNotIn(401, 403));
    assertThat(call(router, "GET", "/snapshot", Http.TOKEN).statusCode()).isEqualTo(403);
    assertThat(call(operator, "POST", "/replicate", Http.TOKEN).statusCode()).isEqualTo(403);
    // Control: the operator.
    assertThat(call(operator, "POST", "/fence", Http.TOKEN).statusCode()).isNotIn(401, 403);
    assertThat(call(peer, "POST", "/role", Http.TOKEN).statusCode()).isEqualTo(403);
    assertThat(call(router, "POST", "/role", Http.TOKEN).statusCode()).isEqualTo(403);
    // Without a client certificate nothing but health and metrics.
    assertThat(call(Tls.probeContext(), "GET", "/heartbeat", Http.TOKEN).statusCode())
        .isEqualTo(403);
    assertThat(call(Tls.probeContext(), "GET", "/home", Http.TOKEN).statusCode()).isEqualTo(403);
  }

  /**
   * Issue 26's "done when": the router's identity — its certificate, even with the shard credential
   * in hand — is refused by every control and replication endpoint.
   */
  @Test
  void theRoutersIdentityIsRefusedByEveryControlAndReplicationEndpoint() throws Exception {
    SSLContext router = client(ca, TlsRole.ROUTER);
    List<String> calls =
        List.of(
            "POST /role",
            "POST /fence",
            "POST /replicate",
            "GET /snapshot",
            "GET /log?fromLsn=1&prevEpoch=0&limit=1&replica=x",
            "POST /resync",
            "POST /config",
            "GET /checksum",
            "POST /ranges/fence",
            "POST /ranges/adopt",
            "POST /ranges/purge",
            "POST /import");
    for (String c : calls) {
      String[] mp = c.split(" ");
      assertThat(call(router, mp[0], mp[1], Http.TOKEN).statusCode()).as(c).isEqualTo(403);
    }
  }

  /**
   * Only the exact open paths are open: no spelling of a guarded path behind one (dot segments,
   * encoded slashes and dots, a doubled slash, a matrix parameter) is served to a caller without a
   * client certificate.
   */
  @Test
  void noSpellingOfAGuardedPathBehindAnOpenPathIsServedWithoutACertificate() throws Exception {
    List<String> spellings =
        List.of(
            "/health/../role",
            "/health/%2E%2E/role",
            "/health%2F..%2Frole",
            "/health/..%2Frole",
            "/prometheus/../fence",
            "//role",
            "/health/..;/role",
            "/health/readiness/../../fence");
    for (String path : spellings) {
      HttpResponse<String> r = call(Tls.probeContext(), "POST", path, Http.TOKEN);
      assertThat(r.statusCode()).as(path).isIn(400, 403, 404, 405);
      assertThat(r.body()).as(path).doesNotContain("epoch\":").doesNotContain("Primary for");
    }
  }

  /**
   * The stream port carries both channels; the hello's kind decides which identity it takes: data
   * frames only the router's certificate, replication frames only a shard-server's (each refused
   * the other's with 403, whatever credential it holds); the operator's never gets past the TLS
   * handshake. The offer of the data channel over HTTP is a data endpoint.
   */
  @Test
  void onTheStreamPortDataTakesTheRouterAndReplicationTheShardServer() throws Exception {
    int port = server.bean(ReplicationStreamServer.class).port();
    SSLContext router = client(ca, TlsRole.ROUTER);
    SSLContext peer = client(ca, TlsRole.SHARD_SERVER);
    SSLContext operator = client(ca, TlsRole.OPERATOR);

    try (DataFrameClient c = new DataFrameClient(port, router)) {
      assertThat(c.helloStatus("Bearer " + DATA_TOKEN, DataFrames.KIND_DATA)).isZero();
      // Not configured yet: the endpoint's own answer, not a refusal of the caller.
      c.call(1, DataFrames.READ, null, "{\"shard\":\"sh1\",\"Stud_id\":1}");
      assertThat(c.read().status()).isNotIn(0, 200, 401, 403);
    }
    try (DataFrameClient c = new DataFrameClient(port, peer)) {
      assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_DATA)).isEqualTo(403);
    }
    try (DataFrameClient c = new DataFrameClient(port, router)) {
      assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_REPLICATION)).isEqualTo(403);
    }
    try (DataFrameClient c = new DataFrameClient(port, router)) {
      assertThat(c.helloStatus("Bearer " + Http.TOKEN, (byte) 0)).isEqualTo(403);
    }
    try (DataFrameClient c = new DataFrameClient(port, peer)) {
      assertThat(c.helloStatus("Bearer " + DATA_TOKEN, DataFrames.KIND_REPLICATION)).isEqualTo(401);
    }
    try (DataFrameClient c = new DataFrameClient(port, peer)) {
      assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_REPLICATION)).isZero();
    }
    assertThatThrownBy(
            () -> {
              try (DataFrameClient c = new DataFrameClient(port, operator)) {
                c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_DATA);
              }
            })
        .isInstanceOf(IOException.class);

    assertThat(call(router, "GET", DataFrames.OFFER_PATH, DATA_TOKEN).statusCode()).isEqualTo(200);
    assertThat(call(peer, "GET", DataFrames.OFFER_PATH, Http.TOKEN).statusCode()).isEqualTo(403);
  }

  @Test
  void aPeerHoldingOnlyTheDataCredentialIsRefusedOnTheLog() throws Exception {
    SSLContext peer = client(ca, TlsRole.SHARD_SERVER);
    assertThat(
            call(peer, "GET", "/log?fromLsn=1&prevEpoch=0&limit=1&replica=x", DATA_TOKEN)
                .statusCode())
        .isEqualTo(403);
  }

  private HttpResponse<String> call(SSLContext context, String method, String path, String token)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(
                method,
                method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String http() {
    return "http://127.0.0.1:" + server.port;
  }

  private SSLContext client(CertificateAuthority authority, TlsRole role) {
    return Tls.clientContext(
        TlsMaterialSource.fixed(identity(authority, role)), TlsRole.SHARD_SERVER);
  }

  private PemMaterial identity(CertificateAuthority authority, TlsRole role) {
    CertificateAuthority.Issued issued =
        authority.issue(role, role.label(), List.of(), List.of(), now, Duration.ofDays(1));
    return PemMaterial.parse(
        PemMaterial.pem(List.of(authority.certificate())),
        issued.certificatePem(),
        issued.keyPem());
  }

  static void write(Path dir, PemMaterial m) throws IOException {
    Files.writeString(dir.resolve(PemMaterial.CA_FILE), PemMaterial.pem(m.authorities()));
    Files.writeString(dir.resolve(PemMaterial.CERT_FILE), PemMaterial.pem(m.chain()));
    Files.writeString(dir.resolve(PemMaterial.KEY_FILE), PemMaterial.pem(m.key()));
  }
}
