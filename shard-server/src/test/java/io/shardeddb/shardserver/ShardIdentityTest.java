package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.stream.ReplicateFrames;
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
 * Security review 2026-11-26 #1 on a real shard-server over mTLS: pod {@code db-sh2-0}, primary of
 * shard sh2 of database ns/db, holding a row, with certificates naming database, shard and pod. The
 * confirmed attack — pod {@code db-sh1-0}'s certificate and the shard credential reading sh2's
 * {@code /snapshot} and {@code /log} — is refused with 403, as are {@code /replicate} and the
 * replication stream's hello from it, every certificate of another database from the same CA, and a
 * sibling's {@code /replicate} naming another pod as primary. Its own shard's pods, and a move's
 * import reads of a point range, still pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardIdentityTest {

  private static final String POD = "db-sh2-0";
  private static final String SIBLING = "db-sh2-1";
  private static final String OTHER_SHARD = "db-sh1-0";
  private static final String SH2_CONFIG =
      ThreeReplicaShard.CONFIG.replace("[\"sh1\"]", "[\"sh2\"]");

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("identity-ca", now, Duration.ofDays(30), new SecureRandom());
  private Replica server;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("shard-identity");
    Files.writeString(dir.resolve("ca.crt"), PemMaterial.pem(List.of(ca.certificate())));
    CertificateAuthority.Issued own = pod("db", "sh2", POD, now);
    Files.writeString(dir.resolve(POD + ".key"), own.keyPem());
    Files.writeString(dir.resolve(POD + ".crt"), own.certificatePem());
    server =
        Replica.start(
            POD,
            "id_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of(
                "shardeddb.tls.enabled",
                "true",
                "shardeddb.tls.dir",
                dir.toString(),
                "shardeddb.tls.pod-name",
                POD));
    SSLContext operator = component("db", TlsRole.OPERATOR);
    assertThat(call(operator, "POST", "/config", SH2_CONFIG).statusCode()).isEqualTo(200);
    Peer self = new Peer(POD, "https://127.0.0.1:" + server.port);
    RoleRequest primary =
        new RoleRequest(1, Role.Primary, self, List.of(self), WriteQuorum.Majority, 1);
    assertThat(call(operator, "POST", "/role", Http.json(primary)).statusCode()).isEqualTo(200);
    HttpResponse<String> write =
        call(
            component("db", TlsRole.ROUTER),
            "POST",
            "/write",
            "{\"shard\":\"sh2\",\"curr_idx\":0,\"data\":[" + ThreeReplicaShard.row(7) + "]}");
    assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anotherShardsPodIsRefusedSnapshotLogAndReplicate() throws Exception {
    SSLContext sh1 = client(pod("db", "sh1", OTHER_SHARD, now));
    for (String c : List.of("GET /snapshot", "GET /log?fromLsn=1&prevEpoch=0&limit=10")) {
      String[] mp = c.split(" ");
      HttpResponse<String> r = call(sh1, mp[0], mp[1], null);
      assertThat(r.statusCode()).as("%s: %s", c, r.body()).isEqualTo(403);
      assertThat(r.body()).contains("only pods of shard sh2 of database ns/db");
    }
    HttpResponse<String> replicate = call(sh1, "POST", "/replicate", replicateBody(OTHER_SHARD));
    assertThat(replicate.statusCode()).as(replicate.body()).isEqualTo(403);
  }

  @Test
  void anotherShardsPodIsRefusedTheReplicationStream() throws Exception {
    SSLContext sh1 = client(pod("db", "sh1", OTHER_SHARD, now));
    try (DataFrameClient c = new DataFrameClient(streamPort(), sh1)) {
      c.hello("Bearer " + Http.TOKEN, DataFrames.KIND_REPLICATION);
      DataFrameClient.Frame f = c.read();
      assertThat(f.status()).as("%s", f).isEqualTo(403);
      assertThat(f.text()).contains("only pods of shard sh2");
    }
  }

  @Test
  void anotherDatabasesCertificatesFromTheSameCaAreRefused() throws Exception {
    SSLContext pod = client(pod("other", "sh2", "other-sh2-0", now));
    SSLContext router = component("other", TlsRole.ROUTER);
    SSLContext operator = component("other", TlsRole.OPERATOR);
    List<Object[]> calls =
        List.of(
            new Object[] {pod, "GET", "/snapshot"},
            new Object[] {pod, "GET", "/snapshot?low=0&size=4096"},
            new Object[] {pod, "GET", "/heartbeat"},
            new Object[] {router, "POST", "/read"},
            new Object[] {operator, "POST", "/fence"});
    for (Object[] c : calls) {
      HttpResponse<String> r = call((SSLContext) c[0], (String) c[1], (String) c[2], "{}");
      assertThat(r.statusCode()).as("%s: %s", c[2], r.body()).isEqualTo(403);
      assertThat(r.body()).contains("only certificates of database ns/db");
    }
    try (DataFrameClient c = new DataFrameClient(streamPort(), router)) {
      assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_DATA)).isEqualTo(403);
    }
  }

  @Test
  void itsOwnShardsPodReadsTheSnapshot() throws Exception {
    HttpResponse<String> snapshot =
        call(client(pod("db", "sh2", SIBLING, now)), "GET", "/snapshot", null);
    assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(200);
    assertThat(snapshot.body()).contains("name-7");
  }

  /**
   * A move's import reads of a range ({@code low}, {@code size}) from another shard's pod: refused
   * until the operator grants that range to that shard ({@code POST /ranges/export}), then served;
   * a wider range than granted stays refused, and only the operator grants.
   */
  @Test
  void anotherShardsPodReadsAnExportOnlyOfARangeTheOperatorGranted() throws Exception {
    SSLContext sh3 = client(pod("db", "sh3", "db-sh3-0", now));
    String range = "/snapshot?low=0&size=1024";
    HttpResponse<String> before = call(sh3, "GET", range, null);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(403);
    assertThat(before.body()).contains("or of a shard the operator granted that range to");

    String grant = Http.json(new ExportGrant("move-1", "sh3", new PointRange(0, 1024)));
    assertThat(call(sh3, "POST", "/ranges/export", grant).statusCode()).isEqualTo(403);
    HttpResponse<String> granted =
        call(component("db", TlsRole.OPERATOR), "POST", "/ranges/export", grant);
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    HttpResponse<String> after = call(sh3, "GET", range, null);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(after.body()).contains("name-7");
    assertThat(call(sh3, "GET", "/snapshot?low=0&size=4096", null).statusCode()).isEqualTo(403);
  }

  @Test
  void aSiblingsReplicateNamingAnotherPrimaryIsRefusedOverHttpAndTheStream() throws Exception {
    SSLContext sibling = client(pod("db", "sh2", SIBLING, now));
    HttpResponse<String> r = call(sibling, "POST", "/replicate", replicateBody(POD));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("names primary db-sh2-0 but comes from pod db-sh2-1");

    try (DataFrameClient c = new DataFrameClient(streamPort(), sibling)) {
      assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_REPLICATION)).isZero();
      JsonMapper json = server.bean(JsonMapper.class);
      c.raw(ReplicateFrames.replicate(json, 9, replicate(POD)));
      DataFrameClient.Frame f = c.read();
      assertThat(f.id()).isEqualTo(9);
      assertThat(f.status()).as("%s", f).isEqualTo(403);
    }
  }

  @Test
  void aCertificateWithoutIdentityPassesOnlyIfIssuedBeforeTheServersDuringTheUpgrade()
      throws Exception {
    SSLContext older = client(legacyPod(OTHER_SHARD, now.minus(Duration.ofDays(1))));
    SSLContext newer = client(legacyPod(OTHER_SHARD, now.plus(Duration.ofMinutes(1))));
    assertThat(call(older, "GET", "/heartbeat", null).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = call(newer, "GET", "/heartbeat", null);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.body()).contains("names no database");
  }

  private static ReplicateRequest replicate(String primary) {
    return new ReplicateRequest(1, primary, 1, 1, List.of(), POD);
  }

  private static String replicateBody(String primary) {
    return Http.json(replicate(primary));
  }

  private int streamPort() {
    return server.bean(ReplicationStreamServer.class).port();
  }

  private CertificateAuthority.Issued pod(String db, String shard, String pod, Instant at) {
    String host = PeerNames.podHost(pod, db + "-" + shard, "ns");
    return ca.issue(
        TlsIdentity.pod("ns", db, shard, pod),
        pod,
        List.of(host),
        List.of(),
        at,
        Duration.ofDays(1));
  }

  private CertificateAuthority.Issued legacyPod(String pod, Instant at) {
    return ca.issue(TlsRole.SHARD_SERVER, pod, List.of(), List.of(), at, Duration.ofDays(2));
  }

  private SSLContext component(String db, TlsRole role) {
    return client(
        ca.issue(
            TlsIdentity.component("ns", db, role),
            db + "-" + role.label(),
            List.of(),
            List.of(),
            now,
            Duration.ofDays(1)));
  }

  private SSLContext client(CertificateAuthority.Issued issued) {
    return Tls.clientContext(
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                PemMaterial.pem(List.of(ca.certificate())),
                issued.certificatePem(),
                issued.keyPem())),
        TlsRole.SHARD_SERVER);
  }

  private HttpResponse<String> call(SSLContext context, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + Http.TOKEN)
            .method(
                method,
                body == null || method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
