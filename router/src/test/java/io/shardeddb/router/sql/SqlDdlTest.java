package io.shardeddb.router.sql;

import static io.shardeddb.router.sql.SqlTranslatorTest.TRANSLATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import org.junit.jupiter.api.Test;

/** {@code ALTER TABLE … ADD COLUMN} translated against the schema (docs/sql.md). */
class SqlDdlTest {

  @Test
  void addColumnsBecomeTheSchemaWithThemAtTheEnd() {
    SqlPlan plan =
        TRANSLATOR.translate(
            "ALTER TABLE students ADD COLUMN nickname VARCHAR(40) NULL,"
                + " ADD level INT NOT NULL DEFAULT 7, ADD `joined` DATETIME DEFAULT CURRENT_TIMESTAMP,"
                + " ADD meta JSON, ADD ok TINYINT(1) DEFAULT '1'");
    assertThat(plan).isInstanceOf(SqlPlan.AddColumns.class);
    SqlPlan.AddColumns add = (SqlPlan.AddColumns) plan;
    assertThat(add.columns())
        .containsExactly(
            new Column("nickname", ColumnType.String, true, null, null),
            new Column("level", ColumnType.Number, null, "7", null),
            new Column("joined", ColumnType.DateTime, true, Column.CURRENT_TIMESTAMP, null),
            new Column("meta", ColumnType.Json, true, null, null),
            new Column("ok", ColumnType.Boolean, true, "true", null));
    assertThat(add.next().columnNames())
        .startsWith(SqlTranslatorTest.SCHEMA.columnNames().toArray(String[]::new))
        .endsWith("nickname", "level", "joined", "meta", "ok");
    assertThat(plan.kind()).isEqualTo("alter");
  }

  @Test
  void whatIsNotAnOnlineChangeIsRefusedNamingIt() {
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students ADD c INT NOT NULL"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("added column 'c' needs NULL or a DEFAULT");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students DROP COLUMN Stud_name"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ADD COLUMN only");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE other ADD c INT"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("table 'other' does not exist");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students ADD Stud_name TEXT"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("column 'Stud_name' already exists");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students ADD c BLOB"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("type BLOB is not supported");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students ADD c INT DEFAULT 'x'"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("has a default that is not its type");
  }
}
