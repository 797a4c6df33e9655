package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.routing.FakeShardServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router with its MySQL listener on a free loopback port, in front of one stand-in shard
 * (range-sharded {@code students}: Stud_id Number, Stud_name String, Stud_marks Number) that
 * refuses duplicate keys as a real shard-server does. Data user {@code sdb} / {@link #DATA_TOKEN},
 * admin user {@code sdb_admin} / {@link #ADMIN_TOKEN}.
 */
final class MysqlRouterFixture implements AutoCloseable {
  static final String DATA_TOKEN = "data-secret-token";
  static final String ADMIN_TOKEN = "admin-secret-token";
  static final String DATABASE = "students";

  final FakeShardServer shard;
  final TestRouter router;

  /** The CA's certificate file when the router serves TLS, else null. */
  final Path caFile;

  private MysqlRouterFixture(FakeShardServer shard, TestRouter router, Path caFile) {
    this.shard = shard;
    this.router = router;
    this.caFile = caFile;
  }

  /** A router serving HTTPS (and so TLS-only MySQL) with a certificate of a fresh CA. */
  static MysqlRouterFixture startTls() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority ca =
        CertificateAuthority.create("mysql-test-ca", now, Duration.ofDays(30), new SecureRandom());
    Path dir = Files.createTempDirectory("router-mysql-tls");
    CertificateAuthority.Issued issued =
        ca.issue(TlsRole.ROUTER, "router", List.of(), List.of(), now, Duration.ofDays(1));
    Path caFile = dir.resolve(PemMaterial.CA_FILE);
    Files.writeString(caFile, PemMaterial.pem(List.of(ca.certificate())));
    Files.writeString(dir.resolve(PemMaterial.CERT_FILE), issued.certificatePem());
    Files.writeString(dir.resolve(PemMaterial.KEY_FILE), issued.keyPem());
    return start(
        Map.of(
            "shardeddb.router.tls.dir", dir.toString(), "shardeddb.router.tls.serve-tls", "true"),
        caFile);
  }

  static MysqlRouterFixture start(Map<String, Object> settings) throws Exception {
    return start(settings, null);
  }

  /**
   * As {@link #start(Map)}, the database having a second table, {@code orders} (cust Number, the
   * shard key; item String; qty Number), which the stand-in shard holds apart (issue 46).
   */
  static MysqlRouterFixture startWithOrders() throws Exception {
    return start(Map.of(), null, ORDERS);
  }

  /** The {@code tables} of {@link #startWithOrders}'s topology. */
  static final String ORDERS =
      """
      ,"tables":[{"table":"orders","shardKey":"cust","columns":[
        {"name":"cust","type":"Number"},{"name":"item","type":"String"},
        {"name":"qty","type":"Number"}]}]""";

  private static MysqlRouterFixture start(Map<String, Object> settings, Path caFile)
      throws Exception {
    return start(settings, caFile, "");
  }

  private static MysqlRouterFixture start(Map<String, Object> settings, Path caFile, String tables)
      throws Exception {
    FakeShardServer shard =
        new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 1000)));
    shard.refuseDuplicates();
    if (!tables.isEmpty()) {
      shard.holdTable("orders", "cust");
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("shardeddb.router.auth.admin-token", ADMIN_TOKEN);
    all.put("shardeddb.router.retry.timeout", "2s");
    all.putAll(settings);
    TestRouter router = TestRouter.start(DATA_TOKEN, all);
    String topology =
        """
                {"database":"students","version":1,
                 "schema":{"table":"students","shardKey":"Stud_id","columns":[
                   {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
                   {"name":"Stud_marks","type":"Number"}]}%s,
                 "shards":[{"id":"sh1","low":0,"size":1000,"epoch":1,"primary":"a",
                   "replicas":[{"name":"a","url":"%s","role":"Primary"}]}],
                 "servers":{"Server0":["sh1"]}}
                """
            .formatted(tables, shard.url());
    if (caFile == null) {
      Http.Reply pushed =
          new Http(router.url(), ADMIN_TOKEN).send("PUT", "/admin/topology", topology);
      assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
    } else {
      HttpClient https =
          HttpClient.newBuilder()
              .sslContext(Tls.probeContext())
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<String> pushed =
          https.send(
              HttpRequest.newBuilder(
                      URI.create(router.url().replace("http:", "https:") + "/admin/topology"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + ADMIN_TOKEN)
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(topology))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
    }
    return new MysqlRouterFixture(shard, router, caFile);
  }

  /** A PKCS12 trust store holding the CA (Connector/J's trustCertificateKeyStoreUrl). */
  Path trustStore(String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (var in = Files.newInputStream(caFile)) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    Path file = caFile.resolveSibling("trust.p12");
    try (var out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  /** The MySQL listener's port. */
  int port() {
    return router.server().getApplicationContext().getBean(MysqlServer.class).port();
  }

  /** A Connector/J URL of the database, with bounded timeouts and {@code params} appended. */
  String jdbcUrl(String params) {
    return "jdbc:mysql://127.0.0.1:"
        + port()
        + "/"
        + DATABASE
        + "?connectTimeout=5000&socketTimeout=30000"
        + (params.isEmpty() ? "" : "&" + params);
  }

  @Override
  public void close() {
    router.close();
    shard.close();
  }
}
