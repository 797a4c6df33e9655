package io.shardeddb.router.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one SQL statement asks of the router, in terms of its existing operations: rows to write,
 * keys to update or delete, key ranges to read with the predicate, ordering and limit to apply to
 * what they return. Built by {@link SqlTranslator} (pure), carried out by {@link SqlExecutor}.
 */
public sealed interface SqlPlan {

  /** The statement kind, for messages and metrics. */
  String kind();

  /** {@code INSERT}: the rows, validated against the schema, in statement order. */
  record Insert(List<Map<String, Object>> rows) implements SqlPlan {
    public Insert {
      rows = List.copyOf(rows);
    }

    @Override
    public String kind() {
      return "insert";
    }
  }

  /**
   * {@code UPDATE}: set {@code assignments} on every row whose key is in {@code keys} and that
   * matches {@code where}.
   */
  record Update(KeyRanges keys, Predicate where, Map<String, Object> assignments)
      implements SqlPlan {
    public Update {
      // Not Map.copyOf: SET col = NULL is a null value.
      assignments = Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
    }

    @Override
    public String kind() {
      return "update";
    }
  }

  /**
   * {@code DELETE}: remove every row whose key is in {@code keys} and that matches {@code where}.
   */
  record Delete(KeyRanges keys, Predicate where) implements SqlPlan {
    @Override
    public String kind() {
      return "delete";
    }
  }

  /**
   * A schema change ({@code ALTER TABLE … ADD COLUMN | ADD INDEX | DROP INDEX}, {@code CREATE
   * INDEX}, {@code DROP INDEX}): the table's schema after it ({@code next}) and what changed, in
   * words ({@code changes}), applied by the operator on every shard (docs/sql.md, "Changing the
   * schema").
   */
  record ChangeSchema(List<String> changes, io.shardeddb.protocol.schema.TableSchema next)
      implements SqlPlan {
    public ChangeSchema {
      changes = List.copyOf(changes);
    }

    @Override
    public String kind() {
      return "alter";
    }
  }

  /**
   * {@code CREATE TABLE} on a database that has no table yet: {@code schema} becomes its table, on
   * the default layout (docs/sql.md, "Creating the table").
   */
  record CreateTable(io.shardeddb.protocol.schema.TableSchema schema) implements SqlPlan {
    @Override
    public String kind() {
      return "create";
    }
  }

  /** One {@code ORDER BY} key. */
  record Order(String column, boolean descending) {}

  /** One output column: the schema's column and the name it is shown under. */
  record Output(String column, String label) {}

  /**
   * The pseudo-column a SELECT names to get each row's global timestamp (the one of its last write;
   * docs/sql.md, "Row timestamps"); {@code SELECT *} leaves it out. Its {@link Output#column} is
   * {@link io.shardeddb.protocol.shard.RowTimestamps#FIELD}.
   */
  public static final String TIMESTAMP_COLUMN = "_timestamp";

  /** The field each row of a {@code /query} SELECT reply carries its global timestamp in. */
  public static final String TIMESTAMP_FIELD = "timestamp";

  /**
   * {@code SELECT}: read {@code keys}, keep rows matching {@code where}, sort by {@code orderBy},
   * skip {@code offset}, keep at most {@code limit} (null: all), and show either {@code columns}
   * or, when {@code countLabel} is set, one row holding the count under that label.
   */
  record Select(
      KeyRanges keys,
      Predicate where,
      List<Output> columns,
      String countLabel,
      List<Order> orderBy,
      long offset,
      Long limit)
      implements SqlPlan {
    public Select {
      columns = List.copyOf(columns);
      orderBy = List.copyOf(orderBy);
    }

    @Override
    public String kind() {
      return "select";
    }

    /** The names of the columns this SELECT shows, in order (the count's label for COUNT(*)). */
    public List<String> labels() {
      return countLabel != null
          ? List.of(countLabel)
          : columns.stream().map(Output::label).toList();
    }
  }
}
