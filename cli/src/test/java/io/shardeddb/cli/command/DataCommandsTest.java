package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalKubernetes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data commands' answers when the database or its router cannot be used, against an API server
 * (the in-process one local mode runs), and what they send a stand-in router: a Number key as a
 * JSON number, a String key as a JSON string or a quoted literal. The working path runs in
 * LocalModeIT.
 */
class DataCommandsTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalKubernetes kube;
  private Path kubeconfig;

  @BeforeEach
  void startApi(@TempDir Path dir) throws Exception {
    kubeconfig = dir.resolve("kubeconfig");
    kube = LocalKubernetes.start(0, kubeconfig, "default");
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
  }

  @AfterEach
  void stopApi() {
    kube.close();
  }

  @Test
  void anUnknownDatabaseIsNamedInTheError() {
    CliRun r = run("find", "nosuch", "1");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("error: ShardedDatabase 'nosuch' not found in namespace default");
  }

  @Test
  void aDatabaseAwaitingInitHasNoSchemaToWriteTo() {
    create(HOME.resolve("examples/awaiting-init.yaml"));

    CliRun r = run("insert", "legacy", "{\"Stud_id\":1}");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("has no schema yet");
  }

  @Test
  void withoutAReadyRouterPodTheErrorSaysWhereToLook() {
    create(HOME.resolve("cli/src/test/resources/failover.yaml"));
    kube.client()
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("failover-router-abc")
                .withLabels(
                    Map.of(
                        "app.kubernetes.io/instance", "failover",
                        "app.kubernetes.io/component", "router"))
                .endMetadata()
                .withNewStatus()
                .withPodIP("127.0.9.9")
                .endStatus()
                .build())
        .create();

    CliRun r = run("delete", "failover", "7");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("no ready router pod for 'failover'")
        .contains("kubectl-sdb status");
  }

  @Test
  void aRowThatIsNotAJsonObjectIsAUsageErrorAndNothingIsSent() {
    CliRun notJson = run("insert", "failover", "{\"Stud_id\":1}", "{oops");
    CliRun notObject = run("update", "failover", "1", "[1,2]");

    assertThat(notJson.code()).isEqualTo(2);
    assertThat(notJson.err()).contains("row 2 is not valid JSON");
    assertThat(notObject.code()).isEqualTo(2);
    assertThat(notObject.err()).contains("JSON_ROW is not a JSON object");
  }

  @Test
  void aRangeWhoseHighIsBelowItsLowIsAUsageError() {
    CliRun r = run("find", "failover", "10", "5");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("HIGH (5) is below LOW (10)");
  }

  @Test
  void aStringKeyedTablesRowIsUpdatedFoundAndDeletedByItsKeyExactlyAsWritten() throws Exception {
    String key = "o'brien\\ \"; DROP TABLE accounts; -- usér-😀";
    try (StandInRouter router = StandInRouter.start()) {
      createAccounts(router.address());

      CliRun updated = run("update", "accounts", key, "{\"visits\":3}");
      CliRun found = run("find", "accounts", key);
      CliRun deleted = run("delete", "accounts", key);

      assertThat(updated.code()).as(updated.err()).isZero();
      assertThat(updated.out()).isEqualTo("Data entry for username: " + key + " updated\n");
      assertThat(found.code()).as(found.err()).isZero();
      assertThat(found.out())
          .startsWith("USERNAME")
          .contains("\n" + key + "  3\n")
          .endsWith("(1 row from sh1, sh2)\n");
      assertThat(deleted.code()).as(deleted.err()).isZero();
      assertThat(deleted.out())
          .isEqualTo("Data entry with username:" + key + " removed from all replicas\n");
      assertThat(router.calls())
          .containsExactly(
              new Call(
                  "PUT", "/update", json(Map.of("username", key, "data", Map.of("visits", 3)))),
              new Call(
                  "POST",
                  "/query",
                  json(
                      Map.of(
                          "query",
                          "SELECT * FROM `accounts` WHERE `username` = 'o\\'brien\\\\ \";"
                              + " DROP TABLE accounts; -- usér-😀'"))),
              new Call("DELETE", "/del", json(Map.of("username", key))));
    }
  }

  @Test
  void findOnAStringKeyedTableReadsARangeInCodePointOrderWithTheConsistencyAsked()
      throws Exception {
    try (StandInRouter router = StandInRouter.start()) {
      createAccounts(router.address());

      CliRun json = run("find", "accounts", "Zed", "ana", "-o", "json", "--consistency", "any");
      CliRun reversed = run("find", "accounts", "ana", "Zed");

      assertThat(json.code()).as(json.err()).isZero();
      assertThat(JSON.readTree(json.out()))
          .as("/read's shape: the schema's columns, not the row timestamp SELECT adds")
          .isEqualTo(
              JSON.readTree(
                  """
                  {"shards_queried": ["sh1", "sh2"], "data": [{"username": "Zed", "visits": 3}],
                   "status": "success"}
                  """));
      assertThat(reversed.code()).isEqualTo(2);
      assertThat(reversed.err())
          .contains("error: HIGH ('Zed') is below LOW ('ana') in code-point order");
      assertThat(router.calls())
          .containsExactly(
              new Call(
                  "POST",
                  "/query",
                  json(
                      Map.of(
                          "query",
                          "SELECT * FROM `accounts` WHERE `username` BETWEEN 'Zed' AND 'ana'",
                          "consistency",
                          "any"))));
    }
  }

  @Test
  void aStringKeyStartingWithADashFollowsTheDoubleDash() throws Exception {
    try (StandInRouter router = StandInRouter.start()) {
      createAccounts(router.address());

      CliRun r =
          CliRun.cli("delete", "--kubeconfig", kubeconfig.toString(), "accounts", "--", "-ana");

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(router.calls())
          .containsExactly(new Call("DELETE", "/del", json(Map.of("username", "-ana"))));
    }
  }

  @Test
  void aNumberKeyIsStillSentAsAJsonNumberToTheAssignmentsEndpoints() throws Exception {
    try (StandInRouter router = StandInRouter.start()) {
      createStudents(router.address());

      CliRun updated = run("update", "students", "7", "{\"Stud_marks\":91}");
      CliRun deleted = run("delete", "students", "-7");
      CliRun found = run("find", "students", "1", "+9");

      assertThat(updated.code()).as(updated.err()).isZero();
      assertThat(updated.out()).isEqualTo("Data entry for Stud_id: 7 updated\n");
      assertThat(deleted.code()).as(deleted.err()).isZero();
      assertThat(found.code()).as(found.err()).isZero();
      assertThat(router.calls())
          .containsExactly(
              new Call(
                  "PUT", "/update", JSON.readTree("{\"Stud_id\":7,\"data\":{\"Stud_marks\":91}}")),
              new Call("DELETE", "/del", JSON.readTree("{\"Stud_id\":-7}")),
              new Call("POST", "/read", JSON.readTree("{\"Stud_id\":{\"low\":1,\"high\":9}}")));
    }
  }

  @Test
  void textAsTheKeyOfANumberKeyedTableIsAUsageErrorNamingTheKeyColumnAndNothingIsSent()
      throws Exception {
    try (StandInRouter router = StandInRouter.start()) {
      createStudents(router.address());

      CliRun updated = run("update", "students", "ana", "{\"Stud_marks\":91}");
      CliRun deleted = run("delete", "students", "1.5");
      CliRun found = run("find", "students", "1", "ana");

      assertThat(updated.code()).isEqualTo(2);
      assertThat(updated.err())
          .isEqualTo(
              "error: KEY 'ana' is not a whole number: table students is keyed by Stud_id, a"
                  + " Number column\n");
      assertThat(deleted.code()).isEqualTo(2);
      assertThat(deleted.err()).contains("error: KEY '1.5' is not a whole number");
      assertThat(found.code()).isEqualTo(2);
      assertThat(found.err()).contains("error: HIGH 'ana' is not a whole number");
      assertThat(router.calls()).isEmpty();
    }
  }

  private static JsonNode json(Object value) {
    return JSON.valueToTree(value);
  }

  /** A database keyed by a String column, its router the stand-in at {@code ip}. */
  private void createAccounts(String ip) {
    createWithRouterAt(
        """
        apiVersion: shardeddb.io/v1alpha1
        kind: ShardedDatabase
        metadata: {name: accounts}
        spec:
          sharding: Hash
          replicas: 1
          schema:
            table: accounts
            shardKey: username
            columns:
              - {name: username, type: String}
              - {name: visits, type: Number, nullable: true}
        """,
        ip);
  }

  /** examples/students.yaml, its router the stand-in at {@code ip}. */
  private void createStudents(String ip) throws Exception {
    createWithRouterAt(Files.readString(HOME.resolve("examples/students.yaml")), ip);
  }

  /**
   * The resource {@code yaml}, its router reached over plain HTTP without a token (the stand-in has
   * neither), and a ready router pod whose IP is {@code ip}.
   */
  private void createWithRouterAt(String yaml, String ip) {
    GenericKubernetesResource db = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) db.getAdditionalProperties().get("spec");
    spec.put("tls", Map.of("routerPlainHttp", true));
    spec.put("router", Map.of("replicas", 1, "auth", Map.of("enabled", false)));
    String name = db.getMetadata().getName();
    kube.client().resource(db).inNamespace("default").create();
    kube.client()
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name + "-router-0")
                .withLabels(Labels.routerSelector(name))
                .endMetadata()
                .withNewStatus()
                .withPodIP(ip)
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  /** One request the stand-in router received. */
  private record Call(String method, String path, JsonNode body) {}

  /**
   * Answers the data endpoints as a router does (the key echoed as the router's messages do), on
   * port 8080 of a loopback address of its own (127.0.0.0/8 is all loopback on Linux), recording
   * every request.
   */
  private record StandInRouter(HttpServer server, List<Call> calls) implements AutoCloseable {
    static StandInRouter start() throws IOException {
      String ip =
          "127.0.%d.%d"
              .formatted(100 + (int) (Math.random() * 100), 2 + (int) (Math.random() * 200));
      HttpServer server =
          HttpServer.create(new InetSocketAddress(ip, ShardedDatabaseResources.ROUTER_PORT), 0);
      List<Call> calls = new CopyOnWriteArrayList<>();
      server.createContext(
          "/",
          exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String path = exchange.getRequestURI().getPath();
            calls.add(new Call(exchange.getRequestMethod(), path, body));
            String keyName = body.fieldNames().next();
            Object reply =
                switch (path) {
                  case "/update" ->
                      Map.of(
                          "message",
                          "Data entry for "
                              + keyName
                              + ": "
                              + body.get(keyName).asText()
                              + " updated",
                          "status",
                          "success");
                  case "/del" ->
                      Map.of(
                          "message",
                          "Data entry with "
                              + keyName
                              + ":"
                              + body.get(keyName).asText()
                              + " removed from all replicas",
                          "status",
                          "success");
                  case "/query" ->
                      Map.of(
                          "success",
                          true,
                          "data",
                          List.of(
                              Map.of(
                                  "username",
                                  body.get("query").asText().contains("BETWEEN")
                                      ? "Zed"
                                      : "o'brien\\ \"; DROP TABLE accounts; -- usér-😀",
                                  "visits",
                                  3,
                                  "timestamp",
                                  3918452771305312256L)),
                          "shards_queried",
                          List.of("sh1", "sh2"),
                          "status",
                          "success");
                  default -> Map.of("shards_queried", List.of("sh1"), "data", List.of());
                };
            byte[] bytes = JSON.writeValueAsBytes(reply);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
          });
      server.start();
      return new StandInRouter(server, calls);
    }

    String address() {
      return server.getAddress().getAddress().getHostAddress();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private void create(Path yaml) {
    try (InputStream in = Files.newInputStream(yaml)) {
      GenericKubernetesResource r = Serialization.unmarshal(in, GenericKubernetesResource.class);
      kube.client().resource(r).inNamespace("default").create();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private CliRun run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    return CliRun.cli(all);
  }
}
