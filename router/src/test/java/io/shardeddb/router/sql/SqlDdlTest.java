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
  void dropColumnIsAnOnlineChange() {
    SqlPlan.ChangeSchema plan =
        (SqlPlan.ChangeSchema) TRANSLATOR.translate("ALTER TABLE students DROP COLUMN Stud_name");
    assertThat(plan.next().column("Stud_name")).isNull();
    assertThat(plan.next().columns()).hasSize(SqlTranslatorTest.SCHEMA.columns().size() - 1);
    assertThat(plan.changes()).containsExactly("dropped column Stud_name");
  }

  @Test
  void whatIsNotAnOnlineChangeIsRefusedNamingIt() {
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students ADD c INT NOT NULL"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("added column 'c' needs NULL or a DEFAULT");
    assertThatThrownBy(
            () -> TRANSLATOR.translate("ALTER TABLE students RENAME COLUMN Stud_name TO n"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not an online change yet");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students DROP COLUMN Stud_id"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("is the shard key and cannot be dropped");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE students DROP COLUMN nope"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown column 'nope'");
    assertThatThrownBy(() -> TRANSLATOR.translate("ALTER TABLE other ADD c INT"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown table 'other'");
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
        .hasMessageContaining("unknown table 'other'");
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

  @Test
  void createTableOnADatabaseWithoutATableIsItsSchema() {
    SqlTranslator none = new SqlTranslator((TableSchema) null, SqlTranslatorTest.PARSER);
    SqlPlan plan =
        none.translate(
            "CREATE TABLE IF NOT EXISTS `users` (id BIGINT NOT NULL AUTO_INCREMENT, name"
                + " VARCHAR(100) NOT NULL, email VARCHAR(100), created_at TIMESTAMP DEFAULT"
                + " CURRENT_TIMESTAMP, PRIMARY KEY (id), KEY by_email (email)) ENGINE=InnoDB"
                + " DEFAULT CHARSET=utf8mb4");
    assertThat(plan).isInstanceOf(SqlPlan.CreateTable.class);
    TableSchema users = ((SqlPlan.CreateTable) plan).schema();
    assertThat(users)
        .isEqualTo(
            new TableSchema(
                "users",
                "id",
                List.of(
                    new Column("id", ColumnType.Number, null, null, true),
                    new Column("name", ColumnType.String, null, null, null),
                    new Column("email", ColumnType.String, true, null, null),
                    new Column(
                        "created_at", ColumnType.DateTime, true, Column.CURRENT_TIMESTAMP, null)),
                List.of(new Index("by_email", List.of("email")))));
    assertThat(plan.kind()).isEqualTo("create");
    // The inline form of the seed's table.
    TableSchema inline =
        ((SqlPlan.CreateTable)
                none.translate(
                    "CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100),"
                        + " email VARCHAR(100))"))
            .schema();
    assertThat(inline.shardKey()).isEqualTo("id");
    assertThat(inline.column("id").isAutoIncrement()).isTrue();

    // Anything but CREATE TABLE on a database without a table: 409, as before.
    assertThatThrownBy(() -> none.translate("SELECT * FROM users"))
        .isInstanceOf(io.shardeddb.router.ApiException.class)
        .hasMessageContaining("database is not configured yet");
  }

  @Test
  void createTableThatCannotBeStoredIsRefusedNamingWhy() {
    SqlTranslator none = new SqlTranslator((TableSchema) null, SqlTranslatorTest.PARSER);
    assertThatThrownBy(() -> none.translate("CREATE TABLE t (a INT, b INT)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("needs a PRIMARY KEY");
    // A composite key: the shard key is its first column; both are NOT NULL.
    TableSchema composite =
        ((SqlPlan.CreateTable)
                none.translate("CREATE TABLE t (a INT, b VARCHAR(9), c JSON, PRIMARY KEY (a, b))"))
            .schema();
    assertThat(composite.shardKey()).isEqualTo("a");
    assertThat(composite.keyColumns()).containsExactly("a", "b");
    assertThat(composite.column("b").isNullable()).isFalse();
    assertThatThrownBy(() -> none.translate("CREATE TABLE t (a INT, c JSON, PRIMARY KEY (a, c))"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("primary key column 'c' must be an integer or string");
    assertThatThrownBy(() -> none.translate("CREATE TABLE t (a INT, PRIMARY KEY (a, a))"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("names a column twice");
    assertThatThrownBy(
            () ->
                none.translate("CREATE TABLE t (a INT, b INT AUTO_INCREMENT, PRIMARY KEY (a, b))"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only the primary key's first column can be");
    assertThatThrownBy(() -> none.translate("CREATE TABLE t (a DECIMAL(5,2) PRIMARY KEY)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("must be an integer or string (VARCHAR, CHAR, TEXT) column");
    assertThatThrownBy(
            () -> none.translate("CREATE TABLE t (a VARCHAR(10) AUTO_INCREMENT PRIMARY KEY)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only a Number key can be AUTO_INCREMENT");
    // A string primary key is the shard key (a Hash database's: LayoutPlannerTest).
    TableSchema byName =
        ((SqlPlan.CreateTable) none.translate("CREATE TABLE t (a VARCHAR(10) PRIMARY KEY, b JSON)"))
            .schema();
    assertThat(byName.shardKey()).isEqualTo("a");
    assertThat(byName.hasStringKey()).isTrue();
    assertThatThrownBy(
            () -> none.translate("CREATE TABLE t (a INT PRIMARY KEY, e VARCHAR(9) UNIQUE)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("UNIQUE indexes are not supported");
    assertThatThrownBy(
            () -> none.translate("CREATE TABLE t (a INT PRIMARY KEY, b INT AUTO_INCREMENT)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only the primary key's first column can be");

    // A database with a table: the same name IF NOT EXISTS changes nothing, else a 400.
    SqlPlan same =
        TRANSLATOR.translate("CREATE TABLE IF NOT EXISTS students (Stud_id INT PRIMARY KEY)");
    assertThat(same).isInstanceOf(SqlPlan.ChangeSchema.class);
    assertThat(((SqlPlan.ChangeSchema) same).changes()).isEmpty();
    assertThatThrownBy(() -> TRANSLATOR.translate("CREATE TABLE students (a INT PRIMARY KEY)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("table 'students' already exists");
    // Another name: another table (SqlMoreTablesTest).
    assertThat(TRANSLATOR.translate("CREATE TABLE other (a INT PRIMARY KEY)"))
        .isInstanceOf(SqlPlan.CreateTable.class);
  }
}
