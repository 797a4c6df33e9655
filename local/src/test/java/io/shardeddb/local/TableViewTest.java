package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.local.TableView.Column;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableViewTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-22T14:05:30Z");
  private static final List<Column> COLUMNS =
      List.of(
          new Column(
              "Ready", "string", "", "", 0, ".status.conditions[?(@.type==\"Ready\")].status"),
          new Column(
              "Resharding",
              "string",
              "",
              "",
              0,
              ".status.conditions[?(@.type==\"Resharding\")].status"),
          new Column("Shards", "integer", "", "", 0, ".status.shardCount"),
          new Column("Sharding", "string", "", "", 0, ".spec.sharding"),
          new Column("Age", "date", "date-time", "", 0, ".metadata.creationTimestamp"));

  private static JsonNode students() throws Exception {
    return JSON.readTree(
        """
        {"apiVersion":"shardeddb.io/v1alpha1","kind":"ShardedDatabase",
         "metadata":{"name":"students","namespace":"default","resourceVersion":"7",
                     "creationTimestamp":"2026-11-22T14:00:00Z"},
         "spec":{"sharding":"Hash"},
         "status":{"shardCount":4,"conditions":[
           {"type":"Ready","status":"True"},{"type":"Resharding","status":"False"}]}}
        """);
  }

  @Test
  void kubectlsTableAcceptHeaderAsksForATableAndPlainJsonDoesNot() {
    assertThat(
            TableView.wanted(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                    + "g=meta.k8s.io,application/json"))
        .isTrue();
    assertThat(TableView.wanted("application/json")).isFalse();
    assertThat(TableView.wanted("application/json;as=Table;v=v1beta1;g=meta.k8s.io")).isFalse();
    assertThat(TableView.wanted(null)).isFalse();
  }

  @Test
  void aRowHasTheNameThenEachPrinterColumnTypedAsTheCrdSays() throws Exception {
    JsonNode table = TableView.table(COLUMNS, List.of(students()), "9", "Metadata", NOW);

    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("9");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Ready", "Resharding", "Shards", "Sharding", "Age");
    JsonNode row = table.path("rows").get(0);
    assertThat(row.path("cells").toString())
        .isEqualTo("[\"students\",\"True\",\"False\",4,\"Hash\",\"5m30s\"]");
    assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row.path("object").path("metadata").path("name").asText()).isEqualTo("students");
  }

  @Test
  void anAbsentValueIsANullCellAndIncludeObjectDecidesTheRowsObject() throws Exception {
    JsonNode bare =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"new\",\"creationTimestamp\":\"2026-11-22T14:05:00Z\"}}");

    JsonNode none = TableView.table(COLUMNS, List.of(bare), "", "None", NOW);
    assertThat(none.path("rows").get(0).path("cells").toString())
        .isEqualTo("[\"new\",null,null,null,null,\"30s\"]");
    assertThat(none.path("rows").get(0).has("object")).isFalse();

    JsonNode full = TableView.table(COLUMNS, List.of(bare), "", "Object", NOW);
    assertThat(full.path("rows").get(0).path("object")).isEqualTo(bare);
  }

  @Test
  void aCrdWithoutColumnsGetsAgeAsKubeApiserverGivesIt() throws Exception {
    JsonNode table = TableView.table(List.of(), List.of(students()), "", "None", NOW);

    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Age");
  }

  @Test
  void jsonPathFindsFieldsIndexesAndEqualityFilters() throws Exception {
    JsonNode db = students();

    assertThat(TableView.find(db, ".metadata.name")).map(JsonNode::asText).contains("students");
    assertThat(TableView.find(db, ".status.conditions[1].type"))
        .map(JsonNode::asText)
        .contains("Resharding");
    assertThat(TableView.find(db, ".status['shardCount']")).map(JsonNode::asInt).contains(4);
    assertThat(TableView.find(db, ".status.conditions[?(@.type=='Ready')].status"))
        .map(JsonNode::asText)
        .contains("True");
    assertThat(TableView.find(db, ".status.conditions[?(@.type==\"Degraded\")].status")).isEmpty();
    assertThat(TableView.find(db, ".spec.nothing.here")).isEmpty();
  }

  @Test
  void agesReadAsKubectlPrintsThem() {
    assertThat(TableView.humanDuration(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
    assertThat(TableView.humanDuration(Duration.ofSeconds(0))).isEqualTo("0s");
    assertThat(TableView.humanDuration(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(TableView.humanDuration(Duration.ofSeconds(180))).isEqualTo("3m");
    assertThat(TableView.humanDuration(Duration.ofSeconds(200))).isEqualTo("3m20s");
    assertThat(TableView.humanDuration(Duration.ofMinutes(45))).isEqualTo("45m");
    assertThat(TableView.humanDuration(Duration.ofMinutes(5 * 60 + 7))).isEqualTo("5h7m");
    assertThat(TableView.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(TableView.humanDuration(Duration.ofHours(3 * 24 + 2))).isEqualTo("3d2h");
    assertThat(TableView.humanDuration(Duration.ofDays(100))).isEqualTo("100d");
    assertThat(TableView.humanDuration(Duration.ofDays(3 * 365 + 4))).isEqualTo("3y4d");
  }
}
