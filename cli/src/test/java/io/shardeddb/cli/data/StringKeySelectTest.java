package io.shardeddb.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.router.sql.SqlParser;
import io.shardeddb.router.sql.SqlPlan;
import io.shardeddb.router.sql.SqlTranslator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SELECT {@code find} sends for a String-keyed table, read back by the router's own translator
 * (the router is on the test class path): a hostile key is one literal value, equal to itself and
 * to nothing else.
 */
class StringKeySelectTest {
  private static final SchemaSpec ACCOUNTS =
      new SchemaSpec(
          "accounts",
          "username",
          List.of(
              new ColumnSpec("username", ColumnType.String),
              new ColumnSpec("visits", ColumnType.Number, true, null, null)));

  private static final List<String> HOSTILE =
      List.of(
          "o'brien",
          "''",
          "\\'",
          "back\\slash",
          "ends with a backslash\\",
          "x' OR '1'='1",
          "'; DROP TABLE accounts; --",
          "a\" OR \"\"=\"",
          "`back`tick`",
          "100%_\\%\\_",
          "? and ?",
          "/* not a comment */ # nor this -- nor this",
          "line\nbreak\rreturn\ttab",
          "nul\0and\u001actrl-z",
          "usér-14-😀",
          "日本語のキー",
          "");

  private final SqlParser parser = new SqlParser(1, 4, Duration.ofSeconds(5));
  private final SqlTranslator router = new SqlTranslator(ACCOUNTS.toTableSchema(), parser);

  @AfterEach
  void closeParser() {
    parser.close();
  }

  @Test
  void aHostileKeyIsOneLiteralThatMatchesItselfAndNoOtherKey() {
    for (String key : HOSTILE) {
      String sql = StringKeySelect.of(ACCOUNTS, key, key);

      SqlPlan.Select select = (SqlPlan.Select) router.translate(sql);

      for (String other : HOSTILE) {
        assertThat(select.where().matches(Map.of("username", other)))
            .as("%s selects %s", sql, other)
            .isEqualTo(other.equals(key));
      }
    }
  }

  @Test
  void aRangeIsInclusiveInCodePointOrder() {
    String sql = StringKeySelect.of(ACCOUNTS, "Zed", "ana'");

    SqlPlan.Select select = (SqlPlan.Select) router.translate(sql);

    assertThat(sql)
        .isEqualTo("SELECT * FROM `accounts` WHERE `username` BETWEEN 'Zed' AND 'ana\\''");
    assertThat(List.of("Zed", "Zz", "_", "ana", "ana'"))
        .allMatch(k -> select.where().matches(Map.of("username", k)));
    assertThat(List.of("ZE", "ana'x", "anb", "Ä", "zed"))
        .noneMatch(k -> select.where().matches(Map.of("username", k)));
  }

  @Test
  void oneKeyIsAnEquality() {
    assertThat(StringKeySelect.of(ACCOUNTS, "o'brien\\", "o'brien\\"))
        .isEqualTo("SELECT * FROM `accounts` WHERE `username` = 'o\\'brien\\\\'");
  }
}
