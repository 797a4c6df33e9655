package io.shardeddb.protocol.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Creator;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.SchemaDoc;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The user's table: its name, the shard key (a Number column, or a String column under {@code
 * sharding: Hash}; the primary key), the columns in order and its secondary indexes (absent from
 * the JSON when there are none, so a schema without indexes reads and writes as before them). Names
 * are checked against a strict identifier pattern so they can be quoted safely in SQL.
 *
 * <p>Why this file is over 450 lines: it is the one definition of what a row of the table is —
 * validation, coercion of whole and partial rows, defaults, and which schema may follow which as an
 * online change (added, dropped and indexed columns) — and every copy, the router and the operator
 * must read those rules from one place.
 */
@Serdeable
public record TableSchema(
    String table,
    String shardKey,
    List<Column> columns,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Index> indexes,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> primaryKey) {

  /** Letters, digits and underscores, starting with a letter or underscore, at most 64 chars. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /**
   * The most columns a table may have. With String stored as TEXT (a 20-byte pointer when it moves
   * off the row), 200 columns of any types stay far below InnoDB's 8,126-byte in-page row limit and
   * MySQL's 65,535-byte row limit, so every schema that validates can be created.
   */
  public static final int MAX_COLUMNS = 200;

  /**
   * The longest table name: the shard-server stores the table under a prefix (apart from its own
   * tables) and MySQL names have at most 64 characters.
   */
  public static final int MAX_TABLE_NAME = 56;

  /** The most secondary indexes a table may have. */
  public static final int MAX_INDEXES = 16;

  /** The most columns a composite primary key may have. */
  public static final int MAX_KEY_COLUMNS = 8;

  /**
   * {@code primaryKey} names the primary key's columns when it has several, the shard key first
   * (rows of one shard key stay on one shard); empty — and absent from the JSON, so a schema keyed
   * by one column reads and writes as before composite keys — when the shard key alone is the
   * primary key. A list naming just the shard key is that too.
   */
  @Creator
  public TableSchema {
    columns = columns == null ? List.of() : List.copyOf(columns);
    indexes = indexes == null ? List.of() : List.copyOf(indexes);
    primaryKey =
        primaryKey == null
                || primaryKey.isEmpty()
                || (primaryKey.size() == 1
                    && primaryKey.get(0) != null
                    && primaryKey.get(0).equals(shardKey))
            ? List.of()
            : java.util.Collections.unmodifiableList(new ArrayList<>(primaryKey));
  }

  /** A table keyed by its shard key alone. */
  public TableSchema(String table, String shardKey, List<Column> columns, List<Index> indexes) {
    this(table, shardKey, columns, indexes, List.of());
  }

  /** A table without secondary indexes. */
  public TableSchema(String table, String shardKey, List<Column> columns) {
    this(table, shardKey, columns, List.of());
  }

  /** This schema with {@code columns} instead; the indexes and primary key as they are. */
  public TableSchema withColumns(List<Column> columns) {
    return new TableSchema(table, shardKey, columns, indexes, primaryKey);
  }

  /** This schema with {@code indexes} instead. */
  public TableSchema withIndexes(List<Index> indexes) {
    return new TableSchema(table, shardKey, columns, indexes, primaryKey);
  }

  /** This schema with the primary key {@code columns} (the shard key first). */
  public TableSchema withPrimaryKey(List<String> columns) {
    return new TableSchema(table, shardKey, this.columns, indexes, columns);
  }

  /**
   * The primary key's columns in order: the shard key alone, or a composite key's columns (the
   * shard key first).
   */
  @JsonIgnore
  public List<String> keyColumns() {
    return primaryKey.isEmpty() ? List.of(shardKey) : primaryKey;
  }

  /** Whether the primary key has several columns (key values are tuples, {@link ShardKeys}). */
  @JsonIgnore
  public boolean hasCompositeKey() {
    return !primaryKey.isEmpty();
  }

  /** Whether {@code name} is one of the primary key's columns. */
  public boolean isKeyColumn(String name) {
    return keyColumns().contains(name);
  }

  /**
   * The key value of {@code row}: its shard key's value, or for a composite key the tuple of its
   * key columns' values ({@link ShardKeys}); fails naming a missing key column.
   */
  public Object keyOf(Map<String, ?> row) {
    if (!hasCompositeKey()) {
      return coerceKey(row.get(shardKey));
    }
    List<Object> tuple = new ArrayList<>(primaryKey.size());
    for (String name : primaryKey) {
      tuple.add(coerceKeyColumn(name, row.get(name)));
    }
    return ShardKeys.normalize(tuple);
  }

  /**
   * Why {@code values} (an update's, coerced) would change the key of the row with {@code key}, or
   * null when they leave every key column as it is.
   */
  public String keyChangeRefusal(Object key, Map<String, ?> values) {
    for (Map.Entry<String, Object> k : keyRow(key).entrySet()) {
      Object sent = values.get(k.getKey());
      if (sent != null && !sent.equals(k.getValue())) {
        return k.getKey()
            + " ("
            + k.getValue()
            + ") cannot change to "
            + sent
            + "; a row's key cannot change";
      }
    }
    return null;
  }

  /**
   * The row of {@code key}'s key columns alone (the shard key's value, or each value of a composite
   * key's tuple under its column), as a key-only update carries it.
   */
  public Map<String, Object> keyRow(Object key) {
    Map<String, Object> row = new LinkedHashMap<>();
    if (!hasCompositeKey()) {
      row.put(shardKey, key);
      return row;
    }
    List<?> tuple = (List<?>) coerceKey(key);
    for (int i = 0; i < primaryKey.size(); i++) {
      row.put(primaryKey.get(i), tuple.get(i));
    }
    return row;
  }

  /** A key column's value as a key value (Long or String, a String's length checked). */
  private Object coerceKeyColumn(String name, Object value) {
    if (value == null) {
      throw new InvalidRequestException("missing field '" + name + "'");
    }
    Column c = column(name);
    return keyValue(name, c.type().coerce(name, value));
  }

  /** The index with this name (any case, as MySQL compares index names), or null. */
  public Index index(String name) {
    for (Index i : indexes) {
      if (i.name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return null;
  }

  /**
   * Builds a schema from the assignment's {@code {"columns":[..],"dtypes":[..]}}. The shard key is
   * {@code shardKey} when given, else the first column (the assignment's {@code Stud_id}).
   */
  public static TableSchema fromContract(String table, String shardKey, SchemaDoc doc) {
    if (doc == null || doc.columns() == null || doc.dtypes() == null) {
      throw new InvalidRequestException("schema must have 'columns' and 'dtypes'");
    }
    if (doc.columns().size() > MAX_COLUMNS) {
      throw new InvalidRequestException(
          "schema has "
              + doc.columns().size()
              + " columns; at most "
              + MAX_COLUMNS
              + " are allowed");
    }
    if (doc.columns().size() != doc.dtypes().size()) {
      throw new InvalidRequestException(
          "schema has "
              + doc.columns().size()
              + " columns but "
              + doc.dtypes().size()
              + " dtypes; they must match one to one");
    }
    List<Column> cols = new ArrayList<>();
    for (int i = 0; i < doc.columns().size(); i++) {
      cols.add(new Column(doc.columns().get(i), ColumnType.parse(doc.dtypes().get(i))));
    }
    String key = shardKey != null ? shardKey : cols.isEmpty() ? null : cols.get(0).name();
    TableSchema schema = new TableSchema(table, key, cols);
    schema.validate();
    return schema;
  }

  /** The assignment's {@code {"columns":[..],"dtypes":[..]}} view of this schema. */
  public SchemaDoc toContract() {
    return new SchemaDoc(
        columns.stream().map(Column::name).toList(),
        columns.stream().map(c -> c.type().name()).toList());
  }

  /**
   * Checks names, uniqueness and that the shard key is a Number or String column; fails naming the
   * issue. Whether a String key's sharding is {@code Hash} is {@link #shardingRefusal}'s.
   */
  public TableSchema validate() {
    requireIdentifier("table", table);
    if (table.length() > MAX_TABLE_NAME) {
      throw new InvalidRequestException(
          "table name '" + table + "' is longer than " + MAX_TABLE_NAME + " characters");
    }
    if (columns.isEmpty()) {
      throw new InvalidRequestException("schema must have at least one column");
    }
    if (columns.size() > MAX_COLUMNS) {
      throw new InvalidRequestException(
          "schema has " + columns.size() + " columns; at most " + MAX_COLUMNS + " are allowed");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      if (c == null) {
        throw new InvalidRequestException("schema column " + i + " must not be null");
      }
      requireIdentifier("column", c.name());
      if (c.type() == null) {
        throw new InvalidRequestException("column '" + c.name() + "' has no type");
      }
      if (!seen.add(c.name().toLowerCase(java.util.Locale.ROOT))) {
        throw new InvalidRequestException("column '" + c.name() + "' is listed twice");
      }
    }
    Column key = column(shardKey);
    if (key == null) {
      throw new InvalidRequestException("shard key '" + shardKey + "' is not a column");
    }
    if (key.type() != ColumnType.Number && key.type() != ColumnType.String) {
      throw new InvalidRequestException(
          "shard key '" + shardKey + "' must be a Number or String column, not " + key.type());
    }
    if (key.type() == ColumnType.String && key.isAutoIncrement()) {
      throw new InvalidRequestException(
          "shard key '" + shardKey + "' is a String: only a Number key can be AUTO_INCREMENT");
    }
    for (Column c : columns) {
      validateAttributes(c, c == key);
    }
    validatePrimaryKey();
    validateIndexes();
    return this;
  }

  /**
   * A composite primary key: 2 to {@value #MAX_KEY_COLUMNS} distinct columns, the shard key first
   * (rows are placed by it), each a NOT NULL Number or String column without a default.
   */
  private void validatePrimaryKey() {
    if (primaryKey.isEmpty()) {
      return;
    }
    if (primaryKey.size() > MAX_KEY_COLUMNS) {
      throw new InvalidRequestException(
          "primary key has "
              + primaryKey.size()
              + " columns; at most "
              + MAX_KEY_COLUMNS
              + " are allowed");
    }
    if (!shardKey.equals(primaryKey.get(0))) {
      throw new InvalidRequestException(
          "primary key ("
              + String.join(", ", primaryKey)
              + ") must start with the shard key '"
              + shardKey
              + "' (rows are placed by it)");
    }
    Set<String> seen = new HashSet<>();
    for (String name : primaryKey) {
      Column c = name == null ? null : column(name);
      if (c == null) {
        throw new InvalidRequestException("primary key column '" + name + "' is not a column");
      }
      if (!seen.add(name)) {
        throw new InvalidRequestException("primary key names column '" + name + "' twice");
      }
      if (c.type() != ColumnType.Number && c.type() != ColumnType.String) {
        throw new InvalidRequestException(
            "primary key column '" + name + "' must be a Number or String column, not " + c.type());
      }
      if (c.isNullable()) {
        throw new InvalidRequestException("primary key column '" + name + "' cannot be nullable");
      }
      if (c.defaultValue() != null) {
        throw new InvalidRequestException(
            "primary key column '" + name + "' cannot have a default");
      }
    }
  }

  private void validateIndexes() {
    if (indexes.size() > MAX_INDEXES) {
      throw new InvalidRequestException(
          "table has " + indexes.size() + " indexes; at most " + MAX_INDEXES + " are allowed");
    }
    Set<String> names = new HashSet<>();
    for (Index i : indexes) {
      if (i == null) {
        throw new InvalidRequestException("an index must not be null");
      }
      requireIdentifier("index", i.name());
      if (i.name().equalsIgnoreCase("PRIMARY")) {
        throw new InvalidRequestException(
            "index name 'PRIMARY' is the primary key's (the shard key); choose another name");
      }
      if (!names.add(i.name().toLowerCase(java.util.Locale.ROOT))) {
        throw new InvalidRequestException("index '" + i.name() + "' is listed twice");
      }
      if (i.columns().isEmpty() || i.columns().size() > Index.MAX_COLUMNS) {
        throw new InvalidRequestException(
            "index '" + i.name() + "' must name 1 to " + Index.MAX_COLUMNS + " columns");
      }
      Set<String> seen = new HashSet<>();
      for (String name : i.columns()) {
        Column c = column(name);
        if (c == null) {
          throw new InvalidRequestException(
              "index '" + i.name() + "' names column '" + name + "', which the table lacks");
        }
        if (!seen.add(name)) {
          throw new InvalidRequestException(
              "index '" + i.name() + "' names column '" + name + "' twice");
        }
        if (c.type() == ColumnType.Json) {
          throw new InvalidRequestException(
              "index '"
                  + i.name()
                  + "' is on Json column '"
                  + name
                  + "': a JSON document cannot be indexed whole");
        }
      }
    }
  }

  private static void validateAttributes(Column c, boolean shardKey) {
    if (shardKey && c.isNullable()) {
      throw new InvalidRequestException("shard key '" + c.name() + "' cannot be nullable");
    }
    if (shardKey && c.defaultValue() != null) {
      throw new InvalidRequestException(
          "shard key '" + c.name() + "' cannot have a default (AUTO_INCREMENT generates it)");
    }
    if (c.isAutoIncrement() && !shardKey) {
      throw new InvalidRequestException(
          "column '" + c.name() + "' is AUTO_INCREMENT but only the shard key can be");
    }
    if (c.defaultValue() == null) {
      return;
    }
    if (c.defaultsToNow()) {
      if (c.type() != ColumnType.DateTime) {
        throw new InvalidRequestException(
            "column '" + c.name() + "' defaults to CURRENT_TIMESTAMP but is not a DateTime");
      }
      return;
    }
    try {
      c.type().coerce(c.name(), c.defaultValue());
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(
          "column '" + c.name() + "' has a default that is not its type: " + e.getMessage());
    }
  }

  /** The column with this exact name, or null. */
  public Column column(String name) {
    for (Column c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The column names in order. */
  @JsonIgnore
  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /**
   * Validates a full row (every column present, no unknown column, right types) and returns it with
   * Java values in column order.
   */
  public Map<String, Object> coerceRow(Map<String, ?> row) {
    return coerce(row, true, Clock.systemUTC());
  }

  /** {@link #coerceRow(Map)} with {@code CURRENT_TIMESTAMP} defaults read from {@code clock}. */
  public Map<String, Object> coerceRow(Map<String, ?> row, Clock clock) {
    return coerce(row, true, clock);
  }

  /**
   * Validates a partial row (only known columns, right types; the shard key may be absent), as used
   * by updates.
   */
  public Map<String, Object> coercePartialRow(Map<String, ?> row) {
    return coerce(row, false, Clock.systemUTC());
  }

  /**
   * Converts a shard key value to its key value ({@link ShardKeys}): a Number key's as a Long (a
   * numeric string accepted), a String key's as a String of at most {@value
   * ShardKeys#MAX_STRING_KEY} characters; fails naming the key.
   */
  public Object coerceKey(Object value) {
    if (value == null) {
      throw new InvalidRequestException("missing field '" + shardKey + "'");
    }
    if (!hasCompositeKey()) {
      return keyValue(shardKey, keyType().coerce(shardKey, value));
    }
    if (!(value instanceof List<?> tuple) || tuple.size() != primaryKey.size()) {
      throw new InvalidRequestException(
          "table "
              + table
              + "'s primary key is ("
              + String.join(", ", primaryKey)
              + "): a key names a value for each of them, not "
              + value);
    }
    List<Object> out = new ArrayList<>(tuple.size());
    for (int i = 0; i < tuple.size(); i++) {
      out.add(coerceKeyColumn(primaryKey.get(i), tuple.get(i)));
    }
    return ShardKeys.normalize(out);
  }

  /** The shard key's type: Number or String. */
  @JsonIgnore
  public ColumnType keyType() {
    Column key = column(shardKey);
    return key == null ? ColumnType.Number : key.type();
  }

  /** Whether the shard key is a String column. */
  @JsonIgnore
  public boolean hasStringKey() {
    return keyType() == ColumnType.String;
  }

  /**
   * Why this table cannot be placed under {@code sharding}, or null: a String shard key has no
   * place on a numeric range, so it needs {@code Hash} (rows are placed by the key's hash).
   */
  public String shardingRefusal(io.shardeddb.protocol.topology.Sharding sharding) {
    if (hasStringKey()
        && io.shardeddb.protocol.topology.Sharding.orDefault(sharding)
            != io.shardeddb.protocol.topology.Sharding.Hash) {
      return "table "
          + table
          + "'s shard key '"
          + shardKey
          + "' is a String: it needs sharding: Hash (set spec.sharding: Hash before the table)";
    }
    return null;
  }

  /** This schema, or the {@link #shardingRefusal} as an {@link InvalidRequestException}. */
  public TableSchema requirePlaceableUnder(io.shardeddb.protocol.topology.Sharding sharding) {
    String refusal = shardingRefusal(sharding);
    if (refusal != null) {
      throw new InvalidRequestException(refusal);
    }
    return this;
  }

  /** A coerced key column's value, a String's length checked. */
  private Object keyValue(String name, Object coerced) {
    if (coerced instanceof String s && s.codePointCount(0, s.length()) > ShardKeys.MAX_STRING_KEY) {
      throw new InvalidRequestException(
          (name.equals(shardKey) ? "shard key '" : "key column '")
              + name
              + "' is "
              + s.codePointCount(0, s.length())
              + " characters long; at most "
              + ShardKeys.MAX_STRING_KEY
              + " are allowed");
    }
    return coerced;
  }

  private Map<String, Object> coerce(Map<String, ?> row, boolean full, Clock clock) {
    if (row == null) {
      throw new InvalidRequestException("row must be a JSON object");
    }
    for (String name : row.keySet()) {
      if (column(name) == null) {
        throw new InvalidRequestException(
            "unknown column '" + name + "' (table " + table + " has " + columnNames() + ")");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Column c : columns) {
      if (!row.containsKey(c.name())) {
        if (full && !c.isAutoIncrement()) {
          out.put(c.name(), absent(c, clock));
        }
        continue;
      }
      Object v = row.get(c.name());
      Object value = v == null && c.isNullable() ? null : c.type().coerce(c.name(), v);
      out.put(c.name(), isKeyColumn(c.name()) ? keyValue(c.name(), value) : value);
    }
    return out;
  }

  /**
   * Why {@code next} cannot follow this schema as an online change, or null when it can: the same
   * table and shard key; this schema's columns that {@code next} keeps unchanged and in their order
   * at its start (a column may be dropped: not the shard key, and no index of {@code next} may name
   * it), then the added columns, each nullable or with a default (rows written before it read as
   * that), never AUTO_INCREMENT. Indexes may be added and dropped; one kept under its name keeps
   * its columns. Renaming or retyping a column is not an online change.
   */
  public String evolutionRefusal(TableSchema next) {
    if (next == null) {
      return "the new schema is missing";
    }
    if (!table.equals(next.table())) {
      return "the table is '" + table + "', not '" + next.table() + "' (renaming is not supported)";
    }
    if (!shardKey.equals(next.shardKey())) {
      return "the shard key is '" + shardKey + "' and cannot change to '" + next.shardKey() + "'";
    }
    if (!keyColumns().equals(next.keyColumns())) {
      return "the primary key is ("
          + String.join(", ", keyColumns())
          + ") and cannot change to ("
          + String.join(", ", next.keyColumns())
          + ")";
    }
    int kept = 0;
    for (Column was : columns) {
      Column now = next.column(was.name());
      if (now == null) {
        // Dropped: the shard key cannot be (checked above: next names it), nor an indexed column.
        for (Index i : next.indexes()) {
          if (i.columns().contains(was.name())) {
            return "column '"
                + was.name()
                + "' is dropped but index '"
                + i.name()
                + "' names it: drop the index first";
          }
        }
        continue;
      }
      String what = null;
      if (!next.columns().get(kept).name().equals(was.name())) {
        what = "column '" + was.name() + "' moves";
      } else if (now.type() != was.type()) {
        what = "column '" + was.name() + "' changes type " + was.type() + " -> " + now.type();
      } else if (!now.equals(was)) {
        what = "column '" + was.name() + "' changes its nullable, default or autoIncrement";
      }
      if (what != null) {
        return what
            + ": the stored columns "
            + columnNames()
            + " stay as they are, in order (a column may be dropped); only adding columns at the"
            + " end is an online change";
      }
      kept++;
    }
    for (Index i : indexes) {
      Index now = next.index(i.name());
      if (now != null && !now.columns().equals(i.columns())) {
        return "index '"
            + i.name()
            + "' changes its columns "
            + i.columns()
            + " -> "
            + now.columns()
            + ": drop it and create it under another name";
      }
    }
    for (Column c : next.added(this)) {
      if (c.isAutoIncrement()) {
        return "added column '" + c.name() + "' cannot be AUTO_INCREMENT";
      }
      if (!c.isNullable() && c.defaultValue() == null) {
        return "added column '"
            + c.name()
            + "' needs NULL or a DEFAULT: the rows already stored have no value for it";
      }
    }
    return null;
  }

  /**
   * {@code row} (coerced under an earlier version of this schema) with every column it lacks set as
   * a full row leaving it out would be (its default, or null), read from {@code clock} for {@code
   * CURRENT_TIMESTAMP}. Values present are kept as they are.
   */
  public Map<String, Object> completeRow(Map<String, Object> row, Clock clock) {
    if (isComplete(row)) {
      return row;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Column c : columns) {
      if (row.containsKey(c.name())) {
        out.put(c.name(), row.get(c.name()));
      } else if (!c.isAutoIncrement()) {
        out.put(c.name(), absent(c, clock));
      }
    }
    return out;
  }

  /**
   * Whether {@code row} has exactly this schema's columns (a row coerced under an earlier version
   * may lack an added column or hold a dropped one).
   */
  public boolean isComplete(Map<String, Object> row) {
    if (row.size() != columns.size()) {
      return false;
    }
    for (Column c : columns) {
      if (!row.containsKey(c.name())) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code values} (some columns of a row, coerced under an earlier version of this schema) without
   * the columns this schema no longer has (dropped since); the same map when it has none.
   */
  public Map<String, Object> withoutDropped(Map<String, Object> values) {
    boolean all = true;
    for (String name : values.keySet()) {
      all &= column(name) != null;
    }
    if (all) {
      return values;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (column(k) != null) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** The columns of this schema that {@code before} lacks, in order (the added ones). */
  public List<Column> added(TableSchema before) {
    List<Column> out = new ArrayList<>();
    for (Column c : columns) {
      if (before.column(c.name()) == null) {
        out.add(c);
      }
    }
    return out;
  }

  /** The columns of {@code before} that this schema lacks, in order (the dropped ones). */
  public List<Column> dropped(TableSchema before) {
    List<Column> out = new ArrayList<>();
    for (Column c : before.columns()) {
      if (column(c.name()) == null) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * The value the rows stored before column {@code c} was added read as: its default ({@code
   * CURRENT_TIMESTAMP}: {@code now}), or null.
   */
  public static Object backfillOf(Column c, Clock now) {
    if (c.defaultValue() == null) {
      return null;
    }
    return absent(c, now);
  }

  /** The value a full row gets for a column it leaves out: the default, null, or a 400. */
  private static Object absent(Column c, Clock clock) {
    if (c.defaultsToNow()) {
      return DateTimes.now(clock);
    }
    if (c.defaultValue() != null) {
      return c.type().coerce(c.name(), c.defaultValue());
    }
    if (c.isNullable()) {
      return null;
    }
    throw new InvalidRequestException("missing field '" + c.name() + "'");
  }

  private static void requireIdentifier(String what, String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new InvalidRequestException(
          what
              + " name '"
              + name
              + "' is not allowed (use letters, digits and '_', starting with a letter, at most"
              + " 64 characters)");
    }
  }
}
