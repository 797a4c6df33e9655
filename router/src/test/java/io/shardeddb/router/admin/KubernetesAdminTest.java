package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * In a cluster, {@code /init}, {@code /add} and {@code /rm} become changes to the router's
 * ShardedDatabase spec and reply once the operator reports the new generation Ready; the router
 * follows status changes (a new primary) without a restart. The fabric8 mock API server (CRUD mode)
 * stands in for the cluster and this test plays the operator by writing the status.
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

  @SuppressWarnings("unchecked")
  Map<String, Object> spec() {
    return (Map<String, Object>) sdb.get().getAdditionalProperties().get("spec");
  }

  CompletableFuture<Http.Reply> async(String method, String path, String body) {
    return CompletableFuture.supplyAsync(() -> http.send(method, path, body));
  }

  @Test
  @Order(1)
  void initPatchesTheSpecAndRepliesOnceTheOperatorReportsReady() {
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/admin/topology").status() == 200);
    CompletableFuture<Http.Reply> reply = async("POST", "/init", INIT);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(spec()).containsKey("schema"));
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
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(spec().get("servers").toString()).contains("Server4"));
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
    // The router rebuilds the spec from its layout: every field it does not own stays as it was.
    assertThat(spec()).containsEntry("sharding", "Hash").containsEntry("writeQuorum", "Majority");
  }

  @Test
  @Order(4)
  void aChangeTheOperatorNeverReportsReadyTimesOutWith504() {
    Http.Reply r = http.send("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server4\"]}");
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
