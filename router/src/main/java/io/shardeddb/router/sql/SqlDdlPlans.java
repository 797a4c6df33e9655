package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSet;

/**
 * What a DDL plan asks of the database's tables (pure): the tables after it — the one set the
 * operator is asked for, whichever table the statement changes, creates or drops (docs/sql.md,
 * "Changing the schema", "More tables") — and the words of its reply.
 */
final class SqlDdlPlans {
  private SqlDdlPlans() {}

  /** The reply of a DDL statement that changes nothing, or null when it changes something. */
  static String nothingToDo(SqlPlan plan) {
    return switch (plan) {
      case SqlPlan.ChangeSchema change when change.changes().isEmpty() ->
          // CREATE TABLE IF NOT EXISTS naming an existing table.
          "Table " + change.next().table() + " already exists";
      case SqlPlan.DropTable drop when !drop.exists() ->
          "Table " + drop.table() + " does not exist (IF EXISTS): nothing dropped";
      default -> null;
    };
  }

  /** The statement's kind in the words of a refusal ("CREATE TABLE", "A schema change ..."). */
  static String statement(SqlPlan plan) {
    return switch (plan) {
      case SqlPlan.CreateTable create -> "CREATE TABLE";
      case SqlPlan.DropTable drop -> "DROP TABLE";
      default -> "A schema change (ALTER TABLE, CREATE or DROP INDEX)";
    };
  }

  /**
   * The database's tables after {@code plan}: the table created (after the others), altered (in its
   * place) or dropped; a 400 naming why when the tables cannot take it ({@link
   * TableSet#refusal(TableSet.Step)}).
   */
  static TableSet tablesAfter(TableSet tables, SqlPlan plan) {
    if (tables == null) {
      throw new InvalidRequestException("database is not configured yet: it has no table");
    }
    TableSet.Step step =
        switch (plan) {
          case SqlPlan.CreateTable create -> new TableSet.Step(create.schema(), false);
          case SqlPlan.ChangeSchema change -> new TableSet.Step(change.next(), false);
          case SqlPlan.DropTable drop -> {
            var gone = tables.tableOrNull(drop.table());
            if (gone == null) {
              throw new InvalidRequestException("unknown table '" + drop.table() + "'");
            }
            yield new TableSet.Step(gone, true);
          }
          default -> throw new IllegalArgumentException("not DDL: " + plan.kind());
        };
    String refusal = tables.refusal(step);
    if (refusal != null) {
      throw new InvalidRequestException(step.describe(tables) + ": " + refusal);
    }
    return tables.after(step);
  }

  /** The reply once every shard applied {@code plan}, at schema version {@code version}. */
  static String done(SqlPlan plan, long version) {
    return switch (plan) {
      case SqlPlan.CreateTable create ->
          "Table "
              + create.schema().table()
              + " created on every shard (schema version "
              + version
              + ")";
      case SqlPlan.DropTable drop ->
          "Table " + drop.table() + " dropped on every shard (schema version " + version + ")";
      case SqlPlan.ChangeSchema change ->
          "Table "
              + change.next().table()
              + " altered: schema version "
              + version
              + " on every shard ("
              + String.join(", ", change.changes())
              + ")";
      default -> throw new IllegalArgumentException("not DDL: " + plan.kind());
    };
  }
}
