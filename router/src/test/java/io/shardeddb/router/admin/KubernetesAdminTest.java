package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * In a cluster, {@code /init}, {@code /add} and {@code /rm} become layout requests in the
 * operator-owned ConfigMap; the router replies once the operator accepted the request and reports
 * the generation that carries it Ready, and answers 400 with the operator's reason when it refused;
 * the router follows status changes (a new primary) without a restart. The fabric8 mock API server
 * (CRUD mode) stands in for the cluster and this test plays the operator: it merges the request
 * into the spec, answers, and writes the status.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesAdminTest {
  static KubernetesClient client;

  /** The test plays the operator on the raw resource, as the cluster stores it. */
  static final ResourceDefinitionContext SDB =
      ResourceDefinitionContext.fromResourceType(ShardedDatabase.class);

  static final String INIT =
      """
      {"N":3,"schema":{"columns":["Stud_id","Stud_name","Stud_marks"],
                       "dtypes":["Number","String","String"]},
       "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096},
                 {"Stud_id_low":4096,"Shard_id":"sh2","Shard_size":4096},
                 {"Stud_id_low":8192,"Shard_id":"sh3","Shard_size":4096}],
       "servers":{"Server0":["sh1","sh2"],"Server1":["sh2","sh3"],"Server2":["sh1","sh3"]}}
      """;

  final Set<String> seen = new HashSet<>();
  TestRouter router;
  Http http;
  Resource<GenericKubernetesResource> sdb;

  @BeforeAll
  void start() {
    sdb = client.genericKubernetesResources(SDB).inNamespace("test").withName("students");
    client
        .genericKubernetesResources(SDB)
        .inNamespace("test")
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: shardeddb.io/v1alpha1
                kind: ShardedDatabase
                metadata: {name: students, namespace: test}
                spec: {replicas: 3, writeQuorum: Majority, sharding: Hash}
                """,
                GenericKubernetesResource.class))
        .create();
    client
        .configMaps()
        .inNamespace("test")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ShardedDatabaseResources.layoutRequestName("students"))
                .endMetadata()
                .build())
        .create();
    router =
        TestRouter.start(
            "t",
            Map.of(
                "shardeddb.router.topology.source",
                "kubernetes",
                "shardeddb.router.database",
                "students",
                "shardeddb.router.namespace",
                "test",
                "shardeddb.router.kubernetes.master-url",
                client.getConfiguration().getMasterUrl(),
                "shardeddb.router.admin.ready-timeout",
                "5s"));
    http = router.http();
  }

  @AfterAll
  void stop() {
    router.close();
  }

  /** Plays the operator: reports the current generation Ready with one pod per replica. */
  @SuppressWarnings("unchecked")
  void operatorReportsReady(String primaryOfSh1) {
    sdb.edit(
        r -> {
          Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
          List<Map<String, Object>> shards = (List<Map<String, Object>>) spec.get("shards");
          List<Map<String, Object>> shardStatus =
              shards.stream()
                  .map(
                      s -> {
                        String id = (String) s.get("id");
                        int n = ((Number) s.get("replicas")).intValue();
                        List<Map<String, Object>> pods =
                            java.util.stream.IntStream.range(0, n)
                                .mapToObj(
                                    i ->
                                        Map.<String, Object>of(
                                            "pod", "students-" + id + "-" + i,
                                            "url", "http://127.0.0.1:9/" + id + "/" + i,
                                            "role", i == 0 ? "Primary" : "Secondary"))
                                .toList();
                        String primary = id.equals("sh1") ? primaryOfSh1 : "students-" + id + "-0";
                        return Map.<String, Object>of(
                            "id", id, "epoch", 1, "primary", primary, "replicas", pods);
                      })
                  .toList();
          r.getAdditionalProperties()
              .put(
                  "status",
                  Map.of(
                      "observedGeneration", r.getMetadata().getGeneration(),
                      "conditions", List.of(Map.of("type", "Ready", "status", "True")),
                      "shards", shardStatus));
          return r;
        });
  }

  Map<String, String> requestObject() {
    return client
        .configMaps()
        .inNamespace("test")
        .withName(ShardedDatabaseResources.layoutRequestName("students"))
        .get()
        .getData();
  }

  /** Waits until the router wrote a request this test has not seen yet; returns its id. */
  String awaitRequest() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Map<String, String> data = requestObject();
              return data != null
                  && data.get(LayoutRequest.ID_KEY) != null
                  && !seen.contains(data.get(LayoutRequest.ID_KEY));
            });
    String id = requestObject().get(LayoutRequest.ID_KEY);
    seen.add(id);
    return id;
  }

  /** Plays the operator: merges request {@code id}'s layout into the spec and accepts it. */
  @SuppressWarnings("unchecked")
  void operatorAccepts(String id) {
    Map<String, Object> layout =
        Serialization.unmarshal(requestObject().get(LayoutRequest.LAYOUT_KEY), Map.class);
    GenericKubernetesResource merged =
        sdb.edit(
            r -> {
              Map<String, Object> spec =
                  (Map<String, Object>) r.getAdditionalProperties().get("spec");
              spec.put("schema", layout.get("schema"));
              spec.put("shards", layout.get("shards"));
              spec.put("servers", layout.get("servers"));
              return r;
            });
    answer(id, LayoutRequest.Outcome.Accepted, merged.getMetadata().getGeneration(), "merged");
  }

  void answer(String id, LayoutRequest.Outcome outcome, Long generation, String message) {
    client
        .configMaps()
        .inNamespace("test")
        .withName(ShardedDatabaseResources.layoutRequestName("students"))
        .edit(
            cm -> {
              cm.getData()
                  .put(
                      LayoutRequest.ANSWER_KEY,
                      new LayoutRequest.Answer(id, outcome, generation, message, "now").toJson());
              return cm;
            });
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> spec() {
    return (Map<String, Object>) sdb.get().getAdditionalProperties().get("spec");
  }

  CompletableFuture<Http.Reply> async(String method, String path, String body) {
    return CompletableFuture.supplyAsync(() -> http.send(method, path, body));
  }

  @Test
  @Order(1)
  void initIsALayoutRequestAndRepliesOnceTheOperatorMergedItAndReportsReady() {
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/admin/topology").status() == 200);
    CompletableFuture<Http.Reply> reply = async("POST", "/init", INIT);
    String id = awaitRequest();
    assertThat(spec()).as("the router never writes the spec itself").doesNotContainKey("schema");
    operatorAccepts(id);
    assertThat(reply).isNotDone();
    assertThat(spec().get("shards"))
        .asList()
        .containsExactly(
            Map.of("id", "sh1", "low", 0, "size", 4096, "replicas", 2),
            Map.of("id", "sh2", "low", 4096, "size", 4096, "replicas", 2),
            Map.of("id", "sh3", "low", 8192, "size", 4096, "replicas", 2));
    assertThat(spec().get("servers"))
        .isEqualTo(
            Map.of(
                "Server0", List.of("sh1", "sh2"),
                "Server1", List.of("sh2", "sh3"),
                "Server2", List.of("sh1", "sh3")));
    operatorReportsReady("students-sh1-0");
    Http.Reply r = reply.join();
    assertThat(r.json())
        .isEqualTo(Http.json("{\"message\":\"Configured Database\",\"status\":\"success\"}"));
    Http.Reply status = http.get("/status");
    assertThat(status.json().get("N").asInt()).isEqualTo(3);
    assertThat(status.json().get("shards").get(1).get("Shard_id").asText()).isEqualTo("sh2");
    assertThat(status.json().get("schema").get("dtypes").get(1).asText()).isEqualTo("String");
  }

  @Test
  @Order(2)
  void aNewPrimaryInTheStatusTakesEffectWithoutARestart() {
    operatorReportsReady("students-sh1-1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        http.get("/admin/topology")
                            .json()
                            .get("shards")
                            .get(0)
                            .get("primary")
                            .asText())
                    .isEqualTo("students-sh1-1"));
  }

  @Test
  @Order(3)
  void addRepliesWithTheAssignmentsMessageOnceReady() {
    CompletableFuture<Http.Reply> reply =
        async(
            "POST",
            "/add",
            "{\"n\":2,\"new_shards\":[{\"Stud_id_low\":12288,\"Shard_id\":\"sh4\",\"Shard_size\":4096}],"
                + "\"servers\":{\"Server4\":[\"sh3\",\"sh4\"],\"Server[5]\":[\"sh2\",\"sh4\"]}}");
    operatorAccepts(awaitRequest());
    assertThat(spec().get("servers").toString()).contains("Server4");
    operatorReportsReady("students-sh1-1");
    Http.Reply r = reply.join();
    assertThat(r.json())
        .isEqualTo(
            Http.json(
                "{\"N\":5,\"message\":\"Add Server:4 and Server:3\",\"status\":\"successful\"}"));
    assertThat(spec().get("shards"))
        .asList()
        .contains(
            Map.of("id", "sh3", "low", 8192, "size", 4096, "replicas", 3),
            Map.of("id", "sh4", "low", 12288, "size", 4096, "replicas", 2));
    assertThat(spec()).containsEntry("sharding", "Hash").containsEntry("writeQuorum", "Majority");
  }

  @Test
  @Order(4)
  void aChangeTheOperatorRefusesIsA400NamingTheProblemAndChangesNothing() {
    Object before = spec();
    CompletableFuture<Http.Reply> reply =
        async("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server4\"]}");
    answer(
        awaitRequest(),
        LayoutRequest.Outcome.Refused,
        null,
        "spec.servers: server 'Server0' lists shard 'sh9', which is not in the layout");
    Http.Reply r = reply.join();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("status").asText()).isEqualTo("failure");
    assertThat(r.message())
        .contains("the operator refused the change")
        .contains("lists shard 'sh9'");
    assertThat(spec()).isEqualTo(before);
  }

  @Test
  @Order(5)
  void aRequestTheOperatorNeverAnswersTimesOutWith504() {
    Http.Reply r = http.send("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server4\"]}");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.message()).contains("did not answer the layout request");
    assertThat(spec().get("servers").toString()).contains("Server4");
  }

  @Test
  @Order(6)
  void aChangeTheOperatorNeverReportsReadyTimesOutWith504() {
    CompletableFuture<Http.Reply> reply =
        async("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server4\"]}");
    operatorAccepts(awaitRequest());
    Http.Reply r = reply.join();
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.json().get("status").asText()).isEqualTo("failure");
    assertThat(r.message()).contains("did not report the ShardedDatabase Ready");
    assertThat(spec().get("servers").toString()).doesNotContain("Server4");
    assertThat(spec()).containsEntry("sharding", "Hash");
  }

  @Test
  void aPushedTopologyIsRefusedBecauseKubernetesOwnsIt() {
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/admin/topology").status() == 200);
    long before = http.get("/admin/topology").json().get("version").asLong();
    Http.Reply r =
        http.send(
            "PUT",
            "/admin/topology",
            "{\"database\":\"students\",\"version\":" + (before + 100) + ",\"shards\":[]}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message()).contains("the topology comes from Kubernetes");
    assertThat(http.get("/admin/topology").json().get("version").asLong()).isLessThan(before + 100);
  }
}
