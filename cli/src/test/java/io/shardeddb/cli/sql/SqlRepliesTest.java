package io.shardeddb.cli.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlRepliesTest {
  private static final List<String> SCHEMA = List.of("Stud_id", "Stud_name", "Stud_marks");

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aReadIsATableInTheSchemasColumnOrderWithItsRowCountAndShards() {
    Map<String, Object> reply =
        row(
            "success",
            true,
            "message",
            "Read successful",
            "data",
            List.of(
                row("Stud_marks", new BigDecimal("90.5"), "Stud_name", "Alice", "Stud_id", 1),
                row("Stud_id", 4097, "Stud_name", null, "Stud_marks", 7)),
            "shards_queried",
            List.of("sh1", "sh2"));

    assertThat(SqlReplies.render(reply, SCHEMA))
        .isEqualTo(
            "STUD_ID  STUD_NAME  STUD_MARKS\n"
                + "1        Alice      90.5\n"
                + "4097     -          7\n"
                + "(2 rows from sh1, sh2)\n");
  }

  @Test
  void aReadShowsTheColumnsTheReplyNamesNotEachRowsTimestamp() {
    // The router names the SELECT's columns; the timestamp each row carries (docs/sql.md, "Row
    // timestamps") is shown only when the SELECT named it.
    Map<String, Object> reply =
        row(
            "columns",
            List.of("Stud_name", "Stud_id"),
            "data",
            List.of(row("Stud_name", "Alice", "Stud_id", 1, "timestamp", 3766009239420534784L)),
            "shards_queried",
            List.of("sh1"));
    assertThat(SqlReplies.render(reply, SCHEMA))
        .isEqualTo("STUD_NAME  STUD_ID\nAlice      1\n(1 row from sh1)\n");

    Map<String, Object> named =
        row(
            "columns",
            List.of("Stud_id", "timestamp"),
            "data",
            List.of(row("Stud_id", 1, "timestamp", 12L)));
    assertThat(SqlReplies.render(named, SCHEMA))
        .isEqualTo("STUD_ID  TIMESTAMP\n1        12\n(1 row)\n");
  }

  @Test
  void columnsOutsideTheSchemaFollowItsColumns() {
    Map<String, Object> reply =
        row("data", List.of(row("COUNT(*)", 3)), "shards_queried", List.of("sh1"));
    assertThat(SqlReplies.render(reply, SCHEMA)).isEqualTo("COUNT(*)\n3\n(1 row from sh1)\n");
    assertThat(SqlReplies.columns(List.of(row("extra", 1, "Stud_id", 2)), SCHEMA))
        .containsExactly("Stud_id", "extra");
  }

  @Test
  void anEmptyReadShowsTheSchemasHeader() {
    assertThat(SqlReplies.render(row("data", List.of()), SCHEMA))
        .isEqualTo("STUD_ID  STUD_NAME  STUD_MARKS\n(0 rows)\n");
  }

  @Test
  void aWriteIsTheRoutersMessageAndTheRowsItChanged() {
    Map<String, Object> reply =
        row(
            "success",
            true,
            "message",
            "Write successful (timestamp: 12, quorum: 3/3)",
            "rows_affected",
            1,
            "executed_on",
            "sh1/students-sh1-0");
    assertThat(SqlReplies.render(reply, SCHEMA))
        .isEqualTo(
            "Write successful (timestamp: 12, quorum: 3/3)\n"
                + "(1 row affected on sh1/students-sh1-0)\n");
    assertThat(SqlReplies.render(row("message", "Table created"), SCHEMA))
        .isEqualTo("Table created\n");
  }
}
