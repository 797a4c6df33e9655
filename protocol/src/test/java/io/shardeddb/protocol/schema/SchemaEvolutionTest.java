package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.SchemaChange;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which schema may follow which as an online change, and the Schema entry's payload. */
class SchemaEvolutionTest {
  private static final Column ID = new Column("id", ColumnType.Number);
  private static final Column NAME = new Column("name", ColumnType.String);
  private static final TableSchema V1 = new TableSchema("t", "id", List.of(ID, NAME));

  private static TableSchema v1With(Column... added) {
    List<Column> cols = new java.util.ArrayList<>(V1.columns());
    cols.addAll(List.of(added));
    return new TableSchema("t", "id", cols);
  }

  @Test
  void nullableOrDefaultedColumnsAtTheEndFollow() {
    assertThat(V1.evolutionRefusal(v1With(new Column("n", ColumnType.String, true, null, null))))
        .isNull();
    assertThat(V1.evolutionRefusal(v1With(new Column("q", ColumnType.Number, null, "5", null))))
        .isNull();
    assertThat(V1.evolutionRefusal(V1)).isNull();
  }

  @Test
  void everythingElseIsRefusedNamingTheColumn() {
    assertThat(V1.evolutionRefusal(v1With(new Column("q", ColumnType.Number))))
        .contains("added column 'q' needs NULL or a DEFAULT");
    assertThat(V1.evolutionRefusal(new TableSchema("t", "id", List.of(NAME, ID))))
        .contains("column 'id' moves");
    assertThat(
            V1.evolutionRefusal(
                new TableSchema("t", "id", List.of(ID, new Column("name", ColumnType.Json)))))
        .contains("column 'name' changes type String -> Json");
    assertThat(V1.evolutionRefusal(new TableSchema("u", "id", V1.columns())))
        .contains("renaming is not supported");
    assertThat(V1.evolutionRefusal(v1With(new Column("a", ColumnType.Number, true, null, true))))
        .contains("cannot be AUTO_INCREMENT");
  }

  @Test
  void aColumnMayBeDroppedUnlessAnIndexNamesIt() {
    Column note = new Column("note", ColumnType.String, true, null, null);
    TableSchema three = v1With(note);
    // Dropped, and one added at the end in the same change.
    TableSchema dropped = new TableSchema("t", "id", List.of(ID, note));
    assertThat(three.evolutionRefusal(dropped)).isNull();
    assertThat(dropped.dropped(three)).containsExactly(NAME);
    assertThat(
            three.evolutionRefusal(
                new TableSchema(
                    "t",
                    "id",
                    List.of(ID, note, new Column("x", ColumnType.Number, true, null, null)))))
        .isNull();
    // The kept columns keep their order.
    assertThat(three.evolutionRefusal(new TableSchema("t", "id", List.of(note, ID))))
        .contains("moves");
    TableSchema indexed = three.withIndexes(List.of(new Index("by_name", List.of("name"))));
    assertThat(indexed.evolutionRefusal(dropped.withIndexes(indexed.indexes()))).isNotNull();
    // A row coerced before the drop loses the column; its added ones get their defaults.
    Map<String, Object> old = three.coerceRow(Map.of("id", 1, "name", "a", "note", "n"));
    assertThat(dropped.isComplete(old)).isFalse();
    assertThat(dropped.completeRow(old, Clock.systemUTC())).containsOnlyKeys("id", "note");
    assertThat(dropped.withoutDropped(Map.of("name", "b", "note", "m"))).containsOnlyKeys("note");
  }

  @Test
  void aRowCoercedBeforeTheChangeGetsTheAddedDefaults() {
    TableSchema v2 =
        v1With(
            new Column("n", ColumnType.String, true, null, null),
            new Column("at", ColumnType.DateTime, null, Column.CURRENT_TIMESTAMP, null));
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
    Map<String, Object> row = v2.completeRow(V1.coerceRow(Map.of("id", 1, "name", "a")), clock);
    assertThat(row).containsEntry("n", null);
    assertThat(row.get("at")).isEqualTo("2026-11-26 10:00:00");
  }

  @Test
  void theEntrysPayloadCarriesTheWholeSchemaAndItsVersion() {
    TableSchema v2 = v1With(new Column("q", ColumnType.Number, null, "5", null));
    SchemaChange change = new SchemaChange(2, v2);
    assertThat(SchemaChange.ofPayload(change.payload())).isEqualTo(change);
  }
}
