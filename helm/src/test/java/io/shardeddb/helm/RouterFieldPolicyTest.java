package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.shardeddb.helm.AdmissionPolicyEvaluator.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ValidatingAdmissionPolicy that keeps a database's router to the fields it writes for /init,
 * /add and /rm: rendered with the right names and resource where the API exists, and its CEL
 * expressions, evaluated as the API server would, allow exactly the router's own changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterFieldPolicyTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NS = "apps";
  private static final String DB = "students";
  private static final String ROUTER = "system:serviceaccount:" + NS + ":" + DB + "-router";

  private final ChartUnderTest chart = new ChartUnderTest();
  private RenderedChart rendered;
  private AdmissionPolicyEvaluator policy;

  @BeforeAll
  void render() {
    rendered = chart.render();
    policy = new AdmissionPolicyEvaluator(rendered.one(ValidatingAdmissionPolicy.class));
  }

  // --- rendering -------------------------------------------------------------------------------

  @Test
  void thePolicyAndItsBindingCoverTheShardedDatabaseResourceOfTheChartsCrd() throws IOException {
    Map<String, Object> crd = crd();
    @SuppressWarnings("unchecked")
    Map<String, Object> names = (Map<String, Object>) ((Map<?, ?>) crd.get("spec")).get("names");

    ValidatingAdmissionPolicy vap = rendered.one(ValidatingAdmissionPolicy.class);
    ValidatingAdmissionPolicyBinding binding = rendered.one(ValidatingAdmissionPolicyBinding.class);
    assertThat(vap.getMetadata().getName()).isEqualTo("shardeddb-operator-router-fields");
    assertThat(binding.getMetadata().getName()).isEqualTo("shardeddb-operator-router-fields");
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(vap.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    assertThat(vap.getSpec().getFailurePolicy()).isEqualTo("Fail");
    var rule = vap.getSpec().getMatchConstraints().getResourceRules().get(0);
    assertThat(rule.getApiGroups())
        .containsExactly(String.valueOf(((Map<?, ?>) crd.get("spec")).get("group")));
    assertThat(rule.getResources()).containsExactly(String.valueOf(names.get("plural")));
    assertThat(rule.getOperations()).contains("UPDATE");
    // The router's ServiceAccount name, as RouterModel/ShardedDatabaseResources build it.
    assertThat(vap.getSpec().getMatchConditions().get(0).getExpression())
        .contains("request.name + '-router'");
    assertThat(io.shardeddb.api.ShardedDatabaseResources.routerName(DB)).isEqualTo(DB + "-router");
  }

  @Test
  void itIsRenderedOnlyWhereTheApiServerServesValidatingAdmissionPolicy() {
    assertThat(policyObjects(RenderedChart.parse(chart.template("v1.20.2").call()))).isEmpty();
    assertThat(policyObjects(RenderedChart.parse(chart.template("v1.27.9").call()))).isEmpty();
    assertThat(policyObjects(RenderedChart.parse(chart.template("v1.30.0").call())))
        .extracting(HasMetadata::getApiVersion)
        .containsOnly("admissionregistration.k8s.io/v1")
        .hasSize(2);
    assertThat(policyObjects(chart.render(Map.of("routerFieldPolicy.enabled", false)))).isEmpty();
  }

  private static List<HasMetadata> policyObjects(RenderedChart chart) {
    return chart.objects().stream()
        .filter(o -> o.getKind().startsWith("ValidatingAdmissionPolicy"))
        .toList();
  }

  // --- what the router legitimately writes (KubernetesAdmin.withSpec) ---------------------------

  @Test
  void initMayWriteTheSchemaShardsAndServersOfAFreshDatabase() {
    Map<String, Object> old = fresh();
    Map<String, Object> now = copy(old, sdb -> initialised(spec(sdb)));

    assertAllowed(byRouter(), old, now);
  }

  @Test
  void addMayAppendAShardAndServers() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));
    Map<String, Object> now =
        copy(
            old,
            sdb -> {
              shards(sdb).add(shard("s3", 2000, 1000, 3));
              servers(sdb).add("s3-a");
            });

    assertAllowed(byRouter(), old, now);
  }

  @Test
  void rmMayRemoveAShardAndChangeReplicaCountsAndServers() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));
    Map<String, Object> now =
        copy(
            old,
            sdb -> {
              shards(sdb).remove(1);
              shards(sdb).get(0).put("replicas", 1);
              servers(sdb).clear();
              servers(sdb).add("s1-a");
            });

    assertAllowed(byRouter(), old, now);
  }

  @Test
  void metadataTheApiServerMaintainsMayChangeWithTheRoutersPatch() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));
    Map<String, Object> now =
        copy(
            old,
            sdb -> {
              metadata(sdb).put("resourceVersion", "43");
              metadata(sdb).put("generation", 3);
              servers(sdb).add("s1-b");
            });

    assertAllowed(byRouter(), old, now);
  }

  // --- what a stolen router token must not do -----------------------------------------------

  @Test
  void theRouterCannotSwitchItsOwnAuthOff() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));

    assertRefused(
        byRouter(),
        old,
        copy(old, sdb -> spec(sdb).put("router", Map.of("auth", Map.of("enabled", false)))));
    assertRefused(byRouter(), old, copy(old, sdb -> ((Map<?, ?>) spec(sdb)).remove("router")));
  }

  @Test
  void theRouterCannotTouchAnyOtherSpecField() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));

    assertRefused(byRouter(), old, copy(old, sdb -> spec(sdb).put("replicas", 1)));
    assertRefused(byRouter(), old, copy(old, sdb -> spec(sdb).put("writeQuorum", 1)));
    assertRefused(
        byRouter(),
        old,
        copy(old, sdb -> spec(sdb).put("secrets", Map.of("routerToken", "attacker-token"))));
    assertRefused(
        byRouter(),
        old,
        copy(
            old,
            sdb ->
                spec(sdb)
                    .put("resources", Map.of("shardServer", Map.of("limits", Map.of("cpu", 64))))));
    assertRefused(byRouter(), old, copy(old, sdb -> spec(sdb).remove("storage")));
    assertRefused(byRouter(), old, copy(old, sdb -> spec(sdb).put("placement", Map.of())));
  }

  @Test
  void theRouterCannotChangeASchemaOnceSet() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));

    assertRefused(
        byRouter(),
        old,
        copy(
            old,
            sdb -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> schema = (Map<String, Object>) spec(sdb).get("schema");
              schema.put("table", "other");
            }));
    assertRefused(byRouter(), old, copy(old, sdb -> spec(sdb).remove("schema")));
  }

  @Test
  void theRouterCannotChangeLabelsAnnotationsFinalizersOrOwners() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));

    assertRefused(byRouter(), old, copy(old, sdb -> labels(sdb).put("team", "attacker")));
    assertRefused(byRouter(), old, copy(old, sdb -> labels(sdb).remove("app")));
    assertRefused(
        byRouter(), old, copy(old, sdb -> metadata(sdb).put("annotations", Map.of("a", "b"))));
    assertRefused(byRouter(), old, copy(old, sdb -> metadata(sdb).remove("finalizers")));
    assertRefused(
        byRouter(),
        old,
        copy(old, sdb -> metadata(sdb).put("ownerReferences", List.of(Map.of("name", "x")))));
  }

  @Test
  void theRouterCannotDeleteOrCreateItsDatabase() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));

    assertRefused(request("DELETE", ROUTER), old, null);
    assertRefused(request("CREATE", ROUTER), null, old);
  }

  // --- who the policy applies to ------------------------------------------------------------

  @Test
  void otherUsersAreLeftToRbacAndMayChangeAnything() {
    Map<String, Object> old = copy(fresh(), sdb -> initialised(spec(sdb)));
    Map<String, Object> now =
        copy(
            old,
            sdb -> {
              spec(sdb).put("router", Map.of("auth", Map.of("enabled", false)));
              labels(sdb).put("team", "dba");
            });

    assertThat(policy.decide(request("UPDATE", "kubernetes-admin"), old, now).matched()).isFalse();
    assertThat(
            policy
                .decide(
                    request("UPDATE", "system:serviceaccount:shardeddb-system:shardeddb-operator"),
                    old,
                    now)
                .matched())
        .isFalse();
    // Another namespace's SA of the same name is a different identity.
    assertThat(
            policy
                .decide(request("UPDATE", "system:serviceaccount:other:students-router"), old, now)
                .matched())
        .isFalse();
  }

  // --- helpers -----------------------------------------------------------------------------

  private void assertAllowed(
      Map<String, Object> request, Map<String, Object> old, Map<String, Object> now) {
    Decision decision = policy.decide(request, old, now);
    assertThat(decision.matched()).as("the policy applies to the router").isTrue();
    assertThat(decision.refusals()).as("refusals").isEmpty();
  }

  private void assertRefused(
      Map<String, Object> request, Map<String, Object> old, Map<String, Object> now) {
    Decision decision = policy.decide(request, old, now);
    assertThat(decision.matched()).as("the policy applies to the router").isTrue();
    // Refused by a validation that evaluated to false, not only by one that failed to evaluate.
    assertThat(decision.refusals())
        .as("refused: %s -> %s", old, now)
        .anyMatch(r -> !r.contains(AdmissionPolicyEvaluator.EVALUATION_FAILED));
  }

  private static Map<String, Object> byRouter() {
    return request("UPDATE", ROUTER);
  }

  private static Map<String, Object> request(String operation, String username) {
    return Map.of(
        "operation",
        operation,
        "namespace",
        NS,
        "name",
        DB,
        "userInfo",
        Map.of("username", username, "groups", List.of("system:serviceaccounts")));
  }

  /** A ShardedDatabase as created by a user, before /init. */
  private static Map<String, Object> fresh() {
    return parse(
        """
        apiVersion: shardeddb.io/v1alpha1
        kind: ShardedDatabase
        metadata:
          name: students
          namespace: apps
          generation: 1
          resourceVersion: "42"
          labels: {app: students}
          finalizers: [shardeddb.io/finalizer]
        spec:
          replicas: 3
          writeQuorum: 2
          router: {replicas: 2, auth: {enabled: true}}
          storage: {size: 1Gi}
          failover: {enabled: true}
        status:
          phase: Ready
        """);
  }

  /** What /init writes: schema, shards with their replica counts, server names. */
  private static void initialised(Map<String, Object> spec) {
    spec.put(
        "schema",
        parse(
            """
            table: students
            shardKey: id
            columns: [{name: id, type: Number}, {name: name, type: String}]
            """));
    List<Object> shards = new ArrayList<>();
    shards.add(shard("s1", 0, 1000, 3));
    shards.add(shard("s2", 1000, 1000, 3));
    spec.put("shards", shards);
    spec.put("servers", new ArrayList<>(List.of("s1-a", "s2-a")));
  }

  private static Map<String, Object> shard(String id, long low, long size, int replicas) {
    Map<String, Object> shard = new LinkedHashMap<>();
    shard.put("id", id);
    shard.put("low", low);
    shard.put("size", size);
    shard.put("replicas", replicas);
    return shard;
  }

  private static Map<String, Object> copy(
      Map<String, Object> sdb, Consumer<Map<String, Object>> change) {
    Map<String, Object> copy = YAML.convertValue(sdb, new TypeReference<>() {});
    change.accept(copy);
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> sdb) {
    return (Map<String, Object>) sdb.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> sdb) {
    return (Map<String, Object>) sdb.get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> labels(Map<String, Object> sdb) {
    return (Map<String, Object>) metadata(sdb).get("labels");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> shards(Map<String, Object> sdb) {
    return (List<Map<String, Object>>) spec(sdb).get("shards");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> servers(Map<String, Object> sdb) {
    return (List<Object>) spec(sdb).get("servers");
  }

  private static Map<String, Object> parse(String yaml) {
    try {
      return YAML.readValue(yaml, new TypeReference<>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Map<String, Object> crd() throws IOException {
    try (var files = Files.list(chart.crdDir())) {
      for (var file : files.filter(Files::isRegularFile).toList()) {
        Map<String, Object> doc = parse(Files.readString(file));
        if (doc.get("spec") instanceof Map<?, ?> spec
            && spec.get("names") instanceof Map<?, ?> names
            && "ShardedDatabase".equals(names.get("kind"))) {
          return doc;
        }
      }
    }
    throw new AssertionError("no ShardedDatabase CRD in the chart's crds/");
  }
}
