package io.shardeddb.router.sql;

import static io.shardeddb.router.sql.SqlTranslatorTest.TRANSLATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.Index;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.List;
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
    assertThat(plan).isInstanceOf(SqlPlan.ChangeSchema.class);
    SqlPlan.ChangeSchema add = (SqlPlan.ChangeSchema) plan;
    assertThat(add.changes())
        .containsExactly(
            "added column nickname",
            "added column level",
            "added column joined",
            "added column meta",
            "added column ok");
    assertThat(
            add.next()
                .columns()
                .subList(SqlTranslatorTest.SCHEMA.columns().size(), add.next().columns().size()))
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
        .hasMessageContaining("ADD COLUMN, ADD INDEX and DROP INDEX")
        .hasMessageContaining("not an online change yet");
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

  @Test
  void indexesAreCreatedAndDroppedAsSchemaChanges() {
    SqlPlan.ChangeSchema created =
        (SqlPlan.ChangeSchema)
            TRANSLATOR.translate("CREATE INDEX by_name ON students (Stud_name, `Stud_marks`)");
    assertThat(created.next().indexes())
        .containsExactly(new Index("by_name", List.of("Stud_name", "Stud_marks")));
    assertThat(created.next().columns()).isEqualTo(SqlTranslatorTest.SCHEMA.columns());
    assertThat(created.changes()).containsExactly("added index by_name [Stud_name, Stud_marks]");
    assertThat(created.kind()).isEqualTo("alter");

    SqlPlan.ChangeSchema altered =
        (SqlPlan.ChangeSchema)
            TRANSLATOR.translate(
                "ALTER TABLE students ADD COLUMN city VARCHAR(20) NULL, ADD INDEX by_city (city)");
    assertThat(altered.next().column("city")).isNotNull();
    assertThat(altered.next().indexes()).containsExactly(new Index("by_city", List.of("city")));

    TableSchema indexed = created.next();
    SqlTranslator onIndexed = new SqlTranslator(indexed, SqlTranslatorTest.PARSER);
    SqlPlan.ChangeSchema dropped =
        (SqlPlan.ChangeSchema) onIndexed.translate("DROP INDEX by_name ON students");
    assertThat(dropped.next().indexes()).isEmpty();
    assertThat(dropped.changes()).containsExactly("dropped index by_name");
    SqlPlan.ChangeSchema droppedByAlter =
        (SqlPlan.ChangeSchema) onIndexed.translate("ALTER TABLE students DROP INDEX BY_NAME");
    assertThat(droppedByAlter.next().indexes()).isEmpty();
  }

  @Test
  void indexesThatCannotBeKeptAreRefusedNamingWhy() {
    assertThatThrownBy(() -> TRANSLATOR.translate("CREATE UNIQUE INDEX u ON students (Stud_name)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("UNIQUE indexes are not supported")
        .hasMessageContaining("unique per shard");
    assertThatThrownBy(
            () -> TRANSLATOR.translate("ALTER TABLE students ADD UNIQUE INDEX u (Stud_name)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("UNIQUE indexes are not supported");
    assertThatThrownBy(() -> TRANSLATOR.translate("CREATE INDEX i ON students (nope)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("index 'i' names column 'nope', which the table lacks");
    assertThatThrownBy(() -> TRANSLATOR.translate("CREATE INDEX i ON other (Stud_name)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("table 'other' does not exist");
    assertThatThrownBy(() -> TRANSLATOR.translate("DROP INDEX nope ON students"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(
            "index 'nope' does not exist (table students has no secondary index)");
    assertThatThrownBy(() -> TRANSLATOR.translate("DROP INDEX nope"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("DROP INDEX name ON table");
    assertThatThrownBy(() -> TRANSLATOR.translate("CREATE INDEX PRIMARY ON students (Stud_name)"))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(
            () -> TRANSLATOR.translate("CREATE INDEX a ON students (Stud_name, Stud_name)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("twice");
  }
}
