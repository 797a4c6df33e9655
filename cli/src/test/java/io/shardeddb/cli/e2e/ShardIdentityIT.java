package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review 2026-11-26 #1 on real processes (local mode, TLS by default, two shards): the
 * attack that was confirmed — pod {@code iddb-sh1-0}'s mounted certificate and key with the shard
 * credential read shard sh2's {@code /snapshot} and {@code /log} with 200 — now gets 403, as do its
 * {@code /replicate} and its replication stream hello; sh2's own pod still reads its snapshot and
 * is welcomed on the stream. Also #4 (a certificate of another database from the same CA is
 * refused) and TLS 1.3 only on the shard-servers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardIdentityIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String DB = "iddb";
  private static final int STREAM_PORT = ShardedDatabaseResources.REPLICATION_STREAM_PORT;

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private DatabaseStatus db;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/identity.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    LocalCluster.RouterInfo router =
        await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
    RouterClient client = router.client(router.token(), "Stud_id", Duration.ofSeconds(30));
    await()
        .atMost(LONG)
        .untilAsserted(() -> client.write(List.of(row(7, "Ada"), row(3000, "Lin"))));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anotherShardsPodIdentityIsRefusedByThisShardsReplicationEndpoints() throws Exception {
    String sh2 = "https://" + primaryIp("sh2") + ":8081";
    String token = cluster.shardCredential(DB).orElseThrow();
    SSLContext sh1Pod = podIdentity("sh1", 0);

    HttpResponse<String> snapshot = call(sh1Pod, "GET", sh2 + "/snapshot", token, null);
    assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(403);
    assertThat(snapshot.body()).contains("only pods of shard sh2").doesNotContain("Lin");
    HttpResponse<String> log =
        call(sh1Pod, "GET", sh2 + "/log?fromLsn=1&prevEpoch=0&limit=100", token, null);
    assertThat(log.statusCode()).as(log.body()).isEqualTo(403);
    String forged =
        "{\"epoch\":1,\"primary\":\"iddb-sh1-0\",\"prevLsn\":1,\"prevEpoch\":1,\"entries\":[]}";
    HttpResponse<String> replicate = call(sh1Pod, "POST", sh2 + "/replicate", token, forged);
    assertThat(replicate.statusCode()).as(replicate.body()).isEqualTo(403);
  }

  /**
   * The replication stream (port 8083) the same: sh1's pod, with its mounted pair and the shard
   * credential, is refused at the hello by sh2's primary (403 naming the shard it takes), while
   * sh2's own pod is welcomed.
   */
  @Test
  void anotherShardsPodIdentityIsRefusedThisShardsReplicationStream() throws Exception {
    String token = cluster.shardCredential(DB).orElseThrow();
    String sh2 = primaryIp("sh2");
    Object[] refused = streamHello(podIdentity("sh1", 0), sh2, "Bearer " + token);
    assertThat(refused[0]).as("%s", refused[1]).isEqualTo(403);
    assertThat((String) refused[1]).contains("only pods of shard sh2");
    Object[] welcomed = streamHello(podIdentity("sh2", 0), sh2, "Bearer " + token);
    assertThat(welcomed[0]).as("%s", welcomed[1]).isEqualTo(0);
  }

  /**
   * A replication hello ({@link DataFrames}, version 2, kind replication) on {@code ip}'s stream
   * port: {0, null} when welcomed, else {status, message} of the refusal.
   */
  private static Object[] streamHello(SSLContext tls, String ip, String authorization)
      throws Exception {
    try (java.net.Socket socket = tls.getSocketFactory().createSocket(ip, STREAM_PORT)) {
      socket.setSoTimeout(15_000);
      java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream f = new java.io.DataOutputStream(frame);
      f.writeByte(DataFrames.HELLO);
      f.writeLong(0);
      f.writeInt(DataFrames.VERSION);
      byte[] auth = authorization.getBytes(StandardCharsets.UTF_8);
      f.writeInt(auth.length);
      f.write(auth);
      f.writeByte(DataFrames.KIND_REPLICATION);
      java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
      out.writeInt(frame.size());
      frame.writeTo(out);
      out.flush();
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      java.io.DataInputStream a =
          new java.io.DataInputStream(new java.io.ByteArrayInputStream(answer));
      byte type = a.readByte();
      a.readLong();
      if (type == DataFrames.WELCOME) {
        return new Object[] {0, null};
      }
      assertThat(type).isEqualTo(DataFrames.REFUSED);
      int status = a.readInt();
      a.readLong();
      byte[] message = new byte[a.readInt()];
      a.readFully(message);
      return new Object[] {status, new String(message, StandardCharsets.UTF_8)};
    }
  }

  @Test
  void theShardsOwnPodStillReadsItsSnapshot() throws Exception {
    String sh2 = "https://" + primaryIp("sh2") + ":8081";
    String token = cluster.shardCredential(DB).orElseThrow();
    HttpResponse<String> snapshot =
        call(podIdentity("sh2", 0), "GET", sh2 + "/snapshot", token, null);
    assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(200);
    assertThat(snapshot.body()).contains("Lin");
  }

  /**
   * Security review 2026-11-26 #4: a second database sharing this one's CA ({@code
   * spec.tls.caSecret}) holds certificates from the same issuer. Issued here from this database's
   * own CA, naming database {@code otherdb}: its pod is refused sh2's {@code /snapshot} and {@code
   * /heartbeat}, its router {@code /read}, its operator {@code /fence}, each 403 naming the
   * database the server belongs to.
   */
  @Test
  void certificatesOfAnotherDatabaseFromTheSameCaAreRefused() throws Exception {
    String sh2 = "https://" + primaryIp("sh2") + ":8081";
    String token = cluster.shardCredential(DB).orElseThrow();
    String ns = cluster.namespace();
    List<Object[]> calls =
        List.of(
            new Object[] {
              TlsIdentity.pod(ns, "otherdb", "sh2", "otherdb-sh2-0"), "GET", "/snapshot"
            },
            new Object[] {
              TlsIdentity.pod(ns, "otherdb", "sh2", "otherdb-sh2-0"), "GET", "/heartbeat"
            },
            new Object[] {TlsIdentity.component(ns, "otherdb", TlsRole.ROUTER), "POST", "/read"},
            new Object[] {
              TlsIdentity.component(ns, "otherdb", TlsRole.OPERATOR), "POST", "/fence"
            });
    for (Object[] c : calls) {
      TlsIdentity identity = (TlsIdentity) c[0];
      HttpResponse<String> r =
          call(sameCaIdentity(identity), (String) c[1], sh2 + c[2], token, "{}");
      assertThat(r.statusCode()).as("%s %s: %s", identity.uri(), c[2], r.body()).isEqualTo(403);
      assertThat(r.body())
          .contains("only certificates of database " + ns + "/" + DB)
          .contains("database " + ns + "/otherdb")
          .doesNotContain("Lin");
    }
  }

  /**
   * TLS 1.3 only between the project's processes (docs/security.md, "TLS versions"): a shard-server
   * pod refuses a client offering only TLS 1.2, while the router's client-facing port still takes
   * it.
   */
  @Test
  void aShardServerRefusesTls12WhileTheRoutersClientPortTakesIt() throws Exception {
    assertThat(handshake(primaryIp("sh2"), 8081, "TLSv1.2")).startsWith("refused");
    assertThat(handshake(primaryIp("sh2"), 8081, "TLSv1.3")).isEqualTo("TLSv1.3");
    LocalCluster.RouterInfo router = cluster.routerInfo(DB).orElseThrow();
    URI client = URI.create(router.routerUrl());
    assertThat(client.getScheme()).isEqualTo("https");
    assertThat(handshake(client.getHost(), client.getPort(), "TLSv1.2")).isEqualTo("TLSv1.2");
  }

  /** The protocol a handshake offering only {@code protocol} agreed, or "refused: ...". */
  private static String handshake(String host, int port, String protocol) throws Exception {
    try (SSLSocket s = (SSLSocket) Tls.probeContext().getSocketFactory().createSocket(host, port)) {
      s.setSoTimeout(10_000);
      s.setEnabledProtocols(new String[] {protocol});
      s.startHandshake();
      return s.getSession().getProtocol();
    } catch (javax.net.ssl.SSLException e) {
      return "refused: " + e.getMessage();
    }
  }

  /** A client certificate for {@code identity}, issued by this database's CA ({@code <db>-ca}). */
  private SSLContext sameCaIdentity(TlsIdentity identity) {
    String caSecret = ShardedDatabaseResources.caSecretName(DB);
    CertificateAuthority ca =
        CertificateAuthority.of(
            PemMaterial.certificates(secret(caSecret, "ca.crt")).get(0),
            PemMaterial.privateKey(secret(caSecret, "ca.key")),
            new SecureRandom());
    CertificateAuthority.Issued issued =
        ca.issue(
            identity, "test-other-db", List.of(), List.of(), Instant.now(), Duration.ofHours(1));
    return Tls.clientContext(
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                PemMaterial.pem(List.of(ca.certificate())),
                issued.certificatePem(),
                issued.keyPem())),
        TlsRole.SHARD_SERVER);
  }

  private SSLContext podIdentity(String shard, int ordinal) {
    String secret = ShardedDatabaseResources.shardTlsSecretName(DB, shard);
    String pod = ShardedDatabaseResources.shardPodName(DB, shard, ordinal);
    return Tls.clientContext(
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                secret(secret, "ca.crt"),
                secret(secret, pod + ".crt"),
                secret(secret, pod + ".key"))),
        TlsRole.SHARD_SERVER);
  }

  private HttpResponse<String> call(
      SSLContext tls, String method, String url, String token, String body) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String primaryIp(String shard) {
    String primary = db.primary(shard);
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().equals(primary))
        .findFirst()
        .map(Pod::getStatus)
        .orElseThrow()
        .getPodIP();
  }

  private String secret(String name, String key) {
    Secret s = cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static Map<String, Object> row(long id, String name) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_id", id);
    row.put("Stud_name", name);
    row.put("Stud_marks", 50);
    return row;
  }
}
