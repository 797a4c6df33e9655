package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nullable columns, defaults, and the JSON and DateTime types, as a row is coerced. */
class ColumnAttributesTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:15:30.123456Z"), ZoneOffset.UTC);

  private final TableSchema users =
      new TableSchema(
          "users",
          "id",
          List.of(
              new Column("id", ColumnType.Number),
              new Column("name", ColumnType.String, true, null, null),
              new Column("email", ColumnType.String, true, null, null),
              new Column("active", ColumnType.Boolean, null, "true", null),
              new Column("doc", ColumnType.Json, true, null, null),
              new Column("created_at", ColumnType.DateTime, null, "CURRENT_TIMESTAMP", null)));

  @Test
  void aRowThatLeavesColumnsOutGetsDefaultsAndNulls() {
    assertThat(users.validate()).isSameAs(users);
    Map<String, Object> row = users.coerceRow(Map.of("id", 7, "name", "Alice"), CLOCK);
    assertThat(row)
        .containsEntry("id", 7L)
        .containsEntry("name", "Alice")
        .containsEntry("email", null)
        .containsEntry("active", true)
        .containsEntry("doc", null)
        .containsEntry("created_at", "2026-11-26 10:15:30.123456");
    assertThat(row.keySet()).containsExactly("id", "name", "email", "active", "doc", "created_at");
  }

  @Test
  void booleansMayComeAsMysqlsOneAndZero() {
    assertThat(users.coerceRow(Map.of("id", 1, "active", 0L), CLOCK))
        .containsEntry("active", false);
    assertThat(users.coerceRow(Map.of("id", 1, "active", 1), CLOCK)).containsEntry("active", true);
    assertThatThrownBy(() -> users.coerceRow(Map.of("id", 1, "active", 2L), CLOCK))
        .hasMessage("field 'active' must be a Boolean, got '2'");
  }

  @Test
  void nullIsAValueOnlyOfNullableColumns() {
    Map<String, Object> withNull = new HashMap<>(Map.of("id", 1));
    withNull.put("email", null);
    assertThat(users.coerceRow(withNull, CLOCK)).containsEntry("email", null);
    Map<String, Object> nullActive = new HashMap<>(Map.of("id", 1));
    nullActive.put("active", null);
    assertThatThrownBy(() -> users.coerceRow(nullActive, CLOCK))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("field 'active' must not be null");
  }

  @Test
  void jsonDocumentsAreKeptAsCompactTextWhetherGivenAsTextOrAsJson() {
    assertThat(users.coerceRow(Map.of("id", 1, "doc", "{ \"a\" : [1, 2] }"), CLOCK))
        .containsEntry("doc", "{\"a\":[1,2]}");
    assertThat(users.coerceRow(Map.of("id", 1, "doc", Map.of("a", List.of(1, 2))), CLOCK))
        .containsEntry("doc", "{\"a\":[1,2]}");
    assertThatThrownBy(() -> users.coerceRow(Map.of("id", 1, "doc", "{\"a\":"), CLOCK))
        .hasMessageStartingWith("field 'doc' must be a JSON document");
    assertThatThrownBy(() -> users.coerceRow(Map.of("id", 1, "doc", "{} {}"), CLOCK))
        .hasMessageStartingWith("field 'doc' must be a JSON document");
    assertThat(JsonValues.document("{\"a\":[1,2]}")).isEqualTo(Map.of("a", List.of(1, 2)));
  }

  @Test
  void dateTimesTakeMysqlsFormsAndKeepTheSignificantFraction() {
    TableSchema t =
        new TableSchema(
            "t",
            "id",
            List.of(new Column("id", ColumnType.Number), new Column("at", ColumnType.DateTime)));
    assertThat(t.coerceRow(Map.of("id", 1, "at", "2026-01-02")))
        .containsEntry("at", "2026-01-02 00:00:00");
    assertThat(t.coerceRow(Map.of("id", 1, "at", "2026-01-02T03:04:05Z")))
        .containsEntry("at", "2026-01-02 03:04:05");
    assertThat(t.coerceRow(Map.of("id", 1, "at", "2026-01-02 03:04:05.500000")))
        .containsEntry("at", "2026-01-02 03:04:05.5");
    assertThatThrownBy(() -> t.coerceRow(Map.of("id", 1, "at", "2026-02-30 00:00:00")))
        .hasMessage(
            "field 'at' must be a DateTime (yyyy-MM-dd HH:mm:ss), got '2026-02-30 00:00:00'");
    assertThatThrownBy(() -> t.coerceRow(Map.of("id", 1, "at", "yesterday")))
        .hasMessageContaining("must be a DateTime");
    assertThatThrownBy(() -> t.coerceRow(Map.of("id", 1, "at", "0999-01-01")))
        .hasMessageContaining("years 1000 to 9999");
  }

  @Test
  void schemasWithAttributesThatCannotHoldAreRefused() {
    assertThatThrownBy(
            () ->
                new TableSchema(
                        "t", "id", List.of(new Column("id", ColumnType.Number, true, null, null)))
                    .validate())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("shard key 'id' cannot be nullable");
    assertThatThrownBy(
            () ->
                new TableSchema(
                        "t",
                        "id",
                        List.of(
                            new Column("id", ColumnType.Number),
                            new Column("n", ColumnType.Number, null, null, true)))
                    .validate())
        .hasMessage("column 'n' is AUTO_INCREMENT but only the shard key can be");
    assertThatThrownBy(
            () ->
                new TableSchema(
                        "t",
                        "id",
                        List.of(
                            new Column("id", ColumnType.Number),
                            new Column("n", ColumnType.Number, null, "CURRENT_TIMESTAMP", null)))
                    .validate())
        .hasMessage("column 'n' defaults to CURRENT_TIMESTAMP but is not a DateTime");
    assertThatThrownBy(
            () ->
                new TableSchema(
                        "t",
                        "id",
                        List.of(
                            new Column("id", ColumnType.Number),
                            new Column("n", ColumnType.Number, null, "ten", null)))
                    .validate())
        .hasMessageStartingWith("column 'n' has a default that is not its type");
  }
}
