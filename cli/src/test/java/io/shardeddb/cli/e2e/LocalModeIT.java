package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.local.LocalPodRunner;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole system on one machine, used as a user would: the real operator against the in-process
 * API, shard-server and router pods as real processes on loopback, one embedded MariaDB. The
 * scenarios share one local cluster and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalModeIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalCluster cluster;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void localUpWithAnInvalidFileExplainsTheProblemAndExitsNonZero() {
    StringWriter err = new StringWriter();
    CommandLine cmd = KubectlSdb.commandLine().setErr(new PrintWriter(err));
    int code =
        cmd.execute(
            "local",
            "up",
            "-f",
            home.resolve("cli/src/test/resources/invalid-overlap.yaml").toString());
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("error:").contains("overlaps shard 'sh1'");

    StringWriter err2 = new StringWriter();
    int missing =
        KubectlSdb.commandLine()
            .setErr(new PrintWriter(err2))
            .execute("local", "up", "-f", "no/such/file.yaml");
    assertThat(missing).isNotZero();
    assertThat(err2.toString()).contains("no such file");
  }

  @Test
  @Order(2)
  void theAssignmentsClientFlowRunsUnchangedAgainstAnAwaitingInitDatabase() {
    String name = cluster.apply(home.resolve("examples/awaiting-init.yaml"));
    LocalCluster.RouterInfo info = awaitRouter(name);
    assertThat(info.token()).as("awaiting-init switches auth off for legacy clients").isNull();
    RouterClient lb = info.client(null, "Stud_id", LONG);

    DatabaseConfig config =
        new DatabaseConfig(
            3,
            new SchemaDoc(
                List.of("Stud_id", "Stud_name", "Stud_marks"),
                List.of("Number", "String", "String")),
            List.of(
                new ShardDoc(0, "sh1", 4096),
                new ShardDoc(4096, "sh2", 4096),
                new ShardDoc(8192, "sh3", 4096)),
            linked(
                "Server0", List.of("sh1", "sh2"),
                "Server1", List.of("sh2", "sh3"),
                "Server2", List.of("sh1", "sh3")));
    var configured = lb.init(config);
    assertThat(configured.message()).isEqualTo("Configured Database");
    assertThat(configured.status()).isEqualTo("success");
    assertThat(lb.status()).isEqualTo(config);

    var written =
        lb.write(
            List.of(
                row(2255, "GHI", "27"),
                row(3524, "JKBFSFS", "56"),
                row(1532, "BKK", "23"),
                row(8888, "XYZ", "40")));
    assertThat(written.message()).isEqualTo("4 Data entries added");
    assertThat(written.status()).isEqualTo("success");

    ReadResponse read = lb.read(1000, 8889);
    assertThat(read.shardsQueried()).containsExactly("sh1", "sh2", "sh3");
    assertThat(read.data())
        .extracting(r -> ((Number) r.get("Stud_id")).longValue())
        .containsExactly(1532L, 2255L, 3524L, 8888L);

    var updated = lb.update(2255, row(2255, "GHI", "28"));
    assertThat(updated.message()).isEqualTo("Data entry for Stud_id: 2255 updated");
    assertThat(lb.read(2255, 2255).data().get(0).get("Stud_marks")).isEqualTo("28");

    var deleted = lb.delete(2255);
    assertThat(deleted.message())
        .isEqualTo("Data entry with Stud_id:2255 removed from all replicas");
    assertThat(lb.read(2255, 2255).data()).isEmpty();

    assertThatThrownBy(
            () -> lb.add(new AddRequest(3, List.of(), linked("Server9", List.of("sh1")))))
        .isInstanceOfSatisfying(
            RouterException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage())
                  .contains(
                      "<Error> Number of new servers (n) is greater than newly added instances");
            });

    AddResponse added =
        lb.add(
            new AddRequest(
                2,
                List.of(new ShardDoc(12288, "sh5", 4096)),
                linked("Server4", List.of("sh3", "sh5"), "Server[5]", List.of("sh2", "sh5"))));
    assertThat(added.n()).isEqualTo(5);
    assertThat(added.message()).matches("Add Server:4 and Server:\\d+");
    assertThat(added.status()).isEqualTo("successful");
    assertThat(lb.write(List.of(row(12300, "NEW", "11"))).message())
        .isEqualTo("1 Data entries added");
    assertThat(lb.read(12288, 16383).shardsQueried()).containsExactly("sh5");

    assertThatThrownBy(() -> lb.remove(new RemoveRequest(1, List.of("Server1", "Server2"))))
        .isInstanceOfSatisfying(
            RouterException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage())
                  .contains("<Error> Length of server list is more than removable instances");
            });
    RemoveResponse removed = lb.remove(new RemoveRequest(1, List.of("Server4")));
    assertThat(removed.status()).isEqualTo("successful");
    assertThat(removed.message().n()).isEqualTo(4);
    assertThat(removed.message().servers()).containsExactly("Server4");
    assertThat(lb.status().servers()).doesNotContainKey("Server4");
    assertThat(lb.read(12300, 12300).data()).hasSize(1);

    // Free the two cores for the next scenario.
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .delete();
  }

  @Test
  @Order(3)
  void whenAPrimaryIsKilledUnderLoad_thenWritesResumeOnANewPrimaryAndNoAcknowledgedWriteIsLost()
      throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/failover.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    LocalCluster.RouterInfo info = awaitRouter(name);
    await().atMost(LONG).until(db::isReady);
    RouterClient lb = info.client(info.token(), "Stud_id", Duration.ofSeconds(20));

    Set<Long> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger attempts = new AtomicInteger();
    Instant writerDeadline = Instant.now().plus(Duration.ofMinutes(3));
    Thread writer =
        new Thread(
            () -> {
              // Bounded in count (8192 keys) and time; alternate the two shards.
              for (int i = 0;
                  i < 8192 && !stop.get() && Instant.now().isBefore(writerDeadline);
                  i++) {
                long key = (i % 2 == 0) ? i / 2 : 4096 + i / 2;
                attempts.incrementAndGet();
                try {
                  lb.write(List.of(row(key, "s" + key, String.valueOf(key % 100))));
                  acked.add(key);
                } catch (RuntimeException e) {
                  // not acknowledged: allowed while the primary is being replaced
                }
              }
            },
            "e2e-writer");
    writer.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> acked.size() >= 150);

    String oldPrimary = db.primary("sh1");
    long oldEpoch = db.epoch("sh1");
    long pid = cluster.pods().pidOf(oldPrimary).orElseThrow();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
    int ackedAtKill = acked.size();

    // The killed process is restarted at once, as a kubelet restarts a container the first time:
    // either it is replaced (a new primary at a higher epoch) or its restart resumes the persisted
    // role before primaryUnavailableSeconds passed (same primary, same epoch, a new process).
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              boolean replaced =
                  db.epoch("sh1") > oldEpoch && !db.primary("sh1").equals(oldPrimary);
              boolean resumed =
                  db.primary("sh1").equals(oldPrimary)
                      && cluster.pods().pidOf(oldPrimary).map(p -> p != pid).orElse(false)
                      && Boolean.TRUE.equals(
                          db.replica("sh1", oldPrimary).orElseThrow().get("ready"));
              assertThat(replaced || resumed)
                  .as("sh1 has a primary again (replaced or resumed after the restart)")
                  .isTrue();
            });
    // Writes to sh1 resume on the (new or restarted) primary.
    int ackedAfterFailover = acked.size();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                acked.stream().filter(k -> k < 4096).count() > 0
                    && acked.size() > ackedAfterFailover + 100);
    stop.set(true);
    writer.join(Duration.ofSeconds(30).toMillis());
    assertThat(ackedAtKill).isPositive();

    // Every acknowledged write is readable afterwards.
    Set<Long> stored =
        lb.read(0, 8191).data().stream()
            .map(r -> ((Number) r.get("Stud_id")).longValue())
            .collect(Collectors.toSet());
    assertThat(stored).containsAll(acked);

    // The killed pod restarted in place: a caught-up secondary, or the primary it resumed as.
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, Object> r = db.replica("sh1", oldPrimary).orElseThrow();
              assertThat(r.get("role"))
                  .isEqualTo(oldPrimary.equals(db.primary("sh1")) ? "Primary" : "Secondary");
              assertThat(r.get("ready")).isEqualTo(true);
              assertThat(checksumOf("sh1", oldPrimary, db))
                  .isEqualTo(checksumOf("sh1", db.primary("sh1"), db));
            });
  }

  @Test
  @Order(4)
  void whenAReplicasVolumeIsLost_thenItIsReCopiedAndEqualsThePrimary() throws Exception {
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), "failover");
    String primary = db.primary("sh2");
    String victim =
        db.replicas("sh2").stream()
            .map(r -> (String) r.get("pod"))
            .filter(p -> !p.equals(primary))
            .findFirst()
            .orElseThrow();
    String oldUid =
        cluster
            .client()
            .pods()
            .inNamespace(cluster.namespace())
            .withName(victim)
            .get()
            .getMetadata()
            .getUid();
    cluster
        .client()
        .pods()
        .inNamespace(cluster.namespace())
        .withName(victim)
        .edit(
            p -> {
              Map<String, String> a = new HashMap<>();
              if (p.getMetadata().getAnnotations() != null) {
                a.putAll(p.getMetadata().getAnnotations());
              }
              a.put(LocalPodRunner.WIPE_ANNOTATION, "true");
              p.getMetadata().setAnnotations(a);
              return p;
            });
    await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
    cluster.client().pods().inNamespace(cluster.namespace()).withName(victim).delete();

    await()
        .atMost(LONG)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var pod =
                  cluster.client().pods().inNamespace(cluster.namespace()).withName(victim).get();
              assertThat(pod).isNotNull();
              assertThat(pod.getMetadata().getUid()).isNotEqualTo(oldUid);
              Map<String, Object> r = db.replica("sh2", victim).orElseThrow();
              assertThat(r.get("ready")).isEqualTo(true);
              ChecksumResponse copy = checksumOf("sh2", victim, db);
              ChecksumResponse source = checksumOf("sh2", db.primary("sh2"), db);
              assertThat(copy.rows()).isPositive();
              assertThat(copy.digest()).isEqualTo(source.digest());
              assertThat(copy.rows()).isEqualTo(source.rows());
            });
  }

  @Test
  @Order(5)
  void theDataCommandsInsertFindUpdateAndDeleteThroughTheRouterWithItsToken() throws Exception {
    String kubeconfig = cluster.kubeconfig().toString();
    // Keys past those the failover writer reached, one in each shard.
    String ada = "{\"Stud_id\":4090,\"Stud_name\":\"Ada\",\"Stud_marks\":91}";
    String bo = "{\"Stud_id\":8190,\"Stud_name\":\"Bo; DROP TABLE x\",\"Stud_marks\":7}";

    // Should the writer above have reached them, start from no rows (a 404 is fine here).
    cli("delete", "failover", "4090", "--kubeconfig", kubeconfig);
    cli("delete", "failover", "8190", "--kubeconfig", kubeconfig);

    CliRun inserted = cli("insert", "failover", ada, bo, "--kubeconfig", kubeconfig);
    assertThat(inserted.code()).as(inserted.err()).isZero();
    assertThat(inserted.out()).contains("2 Data entries added").contains("session: sh");

    CliRun found = cli("find", "failover", "4090", "--kubeconfig", kubeconfig);
    assertThat(found.code()).as(found.err()).isZero();
    assertThat(found.out())
        .contains("STUD_ID")
        .contains("STUD_NAME")
        .contains("Ada")
        .contains("(1 row from sh1)");

    CliRun updated =
        cli(
            "update",
            "failover",
            "4090",
            "{\"Stud_name\":\"Ada L\",\"Stud_marks\":95}",
            "--kubeconfig",
            kubeconfig);
    assertThat(updated.code()).as(updated.err()).isZero();
    CliRun both = cli("find", "failover", "4090", "8190", "-o", "json", "--kubeconfig", kubeconfig);
    assertThat(both.code()).as(both.err()).isZero();
    Map<String, Object> read = JSON.readValue(both.out(), Map.class);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) read.get("data");
    Map<Object, Map<String, Object>> byKey =
        rows.stream()
            .collect(Collectors.toMap(r -> ((Number) r.get("Stud_id")).longValue(), r -> r));
    assertThat(byKey.get(4090L)).containsEntry("Stud_name", "Ada L");
    assertThat(byKey.get(8190L)).containsEntry("Stud_name", "Bo; DROP TABLE x");
    assertThat(read.get("shards_queried")).isEqualTo(List.of("sh1", "sh2"));

    CliRun deleted = cli("delete", "failover", "8190", "--kubeconfig", kubeconfig);
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(cli("find", "failover", "8190", "--kubeconfig", kubeconfig).out())
        .contains("(0 rows from sh2)");

    // The router's refusals reach the user as one line and a non-zero exit; nothing is written.
    CliRun refused =
        cli(
            "insert",
            "failover",
            "{\"Stud_id\":4091,\"Stud_name\":\"x\",\"Stud_marks\":1,\"nope\":1}",
            "--kubeconfig",
            kubeconfig);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("error: ")
        .doesNotContain("error: HTTP")
        .contains("nope")
        .contains("(HTTP 400)");
    assertThat(cli("find", "failover", "4091", "--kubeconfig", kubeconfig).out())
        .contains("(0 rows from sh1)");
    CliRun missing = cli("delete", "failover", "4091", "--kubeconfig", kubeconfig);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("(HTTP 404)");
  }

  @Test
  @Order(6)
  void whenTheOperatorRestarts_thenNothingIsRecreatedAndStatusConverges() {
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), "failover");
    Map<String, String> before = ownedUids();
    long epochBefore = db.epoch("sh1");

    cluster.stopOperator();
    cluster.startOperator();

    await().atMost(LONG).until(db::isReady);
    assertThat(ownedUids()).isEqualTo(before);
    assertThat(db.epoch("sh1")).isEqualTo(epochBefore);
  }

  @Test
  @Order(7)
  void theRoutersDataCredentialIsRefusedOnEveryControlAndReplicationEndpoint() throws Exception {
    // The writes and reads above went through the router, which holds only this credential.
    var router =
        cluster
            .client()
            .apps()
            .deployments()
            .inNamespace(cluster.namespace())
            .withName("failover-router")
            .get();
    assertThat(router.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        // Its shard credential (data role only), its own client-facing tokens (files it reloads,
        // docs/security.md), the scrape token its /prometheus takes and its certificate: nothing
        // that opens a control endpoint.
        .containsExactly(
            "failover-shard-data-auth",
            "failover-router-token",
            "failover-metrics",
            "failover-tls");
    Secret secret =
        cluster
            .client()
            .secrets()
            .inNamespace(cluster.namespace())
            .withName("failover-shard-data-auth")
            .get();
    String data =
        new String(Base64.getDecoder().decode(secret.getData().get("token")), UTF_8).trim();
    assertThat(data).isNotEqualTo(cluster.shardCredential("failover").orElseThrow());

    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), "failover");
    String url = (String) db.replica("sh1", db.primary("sh1")).orElseThrow().get("url");
    // Everything the router holds: its data credential and its certificate (mTLS role router).
    HttpClient asRouter = ShardTls.client(cluster, "failover", TlsRole.ROUTER);
    assertThat(shardCall(asRouter, url, "GET", "/heartbeat", data)).isEqualTo(200);
    for (String[] call :
        new String[][] {
          {"POST", "/role"},
          {"POST", "/fence"},
          {"POST", "/replicate"},
          {"GET", "/snapshot"},
          {"POST", "/config"},
          {"GET", "/checksum"}
        }) {
      assertThat(shardCall(asRouter, url, call[0], call[1], data))
          .as("%s %s", call[0], call[1])
          .isEqualTo(403);
    }
  }

  private int shardCall(HttpClient http, String url, String method, String path, String credential)
      throws Exception {
    HttpRequest.BodyPublisher body =
        method.equals("GET")
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}");
    return http.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json")
                .method(method, body)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private Map<String, String> ownedUids() {
    Map<String, String> uids = new HashMap<>();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(
        cluster.client().apps().statefulSets().inNamespace(cluster.namespace()).list().getItems());
    all.addAll(
        cluster.client().apps().deployments().inNamespace(cluster.namespace()).list().getItems());
    all.addAll(cluster.client().services().inNamespace(cluster.namespace()).list().getItems());
    all.addAll(cluster.client().secrets().inNamespace(cluster.namespace()).list().getItems());
    all.addAll(cluster.client().configMaps().inNamespace(cluster.namespace()).list().getItems());
    for (HasMetadata h : all) {
      if (h.getMetadata().getName().startsWith("failover")) {
        uids.put(h.getKind() + "/" + h.getMetadata().getName(), h.getMetadata().getUid());
      }
    }
    assertThat(uids).isNotEmpty();
    return uids;
  }

  private ChecksumResponse checksumOf(String shard, String pod, DatabaseStatus db)
      throws Exception {
    String url = (String) db.replica(shard, pod).orElseThrow().get("url");
    // A control endpoint: the operator's role (mTLS) and the shard credential.
    HttpResponse<String> r =
        ShardTls.client(cluster, "failover", TlsRole.OPERATOR)
            .send(
                HttpRequest.newBuilder(URI.create(url + "/checksum"))
                    .timeout(Duration.ofSeconds(10))
                    // Shard-servers answer 401 without the database's shard credential.
                    .header(
                        "Authorization",
                        "Bearer " + cluster.shardCredential("failover").orElseThrow())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readValue(r.body(), ChecksumResponse.class);
  }

  private LocalCluster.RouterInfo awaitRouter(String name) {
    return await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
  }

  private static Map<String, Object> row(long id, String name, String marks) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("Stud_id", id);
    r.put("Stud_name", name);
    r.put("Stud_marks", marks);
    return r;
  }

  private static <V> Map<String, V> linked(Object... kv) {
    Map<String, V> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      @SuppressWarnings("unchecked")
      V v = (V) kv[i + 1];
      m.put((String) kv[i], v);
    }
    return m;
  }

  @Test
  @Order(8)
  void theDatabasesImageOverrideRunsTheBuiltJarAndItsMysqlParametersReachMariaDb()
      throws Exception {
    var sts =
        cluster
            .client()
            .apps()
            .statefulSets()
            .inNamespace(cluster.namespace())
            .withName("failover-sh1")
            .get();
    assertThat(sts.getSpec().getTemplate().getSpec().getContainers())
        .filteredOn(c -> c.getName().equals("shard-server"))
        .singleElement()
        .satisfies(
            c -> assertThat(c.getImage()).isEqualTo("registry.example.com/team/sdb-shard:dev"));
    assertThat(new DatabaseStatus(cluster.client(), cluster.namespace(), "failover").isReady())
        .isTrue();

    var mariadb = cluster.database();
    try (var c =
            java.sql.DriverManager.getConnection(
                mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
        var st = c.createStatement();
        var rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE 'max_allowed_packet'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).isEqualTo(String.valueOf(32L * 1024 * 1024));
    }
  }
}
