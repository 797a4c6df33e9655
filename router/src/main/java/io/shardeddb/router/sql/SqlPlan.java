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
   * {@code CREATE TABLE}: on a database that has no table yet, {@code schema} becomes its table, on
   * the default layout (docs/sql.md, "Creating the table"); on one that has tables, {@code schema}
   * is added to them, on every shard (docs/sql.md, "More tables").
   */
  record CreateTable(io.shardeddb.protocol.schema.TableSchema schema) implements SqlPlan {
    @Override
    public String kind() {
      return "create";
    }
  }

  /**
   * {@code DROP TABLE}: table {@code table}, one created after the first, is dropped on every shard
   * with its rows ({@code exists} false: {@code IF EXISTS} of a table that is not there, nothing to
   * do).
   */
  record DropTable(String table, boolean exists) implements SqlPlan {
    @Override
    public String kind() {
      return "drop";
    }
  }

  /**
   * A {@code SELECT} of two tables joined on their shard keys (docs/sql.md, "Joins"): {@code
   * select} is the SELECT over the joined rows, rows of {@code view} (columns {@code
   * qualifier.column}; its keys are the keys both sides read); {@code left} and {@code right} are
   * read over those keys, each keeping the rows its own conditions allow, and meet by shard key
   * ({@code leftOuter}: a left row without a match is kept, its right columns NULL).
   */
  record Join(
      Select select,
      io.shardeddb.protocol.schema.TableSchema view,
      JoinSide left,
      JoinSide right,
      boolean leftOuter)
      implements SqlPlan {
    @Override
    public String kind() {
      return "select";
    }
  }

  /**
   * One table of a {@link Join}: its schema, the name its columns are qualified by (the alias, or
   * the table's name), and the WHERE's conditions on it alone, in its own column names (pushed to
   * the shards; {@link Predicate.Always} when none).
   */
  record JoinSide(
      io.shardeddb.protocol.schema.TableSchema table, String qualifier, Predicate where) {}

  /**
   * {@code EXPLAIN} of a SELECT ({@code of}: a {@link Select} or a {@link Join}): which shards it
   * asks, how, what the router does with their rows, and the index each shard's MariaDB would use
   * (docs/sql.md, "EXPLAIN"). Reads no rows.
   */
  record Explain(SqlPlan of) implements SqlPlan {
    /** The result's columns ({@code id, shard, table, access, …, key, rows, Extra}). */
    public static final List<String> COLUMNS = SqlExplain.COLUMNS;

    /** Of {@link #COLUMNS}, those holding numbers ({@code id}, {@code rows}); the rest are text. */
    public static final List<String> NUMBER_COLUMNS = SqlExplain.NUMBER_COLUMNS;

    @Override
    public String kind() {
      return "explain";
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
   * {@code SELECT}: read {@code keys}, keep rows matching {@code where}, then either — without
   * {@code grouping} — sort them by {@code orderBy}, skip {@code offset}, keep at most {@code
   * limit} (null: all) and show {@code columns}, or, when {@code countLabel} is set, one row
   * holding the count under that label; or — with {@code grouping} (GROUP BY, aggregates, DISTINCT)
   * — fold them into one row per group, then sort those by {@code orderBy} (which names output
   * labels), skip and limit.
   */
  record Select(
      KeyRanges keys,
      Predicate where,
      List<Output> columns,
      String countLabel,
      List<Order> orderBy,
      long offset,
      Long limit,
      Grouping grouping)
      implements SqlPlan {
    public Select {
      columns = List.copyOf(columns);
      orderBy = List.copyOf(orderBy);
    }

    /** A SELECT without GROUP BY, aggregates other than a lone COUNT(*), or DISTINCT. */
    public Select(
        KeyRanges keys,
        Predicate where,
        List<Output> columns,
        String countLabel,
        List<Order> orderBy,
        long offset,
        Long limit) {
      this(keys, where, columns, countLabel, orderBy, offset, limit, null);
    }

    @Override
    public String kind() {
      return "select";
    }

    /** The names of the columns this SELECT shows, in order (the count's label for COUNT(*)). */
    public List<String> labels() {
      if (grouping != null) {
        return grouping.items().stream().map(Item::label).toList();
      }
      return countLabel != null
          ? List.of(countLabel)
          : columns.stream().map(Output::label).toList();
    }
  }

  /** An aggregate function of a grouped SELECT. */
  enum Aggregate {
    COUNT,
    SUM,
    MIN,
    MAX,
    AVG
  }

  /**
   * One output column of a grouped SELECT: a column it groups by ({@code aggregate} null) or an
   * aggregate over {@code column} ({@code null} for {@code COUNT(*)}), shown as {@code label}.
   */
  record Item(Aggregate aggregate, String column, String label) {}

  /**
   * A SELECT's {@code GROUP BY} (or {@code DISTINCT}, which groups by every column it shows): the
   * columns rows are grouped by ({@code by}; empty: all matching rows are one group, which yields
   * one row even when none matched, as SQL's aggregates do) and the items shown for each group.
   */
  record Grouping(List<String> by, List<Item> items) {
    public Grouping {
      by = List.copyOf(by);
      items = List.copyOf(items);
    }
  }
}
