package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.reconciler.SpecValidator;
import io.shardeddb.operator.testing.CrdSchemaValidator;
import io.shardeddb.operator.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated CRD: checked-in copies are fresh, its rules are there, and examples pass it. */
class CrdTest {

  private static final String REFRESH = "./mvnw -B -pl operator -am process-classes -Pupdate-crds";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static CustomResourceDefinition crd() throws IOException {
    try (InputStream in = Files.newInputStream(Fixtures.generatedCrd())) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  static Stream<Path> checkedInCopies() {
    Path root = Fixtures.repoRoot();
    return Stream.of(
        root.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"),
        root.resolve("helm/shardeddb-operator/files/crds/shardeddatabases.shardeddb.io-v1.yml"));
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Fixtures.repoRoot().resolve("examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("checkedInCopies")
  void theCheckedInCrdEqualsTheOneGeneratedFromTheJavaClasses(Path copy) throws IOException {
    String generated = Files.readString(Fixtures.generatedCrd());

    assertThat(copy).as("%s is missing; create it with: %s", copy, REFRESH).exists();
    assertThat(Files.readString(copy))
        .as("%s is stale; refresh it with: %s", Fixtures.repoRoot().relativize(copy), REFRESH)
        .isEqualTo(generated);
  }

  @Test
  void theCrdNamesTheResourceAndPrintsReadyShardsReplicasPrimariesReshardingShardingAndAgeLast()
      throws IOException {
    CustomResourceDefinition crd = crd();
    CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);

    assertThat(crd.getMetadata().getName()).isEqualTo("shardeddatabases.shardeddb.io");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ShardedDatabase");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("shardeddatabases");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sdb", "shardeddb");
    assertThat(v.getName()).isEqualTo("v1alpha1");
    assertThat(v.getSubresources().getStatus()).isNotNull();
    assertThat(v.getAdditionalPrinterColumns())
        .as("in the order ShardedDatabase declares them, Age last as for built-in kinds")
        .extracting(c -> c.getName())
        .containsExactly(
            "Ready", "Shards", "Replicas", "Primaries", "Resharding", "Sharding", "Age");
    assertThat(v.getAdditionalPrinterColumns())
        .filteredOn(c -> c.getName().equals("Primaries"))
        .extracting(c -> c.getJsonPath())
        .containsExactly(".status.primaries");
    assertThat(v.getAdditionalPrinterColumns())
        .filteredOn(c -> c.getName().equals("Resharding"))
        .extracting(c -> c.getJsonPath())
        .containsExactly(".status.conditions[?(@.type==\"Resharding\")].status");
    assertThat(v.getAdditionalPrinterColumns())
        .filteredOn(c -> c.getName().equals("Sharding"))
        .extracting(c -> c.getJsonPath())
        .containsExactly(".spec.sharding");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "shardeddatabases.shardeddb.io-v1.yml",
        "shardeddatabasebackups.shardeddb.io-v1.yml"
      })
  void theRootTheSpecAndTheStatusOfEachSchemaHaveADescription(String file) throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(Fixtures.generatedCrd().resolveSibling(file))) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    var root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();

    assertThat(root.getDescription()).as("root").isNotBlank();
    assertThat(root.getProperties().get("spec").getDescription()).as("spec").isNotBlank();
    assertThat(root.getProperties().get("status").getDescription()).as("status").isNotBlank();
    assertThat(crd.getSpec().getNames().getCategories())
        .as(
            "kubectl get shardeddb-all lists both kinds; not in kubectl get all, and no short name"
                + " (kubectl expands a category first, so it would hide the short name)")
        .containsExactly("shardeddb-all")
        .doesNotContainAnyElementsOf(crd.getSpec().getNames().getShortNames());
    assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .last()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("Age");
              assertThat(c.getJsonPath()).isEqualTo(".metadata.creationTimestamp");
            });
  }

  @Test
  void theCrdCarriesTheCelRulesForIdsRangesAndTheShardKey() throws IOException {
    var spec =
        crd()
            .getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec");

    assertThat(spec.getXKubernetesValidations())
        .extracting(ValidationRule::getMessage)
        .contains("shard ids must be unique", "shard key ranges [low, low+size) must not overlap");
    assertThat(spec.getProperties().get("schema").getXKubernetesValidations())
        .extracting(ValidationRule::getMessage)
        .contains("shardKey must be one of the columns");
    assertThat(spec.getXKubernetesValidations())
        .filteredOn(r -> r.getRule().contains("oldSelf"))
        .extracting(ValidationRule::getMessage)
        .containsExactlyInAnyOrder(
            "spec.schema can only gain columns (at the end, each nullable or with a default) or drop"
                + " them: the table, the shard key and a stored column's definition cannot change",
            "spec.sharding cannot change once shards exist: every row's placement depends on it",
            "spec.storage.storageClassName cannot change once set, nor spec.storage be removed:"
                + " the volumes were created in that class (spec.storage.size may grow)",
            "spec.bootstrap cannot change once set: the database was created from it",
            "spec.secrets cannot change once set: rotate credentials by editing the Secrets");
    assertThat(spec.getProperties().get("replicas").getDefault().asInt()).isEqualTo(3);
    assertThat(spec.getProperties().get("writeQuorum").getEnum())
        .extracting(com.fasterxml.jackson.databind.JsonNode::asText)
        .containsExactly("All", "Cabinet", "Majority", "One");
  }

  @Test
  void theCrdRefusesEveryReservedShardIdWithTheRuleSpecValidatorShares() throws IOException {
    var shardItem =
        crd()
            .getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .get("shards")
            .getItems()
            .getSchema();

    assertThat(shardItem.getXKubernetesValidations())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getMessage())
                  .isEqualTo(io.shardeddb.api.v1alpha1.ShardSpec.RESERVED_ID_MESSAGE);
              for (String id : io.shardeddb.api.ShardedDatabaseResources.RESERVED_SHARD_IDS) {
                assertThat(r.getRule()).contains("'" + id + "'");
                assertThat(r.getMessage()).contains(id);
              }
            });
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleParsesAndPassesTheCrdSchemaAndTheSpecRules(Path example) throws IOException {
    JsonNode document = YAML.readTree(example.toFile());
    ShardedDatabase sdb;
    try (InputStream in = Files.newInputStream(example)) {
      sdb = Serialization.unmarshal(in, ShardedDatabase.class);
    }

    assertThat(document.get("apiVersion").asText()).isEqualTo("shardeddb.io/v1alpha1");
    assertThat(new CrdSchemaValidator(crd()).violations(document)).isEmpty();
    assertThat(new SpecValidator().problems(sdb)).isEmpty();
  }

  @Test
  void theSchemaRejectsUnknownFieldsBadEnumsAndOutOfRangeValues() throws IOException {
    JsonNode bad =
        YAML.readTree(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: bad}
            spec:
              replicas: 12
              writeQuorum: Most
              colour: blue
              shards: [{id: SH_1, low: -1, size: 0}]
            """);

    List<String> violations = new CrdSchemaValidator(crd()).violations(bad);

    assertThat(violations)
        .anyMatch(v -> v.startsWith("spec.replicas: above maximum"))
        .anyMatch(v -> v.startsWith("spec.writeQuorum:"))
        .anyMatch(v -> v.equals("spec.colour: unknown field"))
        .anyMatch(v -> v.startsWith("spec.shards[0].id:"))
        .anyMatch(v -> v.startsWith("spec.shards[0].low: below minimum"))
        .anyMatch(v -> v.startsWith("spec.shards[0].size: below minimum"));
  }

  @Test
  void theSchemaTypesThePodSettingsImagesMysqlParametersAndServiceType() throws IOException {
    JsonNode bad =
        YAML.readTree(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: bad}
            spec:
              images: {shardServer: "has space", registry: x}
              pods:
                priorityClassName: Not_A_Name
                tolerations: [{key: dedicated, effect: NoSchedule, colour: blue}]
                nodeSelector: {pool: 7}
                affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}
              mysql: {parameters: {max_connections: 300}}
              router: {service: {type: ExternalName}}
            """);

    List<String> violations = new CrdSchemaValidator(crd()).violations(bad);

    assertThat(violations)
        .anyMatch(v -> v.startsWith("spec.images.shardServer:"))
        .anyMatch(v -> v.equals("spec.images.registry: unknown field"))
        .anyMatch(v -> v.startsWith("spec.pods.priorityClassName:"))
        .anyMatch(v -> v.equals("spec.pods.tolerations[0].colour: unknown field"))
        .anyMatch(v -> v.startsWith("spec.router.service.type:"));
  }

  @Test
  void theCrdCarriesTheMysqlParameterAndAnnotationRules() throws IOException {
    var spec =
        crd()
            .getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec");
    var mysql = spec.getProperties().get("mysql");

    assertThat(mysql.getXKubernetesValidations())
        .extracting(ValidationRule::getRule)
        .contains(
            io.shardeddb.api.MysqlParameters.REFUSED_RULE,
            io.shardeddb.api.MysqlParameters.ALLOWED_RULE);
    assertThat(mysql.getProperties().get("parameters").getMaxProperties()).isEqualTo(32L);
    // Only the fields: a helper method named like a bean property (isEmpty) would become one.
    assertThat(spec.getProperties().get("pods").getProperties())
        .containsOnlyKeys(
            "annotations",
            "nodeSelector",
            "tolerations",
            "affinity",
            "priorityClassName",
            "serviceAccountName");
    assertThat(spec.getProperties().get("pods").getXKubernetesValidations())
        .extracting(ValidationRule::getMessage)
        .containsExactly("spec.pods.annotations: keys under shardeddb.io/ are the operator's");
    assertThat(
            spec.getProperties()
                .get("router")
                .getProperties()
                .get("service")
                .getProperties()
                .get("type")
                .getEnum())
        .extracting(JsonNode::asText)
        .containsExactly("ClusterIP", "LoadBalancer", "NodePort");
  }
}
