package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CRD's CEL rules (x-kubernetes-validations on spec and spec.schema, issue 13 item 6) evaluated
 * with CEL-Java as the API server would on a create (rules naming oldSelf skipped) and an update:
 * each refuses what its message says and lets the documented changes (/init, /add, /rm) through.
 * The operator module's CrdTest checks that the rules are there; this checks what they do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrdRulesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private record Rule(String message, String expression) {}

  private final Cel cel =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          // Kubernetes' CEL has the strings extension (lowerAscii, ...).
          .addCompilerLibraries(CelExtensions.strings())
          .addRuntimeLibraries(CelExtensions.strings())
          .build();

  private List<Rule> specRules;
  private List<Rule> schemaRules;
  private List<Rule> tableRules;
  private List<Rule> mysqlRules;
  private List<Rule> podsRules;
  private List<Rule> readsRules;
  private Map<String, Object> readsSchema;
  private List<Rule> shardRules;

  @BeforeAll
  @SuppressWarnings("unchecked")
  void readRules() throws IOException {
    Path crdFile;
    try (var files = Files.list(new ChartUnderTest().crdDir())) {
      crdFile =
          files
              .filter(
                  f -> f.getFileName().toString().equals("shardeddatabases.shardeddb.io-v1.yml"))
              .findFirst()
              .orElseThrow();
    }
    Map<String, Object> crd = YAML.readValue(crdFile.toFile(), new TypeReference<>() {});
    Map<String, Object> spec =
        (Map<String, Object>)
            at(crd, "spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "spec");
    specRules = rules(spec);
    schemaRules = rules((Map<String, Object>) at(spec, "properties", "schema"));
    tableRules =
        rules(
            (Map<String, Object>)
                at(spec, "properties", "schema", "properties", "tables", "items"));
    mysqlRules = rules((Map<String, Object>) at(spec, "properties", "mysql"));
    podsRules = rules((Map<String, Object>) at(spec, "properties", "pods"));
    readsSchema = (Map<String, Object>) at(spec, "properties", "router", "properties", "reads");
    readsRules = rules(readsSchema);
    shardRules = rules((Map<String, Object>) at(spec, "properties", "shards", "items"));
  }

  @Test
  void theDocumentedLifecyclePassesEveryRule() {
    Map<String, Object> created = base();
    Map<String, Object> initialised = change(created, CrdRulesTest::init);
    Map<String, Object> added = change(initialised, s -> shards(s).add(shard("s3", 2000, 1000)));
    Map<String, Object> removed = change(added, s -> shards(s).remove(0));

    assertThat(refusals(null, created)).isEmpty();
    assertThat(refusals(null, initialised)).isEmpty();
    assertThat(refusals(created, initialised)).isEmpty();
    assertThat(refusals(initialised, added)).isEmpty();
    assertThat(refusals(added, removed)).isEmpty();
  }

  @Test
  void shardsMustHaveUniqueIdsDisjointRangesAndASchema() {
    Map<String, Object> ok = change(base(), CrdRulesTest::init);

    assertThat(refusals(null, change(ok, s -> shards(s).add(shard("s1", 5000, 10)))))
        .containsExactly("shard ids must be unique");
    assertThat(refusals(null, change(ok, s -> shards(s).add(shard("s9", 500, 1000)))))
        .containsExactly("shard key ranges [low, low+size) must not overlap");
    assertThat(refusals(null, change(ok, s -> s.remove("schema"))))
        .containsExactly("shards need a schema: set spec.schema (or use the router's /init)");
  }

  @Test
  void aShardIdThatIsOneOfTheDatabasesOwnNameSuffixesIsRefused() {
    for (String reserved :
        List.of(
            "router",
            "config",
            "layout-request",
            "router-token",
            "mysql",
            "shard-auth",
            "shard-data-auth",
            "metrics",
            "ca",
            "tls")) {
      assertThat(refusedBy(shardRules, shard(reserved, 0, 10)))
          .as(reserved)
          .singleElement()
          .asString()
          .startsWith("a shard id must not be one of the database's own name suffixes");
    }
    for (String fine : List.of("s1", "eu", "eu-tls", "routers", "sh-router", "tls1")) {
      assertThat(refusedBy(shardRules, shard(fine, 0, 10))).as(fine).isEmpty();
    }
  }

  @Test
  void underHashShardRangesMustLieInThe32BitHashSpace() {
    Map<String, Object> hashed = change(base(), s -> s.put("sharding", "Hash"));
    Map<String, Object> ok = change(hashed, CrdRulesTest::init);

    assertThat(refusals(null, ok)).isEmpty();
    assertThat(refusals(null, change(ok, s -> shards(s).add(shard("s9", 4294967295L, 1)))))
        .isEmpty();
    assertThat(refusals(null, change(ok, s -> shards(s).add(shard("s9", 4294967295L, 2)))))
        .containsExactly(
            "under sharding Hash, shard ranges must lie in [0, 4294967296) (32-bit hashes)");
  }

  @Test
  void theSchemaRulesRefuseAMissingNonNumberOrDuplicateKey() {
    assertThat(schemaRefusals(schema("id", "Number", "id", "name"))).as("valid schema").isEmpty();
    assertThat(schemaRefusals(schema("nope", "Number", "id", "name")))
        .contains("shardKey must be one of the columns");
    // A String shard key is the schema's to allow (under sharding: Hash, the operator checks);
    // other types cannot be keys.
    assertThat(schemaRefusals(schema("id", "String", "id", "name"))).isEmpty();
    assertThat(schemaRefusals(schema("id", "Decimal", "id", "name")))
        .containsExactly(
            "the shardKey column must have type Number, or String (under sharding: Hash)");
    // A composite primary key starts with the shard key and names Number or String columns.
    Map<String, Object> composite = schema("id", "Number", "id", "name");
    composite.put("primaryKey", List.of("id", "name"));
    assertThat(schemaRefusals(composite)).isEmpty();
    composite.put("primaryKey", List.of("name", "id"));
    assertThat(schemaRefusals(composite))
        .containsExactly(
            "primaryKey must start with the shardKey and name Number or String columns");
    composite.put("primaryKey", List.of("id", "nope"));
    assertThat(schemaRefusals(composite))
        .containsExactly(
            "primaryKey must start with the shardKey and name Number or String columns");
    assertThat(schemaRefusals(schema("id", "Number", "id", "id")))
        .containsExactly("column names must be unique");
  }

  @Test
  void otherTablesKeepTheFirstTablesRulesAndNamesAreUniqueIgnoringCase() {
    Map<String, Object> orders = schema("id", "Number", "id", "total");
    orders.put("table", "orders");
    assertThat(refusedBy(tableRules, orders)).as("valid table").isEmpty();
    Map<String, Object> byName = schema("name", "String", "id", "name");
    assertThat(refusedBy(tableRules, byName)).isEmpty();
    Map<String, Object> byFlag = schema("name", "Boolean", "id", "name");
    assertThat(refusedBy(tableRules, byFlag))
        .containsExactly(
            "the shardKey column must have type Number, or String (under sharding: Hash)");

    Map<String, Object> two = schema("id", "Number", "id", "name");
    two.put("tables", List.of(orders));
    assertThat(schemaRefusals(two)).as("two tables").isEmpty();
    Map<String, Object> upper = new LinkedHashMap<>(orders);
    upper.put("table", "ORDERS");
    Map<String, Object> twice = schema("id", "Number", "id", "name");
    twice.put("tables", List.of(orders, upper));
    assertThat(schemaRefusals(twice))
        .containsExactly("table names must be unique, ignoring case (the first table's included)");
    Map<String, Object> first = new LinkedHashMap<>(orders);
    first.put("table", "Students");
    Map<String, Object> clash = schema("id", "Number", "id", "name");
    clash.put("tables", List.of(first));
    assertThat(schemaRefusals(clash))
        .containsExactly("table names must be unique, ignoring case (the first table's included)");
  }

  @Test
  void indexesNameColumnsOfTheTableThatAreNotJsonAndUniqueNames() {
    Map<String, Object> ok = schema("id", "Number", "id", "name");
    ok.put("indexes", List.of(Map.of("name", "by_name", "columns", List.of("name", "id"))));
    assertThat(schemaRefusals(ok)).as("valid indexes").isEmpty();

    Map<String, Object> unknown = schema("id", "Number", "id", "name");
    unknown.put("indexes", List.of(Map.of("name", "i", "columns", List.of("nope"))));
    assertThat(schemaRefusals(unknown))
        .containsExactly("an index names a column of the table that is not Json");

    Map<String, Object> json = schema("id", "Number", "id", "name");
    List<Object> cols = new ArrayList<>((List<Object>) json.get("columns"));
    cols.add(Map.of("name", "doc", "type", "Json"));
    json.put("columns", cols);
    json.put("indexes", List.of(Map.of("name", "i", "columns", List.of("doc"))));
    assertThat(schemaRefusals(json))
        .containsExactly("an index names a column of the table that is not Json");

    Map<String, Object> twice = schema("id", "Number", "id", "name");
    twice.put(
        "indexes",
        List.of(
            Map.of("name", "i", "columns", List.of("name")),
            Map.of("name", "i", "columns", List.of("id"))));
    assertThat(schemaRefusals(twice)).containsExactly("index names must be unique");
  }

  @Test
  void fieldsThatCannotChangeOnceSetAreRefusedOnUpdate() {
    Map<String, Object> old = change(base(), CrdRulesTest::init);

    assertThat(
            refusals(
                old, change(old, s -> ((Map<String, Object>) s.get("schema")).put("table", "x"))))
        .containsExactly(
            "spec.schema can only gain columns (at the end, each nullable or with a default) or drop"
                + " them: the table, the shard key and a stored column's definition cannot change");
    // Columns may be added or dropped (docs/sql.md, "Changing the schema").
    assertThat(
            refusals(
                old,
                change(
                    old,
                    s ->
                        ((List<Object>) ((Map<String, Object>) s.get("schema")).get("columns"))
                            .add(
                                new java.util.LinkedHashMap<>(
                                    Map.of("name", "note", "type", "String", "nullable", true))))))
        .isEmpty();
    assertThat(
            refusals(
                old,
                change(
                    old,
                    s ->
                        ((List<Object>) ((Map<String, Object>) s.get("schema")).get("columns"))
                            .remove(1))))
        .isEmpty();
    // A stored column's definition never changes.
    assertThat(
            refusals(
                old,
                change(
                    old,
                    s ->
                        ((List<Object>) ((Map<String, Object>) s.get("schema")).get("columns"))
                            .set(
                                1,
                                new java.util.LinkedHashMap<>(
                                    Map.of("name", "name", "type", "Json"))))))
        .containsExactly(
            "spec.schema can only gain columns (at the end, each nullable or with a default) or drop"
                + " them: the table, the shard key and a stored column's definition cannot change");
    // Ranges may change: the operator moves the rows (docs/resharding.md).
    assertThat(refusals(old, change(old, s -> shards(s).get(1).put("size", 2000)))).isEmpty();
    assertThat(refusals(old, change(old, s -> s.put("sharding", "Hash"))))
        .containsExactly(
            "spec.sharding cannot change once shards exist: every row's placement depends on it");
    assertThat(refusals(old, change(old, s -> s.put("sharding", "Range")))).isEmpty();
    assertThat(refusals(base(), change(base(), s -> s.put("sharding", "Hash")))).isEmpty();
    // The size may grow: the operator expands the volumes (a shrink it refuses: CEL has no
    // quantity comparison on every server the CRD installs on).
    assertThat(refusals(old, change(old, s -> s.put("storage", Map.of("size", "2Gi"))))).isEmpty();
    assertThat(
            refusals(
                old,
                change(
                    old, s -> s.put("storage", Map.of("size", "1Gi", "storageClassName", "fast")))))
        .containsExactly(
            "spec.storage.storageClassName cannot change once set, nor spec.storage be removed:"
                + " the volumes were created in that class (spec.storage.size may grow)");
    assertThat(refusals(old, change(old, s -> s.remove("storage"))))
        .containsExactly(
            "spec.storage.storageClassName cannot change once set, nor spec.storage be removed:"
                + " the volumes were created in that class (spec.storage.size may grow)");
    assertThat(refusals(old, change(old, s -> s.put("secrets", Map.of("mysql", "other")))))
        .containsExactly(
            "spec.secrets cannot change once set: rotate credentials by editing the Secrets");
  }

  // --- evaluation ------------------------------------------------------------------------------

  /** The messages of the spec rules that refuse {@code now} (after {@code old}; null: create). */
  private List<String> refusals(Map<String, Object> old, Map<String, Object> now) {
    List<String> refused = new ArrayList<>();
    for (Rule rule : specRules) {
      if (old == null && rule.expression().contains("oldSelf")) {
        continue; // transition rules run on updates only
      }
      if (!holds(rule, now, old)) {
        refused.add(rule.message());
      }
    }
    return refused;
  }

  @Test
  void mysqlParametersAreLimitedToTuningVariablesWithPlainValues() {
    assertThat(refusedBy(mysqlRules, Map.of())).isEmpty();
    assertThat(
            refusedBy(
                mysqlRules,
                Map.of(
                    "parameters",
                    Map.of("max_connections", "300", "innodb_buffer_pool_size", "1G"))))
        .isEmpty();
    assertThat(
            refusedBy(
                mysqlRules, Map.of("parameters", Map.of("innodb_flush_log_at_trx_commit", "2"))))
        .hasSize(2)
        .anyMatch(m -> m.contains("innodb_flush_log_at_trx_commit"));
    assertThat(
            refusedBy(
                mysqlRules, Map.of("parameters", Map.of("max_connections", "1 --init-file=x"))))
        .containsExactly(
            "spec.mysql.parameters: values may hold only letters, digits and . _ + - (e.g. 256M, ON)");
    assertThat(refusedBy(mysqlRules, Map.of("parameters", Map.of("Max-Connections", "1"))))
        .contains(
            "spec.mysql.parameters: names are MySQL system variables in lower case with underscores"
                + " (e.g. max_connections)");
  }

  @Test
  void podAnnotationsUnderTheOperatorsPrefixAreRefused() {
    assertThat(refusedBy(podsRules, Map.of("annotations", Map.of("mesh/inject", "false"))))
        .isEmpty();
    assertThat(refusedBy(podsRules, Map.of("priorityClassName", "x"))).isEmpty();
    assertThat(refusedBy(podsRules, Map.of("annotations", Map.of("shardeddb.io/x", "1"))))
        .containsExactly("spec.pods.annotations: keys under shardeddb.io/ are the operator's");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aReadBoundOutsideOneMillisecondToOneHourIsRefused() {
    // The pattern (OpenAPI, checked before CEL): whole ms or s, no zero, no other unit.
    String pattern = (String) at(readsSchema, "properties", "maxStaleness", "pattern");
    assertThat(List.of("1ms", "500ms", "1s", "3600s", "3600000ms"))
        .allSatisfy(v -> assertThat(v).matches(pattern));
    assertThat(List.of("0s", "0ms", "1.5s", "1m", "-1s", "1h", "", "10000s"))
        .allSatisfy(v -> assertThat(v).doesNotMatch(pattern));
    // The CEL rule: at most 1h among what the pattern lets through.
    assertThat(refusedBy(readsRules, Map.of("maxStaleness", "3600s"))).isEmpty();
    assertThat(refusedBy(readsRules, Map.of("maxStaleness", "3600000ms"))).isEmpty();
    assertThat(refusedBy(readsRules, Map.of("consistency", "Bounded"))).isEmpty();
    assertThat(refusedBy(readsRules, Map.of("maxStaleness", "3601s")))
        .containsExactly("spec.router.reads.maxStaleness: at most 1h");
    assertThat(refusedBy(readsRules, Map.of("maxStaleness", "3600001ms")))
        .containsExactly("spec.router.reads.maxStaleness: at most 1h");
    assertThat((List<String>) at(readsSchema, "properties", "consistency", "enum"))
        .containsExactlyInAnyOrder("Primary", "Bounded");
  }

  private List<String> refusedBy(List<Rule> rules, Map<String, Object> self) {
    return rules.stream().filter(r -> !holds(r, self, null)).map(Rule::message).toList();
  }

  private List<String> schemaRefusals(Map<String, Object> schema) {
    return schemaRules.stream().filter(r -> !holds(r, schema, null)).map(Rule::message).toList();
  }

  private boolean holds(Rule rule, Object self, Object oldSelf) {
    try {
      Map<String, Object> input = new HashMap<>();
      input.put("self", self);
      input.put("oldSelf", oldSelf);
      return Boolean.TRUE.equals(
          cel.createProgram(cel.compile(rule.expression()).getAst()).eval(input));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new AssertionError("rule '" + rule.message() + "' failed: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Rule> rules(Map<String, Object> schema) {
    List<Rule> out = new ArrayList<>();
    for (Object o : (List<Object>) schema.get("x-kubernetes-validations")) {
      Map<String, Object> r = (Map<String, Object>) o;
      out.add(new Rule((String) r.get("message"), (String) r.get("rule")));
    }
    return out;
  }

  // --- specs -----------------------------------------------------------------------------------

  private static Map<String, Object> base() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("replicas", 3L);
    spec.put("storage", new LinkedHashMap<>(Map.of("size", "1Gi")));
    spec.put("secrets", new LinkedHashMap<>(Map.of("mysql", "students-mysql")));
    return spec;
  }

  private static void init(Map<String, Object> spec) {
    spec.put("schema", schema("id", "Number", "id", "name"));
    List<Object> shards = new ArrayList<>();
    shards.add(shard("s1", 0, 1000));
    shards.add(shard("s2", 1000, 1000));
    spec.put("shards", shards);
  }

  private static Map<String, Object> schema(String key, String keyType, String... columns) {
    List<Object> cols = new ArrayList<>();
    for (String c : columns) {
      cols.add(Map.of("name", c, "type", c.equals(key) ? keyType : "String"));
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("table", "students");
    schema.put("shardKey", key);
    schema.put("columns", cols);
    return schema;
  }

  private static Map<String, Object> shard(String id, long low, long size) {
    Map<String, Object> shard = new LinkedHashMap<>();
    shard.put("id", id);
    shard.put("low", low);
    shard.put("size", size);
    return shard;
  }

  /** A deep copy of {@code spec} with {@code edit} applied. */
  private static Map<String, Object> change(
      Map<String, Object> spec, Consumer<Map<String, Object>> edit) {
    Map<String, Object> copy = YAML.convertValue(spec, new TypeReference<>() {});
    longs(copy);
    edit.accept(copy);
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> shards(Map<String, Object> spec) {
    return (List<Map<String, Object>>) spec.get("shards");
  }

  /** JSON integers are CEL ints (longs); Jackson's copy turns small ones into Integer. */
  @SuppressWarnings("unchecked")
  private static Object longs(Object value) {
    if (value instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).replaceAll((k, v) -> longs(v));
    } else if (value instanceof List<?> list) {
      ((List<Object>) list).replaceAll(CrdRulesTest::longs);
    } else if (value instanceof Integer i) {
      return i.longValue();
    }
    return value;
  }

  private static Object at(Object node, Object... path) {
    for (Object step : path) {
      node = step instanceof Integer i ? ((List<?>) node).get(i) : ((Map<?, ?>) node).get(step);
    }
    return node;
  }
}
