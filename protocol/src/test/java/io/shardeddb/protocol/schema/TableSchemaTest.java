package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.SchemaDoc;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableSchemaTest {
  private final TableSchema students =
      TableSchema.fromContract(
          "students",
          null,
          new SchemaDoc(
              List.of("Stud_id", "Stud_name", "Stud_marks"),
              List.of("Number", "String", "Number")));

  @Test
  void firstColumnIsTheShardKeyByDefault() {
    assertThat(students.shardKey()).isEqualTo("Stud_id");
    assertThat(students.toContract().dtypes()).containsExactly("Number", "String", "Number");
  }

  @Test
  void fullRowIsCoercedInColumnOrderAndKeyMayBeAString() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_marks", 27);
    row.put("Stud_name", "GHI");
    row.put("Stud_id", "2255");
    assertThat(students.coerceRow(row))
        .containsExactly(
            Map.entry("Stud_id", 2255L),
            Map.entry("Stud_name", "GHI"),
            Map.entry("Stud_marks", 27L));
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(() -> students.coerceRow(Map.of("Stud_id", 1, "Stud_name", "a")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("missing field 'Stud_marks'");
    assertThatThrownBy(
            () ->
                students.coerceRow(
                    Map.of("Stud_id", 1, "Stud_name", "a", "Stud_marks", 2, "Age", 3)))
        .hasMessageContaining("unknown column 'Age'");
    assertThatThrownBy(
            () -> students.coerceRow(Map.of("Stud_id", 1.5, "Stud_name", "a", "Stud_marks", 2)))
        .hasMessage("field 'Stud_id' must be a Number (integer), got '1.5'");
    assertThatThrownBy(
            () -> students.coerceRow(Map.of("Stud_id", 1, "Stud_name", 7, "Stud_marks", 2)))
        .hasMessage("field 'Stud_name' must be a String, got '7'");
  }

  @Test
  void partialRowsMayOmitColumns() {
    assertThat(students.coercePartialRow(Map.of("Stud_marks", "30")))
        .containsExactly(Map.entry("Stud_marks", 30L));
  }

  @Test
  void moreTypesBeyondTheAssignment() {
    assertThat(ColumnType.Decimal.coerce("price", "12.50")).isEqualTo(new BigDecimal("12.50"));
    assertThat(ColumnType.Boolean.coerce("active", "true")).isEqualTo(true);
    assertThat(ColumnType.parse("decimal")).isEqualTo(ColumnType.Decimal);
    assertThatThrownBy(() -> ColumnType.parse("Blob")).hasMessageContaining("unknown dtype 'Blob'");
  }

  @Test
  void unsafeNamesAreRejected() {
    assertThatThrownBy(
            () ->
                TableSchema.fromContract(
                    "students",
                    null,
                    new SchemaDoc(
                        List.of("id", "name`; DROP TABLE x"), List.of("Number", "String"))))
        .hasMessageContaining("column name 'name`; DROP TABLE x' is not allowed");
    assertThatThrownBy(
            () ->
                TableSchema.fromContract(
                    "bad-table", null, new SchemaDoc(List.of("id"), List.of("Number"))))
        .hasMessageContaining("table name 'bad-table'");
  }

  @Test
  void shardKeyMustBeANumberOrStringColumn() {
    assertThat(
            TableSchema.fromContract(
                    "t", "name", new SchemaDoc(List.of("id", "name"), List.of("Number", "String")))
                .hasStringKey())
        .isTrue();
    assertThatThrownBy(
            () ->
                TableSchema.fromContract(
                    "t", "gpa", new SchemaDoc(List.of("id", "gpa"), List.of("Number", "Decimal"))))
        .hasMessage("shard key 'gpa' must be a Number or String column, not Decimal");
    assertThatThrownBy(
            () ->
                TableSchema.fromContract(
                    "t", "nope", new SchemaDoc(List.of("id"), List.of("Number"))))
        .hasMessage("shard key 'nope' is not a column");
  }

  @Test
  void columnsAndDtypesMustMatch() {
    assertThatThrownBy(
            () ->
                TableSchema.fromContract(
                    "t", null, new SchemaDoc(List.of("a", "b"), List.of("Number"))))
        .hasMessageContaining("2 columns but 1 dtypes");
  }

  @Test
  void schemasThatCannotBeCreatedAreRefusedUpFront() {
    List<String> names = new java.util.ArrayList<>(List.of("id"));
    List<String> types = new java.util.ArrayList<>(List.of("Number"));
    for (int i = 1; i < TableSchema.MAX_COLUMNS; i++) {
      names.add("c" + i);
      types.add("String");
    }
    assertThat(TableSchema.fromContract("wide", null, new SchemaDoc(names, types)).columns())
        .hasSize(TableSchema.MAX_COLUMNS);
    names.add("one_more");
    types.add("String");
    assertThatThrownBy(() -> TableSchema.fromContract("wide", null, new SchemaDoc(names, types)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("schema has 201 columns; at most 200 are allowed");
    assertThatThrownBy(
            () ->
                TableSchema.fromContract(
                    "t".repeat(57), null, new SchemaDoc(List.of("id"), List.of("Number"))))
        .hasMessageContaining("is longer than 56 characters");
  }
}
