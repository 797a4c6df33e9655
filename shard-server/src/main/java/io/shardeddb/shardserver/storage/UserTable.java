package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.Index;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * SQL for the user's table. Names come from a validated {@link TableSchema} and are always quoted;
 * values only ever travel as bound parameters. The table is stored as {@code user_<name>}, apart
 * from the shard-server's own tables, so no schema can make a write or a delete reach them.
 *
 * <p>Why this file is over 450 lines: every SQL statement that names the user's table is here, so
 * the rule that keeps user input out of SQL text (quoted names from the validated schema, values
 * only as bound parameters) is reviewed in one place. A row's values on the Java side (read, wire
 * form, checksum text) are apart, in {@link RowValues}.
 */
public final class UserTable {
  /**
   * The hidden column holding each row's global timestamp: the one of the log entry that last wrote
   * it (docs/timestamps.md, "Rows"; 0 for rows written before it existed). Its name is no
   * identifier a schema can have ({@link TableSchema#IDENTIFIER}), and no statement that answers
   * with the schema's columns selects it.
   */
  public static final String TIMESTAMP_COLUMN = "$global_ts";

  private static final int CHUNK = 1000;
  private final TableSchema schema;
  private final String table;
  private final String physicalName;

  /** The shard key's column, quoted: placement and a read's bounds are on it. */
  private final String key;

  /** The primary key's columns, quoted, joined by commas: what a key read selects and orders by. */
  private final String keyList;

  /** The primary key as one SQL value: the shard key, or a row constructor of a composite key. */
  private final String keyTuple;

  /** The placeholders of one key value: {@code ?}, or {@code (?, ?)} for a composite key. */
  private final String keyMark;

  private final String columnList;
  private final String stampedColumnList;
  private final RowValues rowValues;

  public UserTable(TableSchema schema) {
    this.schema = schema.validate();
    this.rowValues = new RowValues(this.schema);
    this.physicalName = DatabaseNames.userTable(schema.table());
    this.table = quote(physicalName);
    this.key = quote(schema.shardKey());
    this.keyList =
        schema.keyColumns().stream().map(UserTable::quote).collect(Collectors.joining(", "));
    this.keyTuple = schema.hasCompositeKey() ? "(" + keyList + ")" : key;
    this.keyMark =
        schema.hasCompositeKey()
            ? "("
                + String.join(", ", java.util.Collections.nCopies(schema.keyColumns().size(), "?"))
                + ")"
            : "?";
    this.columnList =
        schema.columns().stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    this.stampedColumnList = columnList + ", " + quote(TIMESTAMP_COLUMN);
  }

  public TableSchema schema() {
    return schema;
  }

  /** The table's name in MySQL. */
  public String physicalName() {
    return physicalName;
  }

  /**
   * Creates the table if it does not exist; the primary key is the shard key (or a composite key's
   * columns, the shard key first). A table left under the bare name by an older shard-server is
   * renamed instead, so an upgrade keeps its rows.
   */
  public void create(Connection c) throws SQLException {
    if (!exists(c, physicalName)
        && DatabaseNames.isLegacyUserTable(schema.table())
        && exists(c, schema.table())) {
      try (Statement s = c.createStatement()) {
        s.execute("RENAME TABLE " + quote(schema.table()) + " TO " + table);
      }
      addMissingColumns(c);
      return;
    }
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (");
    for (Column col : schema.columns()) {
      boolean isKey = schema.isKeyColumn(col.name());
      sql.append(quote(col.name()))
          .append(' ')
          .append(isKey ? keySqlType(col) : col.type().sqlType());
      sql.append(isKey ? " NOT NULL, " : " NULL, ");
    }
    sql.append(quote(TIMESTAMP_COLUMN)).append(" BIGINT NOT NULL DEFAULT 0, ");
    sql.append("PRIMARY KEY (").append(keyList).append(")) ENGINE = InnoDB");
    try (Statement s = c.createStatement()) {
      s.execute(sql.toString());
    }
    addMissingColumns(c);
    syncIndexes(c);
  }

  /**
   * A Schema entry: adds the columns of this table's schema the stored table lacks (a DDL, which
   * MySQL commits on its own — so the caller runs this first in its transaction, and an attempt
   * that failed after it finds the columns there and adds nothing), then gives the rows stored so
   * far the value {@code backfill} holds for each column {@code before} lacked (its default), in
   * the caller's transaction, so the change and the entry commit together.
   */
  public void alter(Connection c, TableSchema before, Map<String, Object> backfill)
      throws SQLException {
    // Indexes first: an index the new schema drops may name a column it drops.
    syncIndexes(c);
    dropColumns(c, schema.dropped(before));
    addMissingColumns(c);
    syncIndexes(c);
    for (Column col : schema.columns()) {
      Object value = backfill.get(col.name());
      if (before.column(col.name()) != null || value == null) {
        continue;
      }
      String name = quote(col.name());
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE " + table + " SET " + name + " = ? WHERE " + name + " IS NULL")) {
        ps.setObject(1, value);
        ps.executeUpdate();
      }
    }
  }

  /**
   * {@code ALTER TABLE … DROP COLUMN} of {@code dropped} those the stored table still has (a retry
   * after a crash between the DDL, which MySQL commits on its own, and the entry finds them gone).
   */
  private void dropColumns(Connection c, List<Column> dropped) throws SQLException {
    if (dropped.isEmpty()) {
      return;
    }
    java.util.Set<String> stored = storedColumns(c);
    List<String> drops = new ArrayList<>();
    for (Column col : dropped) {
      if (stored.contains(col.name().toLowerCase(java.util.Locale.ROOT))) {
        drops.add("DROP COLUMN " + quote(col.name()));
      }
    }
    if (drops.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " " + String.join(", ", drops));
    }
  }

  /**
   * {@code ALTER TABLE … ADD COLUMN} of the schema's columns the stored table does not have, and of
   * the hidden {@link #TIMESTAMP_COLUMN} to a table created before it (InnoDB adds a column with a
   * default in place; the rows stored so far read 0: no timestamp known).
   */
  private void addMissingColumns(Connection c) throws SQLException {
    java.util.Set<String> stored = storedColumns(c);
    List<String> adds = new ArrayList<>();
    if (!stored.contains(TIMESTAMP_COLUMN)) {
      adds.add("ADD COLUMN " + quote(TIMESTAMP_COLUMN) + " BIGINT NOT NULL DEFAULT 0");
    }
    for (Column col : schema.columns()) {
      if (!stored.contains(col.name().toLowerCase(java.util.Locale.ROOT))) {
        adds.add("ADD COLUMN " + quote(col.name()) + " " + col.type().sqlType() + " NULL");
      }
    }
    if (adds.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " " + String.join(", ", adds));
    }
  }

  /** The stored table's column names, lower case. */
  private java.util.Set<String> storedColumns(Connection c) throws SQLException {
    java.util.Set<String> stored = new java.util.HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = DATABASE() AND table_name = ?")) {
      ps.setString(1, physicalName);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return stored;
  }

  /**
   * Makes the stored table's secondary indexes the schema's: an index the schema lacks is dropped,
   * one it names and the table lacks (or has on other columns) is built, in one {@code ALTER TABLE}
   * (InnoDB builds it in place while rows stay readable; a DDL, committed on its own). A String
   * column is indexed by its first {@value #TEXT_PREFIX} characters (a TEXT column has no
   * whole-value index). Nothing to change: no statement.
   */
  void syncIndexes(Connection c) throws SQLException {
    Map<String, List<String>> stored = new java.util.LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT index_name, column_name FROM information_schema.statistics"
                + " WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'"
                + " ORDER BY index_name, seq_in_index")) {
      ps.setString(1, physicalName);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored
              .computeIfAbsent(
                  rs.getString(1).toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
              .add(rs.getString(2).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    List<String> changes = new ArrayList<>();
    java.util.Set<String> wanted = new java.util.HashSet<>();
    for (Index index : schema.indexes()) {
      String name = index.name().toLowerCase(java.util.Locale.ROOT);
      wanted.add(name);
      List<String> on =
          index.columns().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
      List<String> has = stored.get(name);
      if (on.equals(has)) {
        continue;
      }
      if (has != null) {
        changes.add("DROP INDEX " + quote(index.name()));
      }
      changes.add(
          "ADD INDEX "
              + quote(index.name())
              + " ("
              + index.columns().stream().map(this::indexPart).collect(Collectors.joining(", "))
              + ")");
    }
    for (String name : stored.keySet()) {
      if (!wanted.contains(name)) {
        changes.add("DROP INDEX " + quote(name));
      }
    }
    if (changes.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " " + String.join(", ", changes));
    }
  }

  /** How many leading characters of a String column an index holds. */
  static final int TEXT_PREFIX = 191;

  private String indexPart(String column) {
    Column col = schema.column(column);
    return quote(column)
        + (col != null && col.type() == ColumnType.String ? "(" + TEXT_PREFIX + ")" : "");
  }

  private static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM information_schema.tables"
                + " WHERE table_schema = DATABASE() AND table_name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Inserts rows (already coerced, in column order); fails on a duplicate key. Each row is stored
   * with the timestamp it carries ({@link RowTimestamps#FIELD}: a snapshot's rows), or 0.
   */
  public void insert(Connection c, List<Map<String, Object>> rows) throws SQLException {
    write(c, rows, null, false);
  }

  /** Inserts rows or replaces the ones whose key exists, as {@link #insert} stamps them. */
  public void upsert(Connection c, List<Map<String, Object>> rows) throws SQLException {
    write(c, rows, null, true);
  }

  /**
   * Inserts ({@code replace}: or replaces) rows, row {@code i} with the global timestamp {@code
   * timestamps[i]} (null: each row's own {@link RowTimestamps#FIELD}, or 0).
   */
  public void write(
      Connection c, List<Map<String, Object>> rows, List<Long> timestamps, boolean replace)
      throws SQLException {
    // Chunks keep each statement well under MySQL's 65535 bound parameters.
    for (int from = 0; from < rows.size(); from += CHUNK) {
      int to = Math.min(rows.size(), from + CHUNK);
      writeChunk(
          c,
          rows.subList(from, to),
          timestamps == null ? null : timestamps.subList(from, to),
          replace);
    }
  }

  private void writeChunk(
      Connection c, List<Map<String, Object>> rows, List<Long> timestamps, boolean replace)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(writeSql(rows.size(), replace))) {
      List<Object> values = values(rows, timestamps);
      for (int i = 0; i < values.size(); i++) {
        ps.setObject(i + 1, values.get(i));
      }
      ps.executeUpdate();
    }
  }

  /** As {@link #insert} or {@link #upsert}, but added to statements sent in one round trip. */
  void addWrites(
      FoldedStatements folded,
      List<Map<String, Object>> rows,
      List<Long> timestamps,
      boolean replace)
      throws SQLException {
    for (int from = 0; from < rows.size(); from += CHUNK) {
      int to = Math.min(rows.size(), from + CHUNK);
      List<Map<String, Object>> part = rows.subList(from, to);
      folded.add(
          writeSql(part.size(), replace),
          values(part, timestamps == null ? null : timestamps.subList(from, to)));
    }
  }

  private List<Object> values(List<Map<String, Object>> rows, List<Long> timestamps) {
    List<Object> values = new ArrayList<>(rows.size() * (schema.columns().size() + 1));
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      for (Column col : schema.columns()) {
        values.add(row.get(col.name()));
      }
      values.add(timestamps == null ? RowTimestamps.of(row, 0) : timestamps.get(i));
    }
    return values;
  }

  private String writeSql(int rowCount, boolean replace) {
    String placeholders =
        "(" + schema.columns().stream().map(col -> "?").collect(Collectors.joining(", ")) + ", ?)";
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(table)
            .append(" (")
            .append(stampedColumnList)
            .append(") VALUES ");
    for (int i = 0; i < rowCount; i++) {
      sql.append(i == 0 ? "" : ", ").append(placeholders);
    }
    if (replace) {
      sql.append(" ON DUPLICATE KEY UPDATE ");
      sql.append(
          schema.columns().stream()
              .map(col -> quote(col.name()) + " = VALUES(" + quote(col.name()) + ")")
              .collect(Collectors.joining(", ")));
      sql.append(", ")
          .append(quote(TIMESTAMP_COLUMN))
          .append(" = VALUES(")
          .append(quote(TIMESTAMP_COLUMN))
          .append(")");
    }
    return sql.toString();
  }

  /** The keys among {@code keys} that already have a row. */
  public List<Object> existingKeys(Connection c, Collection<?> keys) throws SQLException {
    List<Object> all = new ArrayList<>(keys);
    List<Object> found = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      found.addAll(existingChunk(c, all.subList(from, Math.min(all.size(), from + CHUNK))));
    }
    return found;
  }

  /**
   * A {@code SELECT} of the keys among {@code keys} (at most {@link #CHUNK} of them) that have a
   * row, as five columns that line up with a request-id lookup in a {@code UNION ALL}: {@code (1,
   * NULL, key, NULL, NULL)}.
   */
  String existingKeysUnionPart(int keys, String tag) {
    String in = String.join(", ", java.util.Collections.nCopies(keys, keyMark));
    // The tag names the table in the result (a lower-case identifier, so safe as a literal).
    String tagged = tag == null ? "NULL" : "'" + DatabaseNames.requireValid(tag) + "'";
    return "SELECT 1, "
        + tagged
        + ", "
        + (schema.hasCompositeKey() ? hexKeyList() : key)
        + ", NULL, NULL FROM "
        + table
        + " WHERE "
        + keyTuple
        + " IN ("
        + in
        + ")";
  }

  /**
   * The parameters {@code keys} bind as, in order: each key value, a composite key's values one by
   * one.
   */
  public List<Object> keyParams(Collection<?> keys) {
    List<Object> out = new ArrayList<>();
    for (Object k : keys) {
      addKeyParams(out, k);
    }
    return out;
  }

  private void addKeyParams(List<Object> out, Object k) {
    if (schema.hasCompositeKey()) {
      if (!(k instanceof List<?> tuple) || tuple.size() != schema.keyColumns().size()) {
        throw new IllegalArgumentException(
            "table " + schema.table() + " is keyed by (" + keyList + "), not by " + k);
      }
      out.addAll(tuple);
    } else {
      out.add(k);
    }
  }

  /**
   * A composite key as one text column: each value's {@code HEX} (a BIGINT's two's complement, a
   * string's UTF-8 bytes), comma-separated — no escaping to get wrong.
   */
  private String hexKeyList() {
    return "CONCAT_WS(',', "
        + schema.keyColumns().stream()
            .map(n -> "HEX(" + quote(n) + ")")
            .collect(Collectors.joining(", "))
        + ")";
  }

  /**
   * A key value from the text {@link #existingKeysUnionPart} selects (UNION's common type): a
   * String or Number key's own text, a composite key's {@link #hexKeyList}.
   */
  public Object keyFromText(String text) {
    if (!schema.hasCompositeKey()) {
      return schema.coerceKey(text);
    }
    String[] parts = text.split(",", -1);
    List<Object> tuple = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      boolean isString =
          schema.column(schema.keyColumns().get(i)).type()
              == io.shardeddb.protocol.schema.ColumnType.String;
      tuple.add(
          isString
              ? new String(
                  java.util.HexFormat.of().parseHex(parts[i]),
                  java.nio.charset.StandardCharsets.UTF_8)
              : (Object) Long.parseUnsignedLong(parts[i], 16));
    }
    return ShardKeys.normalize(tuple);
  }

  /** How many keys one {@link #existingKeysUnionPart} may hold. */
  static int keysPerPart() {
    return CHUNK;
  }

  private List<Object> existingChunk(Connection c, List<Object> keys) throws SQLException {
    String in = keys.stream().map(k -> keyMark).collect(Collectors.joining(", "));
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + keyList + " FROM " + table + " WHERE " + keyTuple + " IN (" + in + ")")) {
      int i = 1;
      for (Object v : keyParams(keys)) {
        ps.setObject(i++, v);
      }
      List<Object> found = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(keyAt(rs, 1));
        }
      }
      return found;
    }
  }

  /**
   * Sets the given columns of the row with {@code k}, and its global timestamp to {@code
   * timestamp}; returns how many rows matched (0 or 1). An update that sets no column (an import's
   * hand-over of a request id, values of a column dropped since) changes nothing, its timestamp
   * included.
   */
  public int update(Connection c, Object k, Map<String, Object> values, long timestamp)
      throws SQLException {
    Map<String, Object> set = new LinkedHashMap<>(values);
    schema.keyColumns().forEach(set::remove);
    set.remove(RowTimestamps.FIELD);
    if (set.isEmpty()) {
      return existingKeys(c, List.of(k)).size();
    }
    String assignments =
        set.keySet().stream().map(n -> quote(n) + " = ?, ").collect(Collectors.joining(""))
            + quote(TIMESTAMP_COLUMN)
            + " = ?";
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + table + " SET " + assignments + " WHERE " + keyTuple + " = " + keyMark)) {
      int i = 1;
      for (Object v : set.values()) {
        ps.setObject(i++, v);
      }
      ps.setLong(i++, timestamp);
      for (Object v : keyParams(List.of(k))) {
        ps.setObject(i++, v);
      }
      return ps.executeUpdate();
    }
  }

  /** Deletes the row with {@code k}; returns how many rows were removed (0 or 1). */
  public int delete(Connection c, Object k) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + table + " WHERE " + keyTuple + " = " + keyMark)) {
      int i = 1;
      for (Object v : keyParams(List.of(k))) {
        ps.setObject(i++, v);
      }
      return ps.executeUpdate();
    }
  }

  /**
   * Deletes the rows whose point (under {@code sharding}) lies in {@code range}; returns how many.
   * Under {@code Range} one statement on the key; under {@code Hash} the keys are read and their
   * points computed here (MySQL has no 64-bit wrapping multiply for the hash).
   */
  public long deletePoints(Connection c, Sharding sharding, PointRange range) throws SQLException {
    if (sharding == Sharding.Range) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM " + table + " WHERE " + key + " >= ? AND " + key + " < ?")) {
        ps.setLong(1, range.low());
        ps.setLong(2, range.highExclusive());
        return ps.executeUpdate();
      }
    }
    List<Object> doomed = keysWithPoints(c, sharding, range);
    long n = 0;
    for (int from = 0; from < doomed.size(); from += CHUNK) {
      List<Object> part = doomed.subList(from, Math.min(doomed.size(), from + CHUNK));
      String marks = String.join(", ", java.util.Collections.nCopies(part.size(), keyMark));
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM " + table + " WHERE " + keyTuple + " IN (" + marks + ")")) {
        int i = 1;
        for (Object v : keyParams(part)) {
          ps.setObject(i++, v);
        }
        n += ps.executeUpdate();
      }
    }
    return n;
  }

  /**
   * The keys whose point under {@code sharding} lies in {@code range}: every key is read and its
   * point computed here (MySQL has no 64-bit wrapping multiply for the hash, nor the String hash).
   */
  public List<Object> keysWithPoints(Connection c, Sharding sharding, PointRange range)
      throws SQLException {
    List<Object> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + keyList + " FROM " + table)) {
      while (rs.next()) {
        Object k = keyAt(rs, 1);
        if (range.contains(sharding.point(k))) {
          out.add(k);
        }
      }
    }
    return out;
  }

  /**
   * The condition "the key lies in one of {@code ranges}" (Range sharding: points are keys), or
   * {@code filter} AND it; a false condition for no ranges.
   */
  public FilterClause keyIn(List<PointRange> ranges, FilterClause filter) {
    StringBuilder sql = new StringBuilder("(");
    List<Object> params = new ArrayList<>();
    if (ranges.isEmpty()) {
      sql.append("1 = 0");
    }
    for (PointRange r : ranges) {
      sql.append(params.isEmpty() ? "" : " OR ")
          .append('(')
          .append(key)
          .append(" >= ? AND ")
          .append(key)
          .append(" < ?)");
      params.add(r.low());
      params.add(r.highExclusive());
    }
    sql.append(')');
    if (filter != null) {
      sql.append(" AND ").append(filter.sql());
      params.addAll(filter.params());
    }
    return new FilterClause(sql.toString(), params);
  }

  /**
   * The keys (key values: Long or String) with {@code low <= key <= high} matching {@code filter}
   * (null: all), in key order; a null bound is no bound on that side.
   */
  public List<Object> keys(Connection c, Object low, Object high, FilterClause filter)
      throws SQLException {
    return keys(c, low, high, filter, StatementDeadline.none());
  }

  /** As above, the statement bounded by {@code deadline}. */
  public List<Object> keys(
      Connection c, Object low, Object high, FilterClause filter, StatementDeadline deadline)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    String where = where(low, high, filter, params);
    Query q =
        new Query("SELECT " + keyList + " FROM " + table + where + " ORDER BY " + keyList, params);
    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
      deadline.bound(ps);
      q.bind(ps);
      List<Object> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(keyAt(rs, 1));
        }
      }
      return out;
    }
  }

  /**
   * The WHERE clause of a read (with its leading space; empty for none): the key's bounds — {@code
   * key BETWEEN ? AND ?} for two, {@code key >= ?} or {@code key <= ?} for one, nothing for none —
   * and {@code filter}, all joined by AND; their values appended to {@code params} in that order.
   */
  private String where(Object low, Object high, FilterClause filter, List<Object> params) {
    List<String> conditions = new ArrayList<>();
    if (low instanceof List<?> || high instanceof List<?>) {
      // A composite key's tuple (a page's `next`): compared as a row, a shard-key bound on its own.
      if (low != null) {
        conditions.add(low instanceof List<?> ? keyTuple + " >= " + keyMark : key + " >= ?");
        params.addAll(low instanceof List<?> tuple ? tuple : List.of(low));
      }
      if (high != null) {
        conditions.add(high instanceof List<?> ? keyTuple + " <= " + keyMark : key + " <= ?");
        params.addAll(high instanceof List<?> tuple ? tuple : List.of(high));
      }
    } else if (low != null && high != null) {
      conditions.add(key + " BETWEEN ? AND ?");
      params.add(low);
      params.add(high);
    } else if (low != null) {
      conditions.add(key + " >= ?");
      params.add(low);
    } else if (high != null) {
      conditions.add(key + " <= ?");
      params.add(high);
    }
    if (filter != null) {
      conditions.add(filter.sql());
      params.addAll(filter.params());
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** Removes every row (before a snapshot is loaded). */
  /** Drops the table with its rows (a Schema entry's drop); nothing when it is gone already. */
  public void drop(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  public void truncate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + table);
    }
  }

  /**
   * The rows with {@code low <= key <= high}, in key order, as they go out in a reply: decimals as
   * plain text (see {@link #toWire}), so the reader's JSON parser cannot round them.
   */
  public List<Map<String, Object>> range(Connection c, long low, long high) throws SQLException {
    return range(c, low, high, Integer.MAX_VALUE);
  }

  /**
   * At most {@code limit} of the rows with {@code low <= key <= high}, the first ones in key order
   * (one page of a read: only those rows are ever fetched), as {@link #range(Connection, long,
   * long)} returns them.
   */
  public List<Map<String, Object>> range(Connection c, long low, long high, int limit)
      throws SQLException {
    return range(c, (Object) low, (Object) high, null, limit);
  }

  /**
   * At most {@code limit} of the rows with {@code low <= key <= high} that also match {@code
   * filter} (null: every row), the first ones in key order; the bounds are key values (Long or
   * String), a null bound no bound on that side; every value is bound as a parameter (see {@link
   * FilterClause}).
   */
  public List<Map<String, Object>> range(
      Connection c, Object low, Object high, FilterClause filter, int limit) throws SQLException {
    return range(c, low, high, filter, limit, StatementDeadline.none());
  }

  /** As above, the statement bounded by {@code deadline}. */
  public List<Map<String, Object>> range(
      Connection c,
      Object low,
      Object high,
      FilterClause filter,
      int limit,
      StatementDeadline deadline)
      throws SQLException {
    return range(c, low, high, filter, limit, deadline, false);
  }

  /**
   * As above; with {@code stamped}, each row also carries its global timestamp ({@link
   * RowTimestamps#FIELD}).
   */
  public List<Map<String, Object>> range(
      Connection c,
      Object low,
      Object high,
      FilterClause filter,
      int limit,
      StatementDeadline deadline,
      boolean stamped)
      throws SQLException {
    Query q = rangeQuery(low, high, filter, limit, stamped);
    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
      deadline.bound(ps);
      q.bind(ps);
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(toWire(stamped ? readStamped(rs) : read(rs)));
        }
      }
      return rows;
    }
  }

  /**
   * One SELECT a read runs: its text, with {@code ?} for every value, and the values in order.
   * Nothing a client wrote is in the text (column names come from the schema, values are bound).
   */
  public record Query(String sql, List<Object> params) {
    public Query {
      params = java.util.Collections.unmodifiableList(new ArrayList<>(params));
    }

    void bind(PreparedStatement ps) throws SQLException {
      int i = 1;
      for (Object v : params) {
        ps.setObject(i++, v);
      }
    }
  }

  /**
   * The SELECT {@link #range} runs (at most {@code limit} rows, in key order); a null bound is no
   * bound on that side.
   */
  public Query rangeQuery(
      Object low, Object high, FilterClause filter, int limit, boolean stamped) {
    List<Object> params = new ArrayList<>();
    String where = where(low, high, filter, params);
    params.add(limit);
    return new Query(
        "SELECT "
            + (stamped ? stampedColumnList : columnList)
            + " FROM "
            + table
            + where
            + " ORDER BY "
            + keyList
            + " LIMIT ?",
        params);
  }

  /** The SELECT {@link #count} runs; a null bound is no bound on that side. */
  public Query countQuery(Object low, Object high, FilterClause filter) {
    List<Object> params = new ArrayList<>();
    String where = where(low, high, filter, params);
    return new Query("SELECT COUNT(*) FROM " + table + where, params);
  }

  /** A value of MariaDB's EXPLAIN: numbers (its {@code rows} comes as text) as longs. */
  private static Object explained(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String t && t.matches("\\d{1,18}")) {
      return Long.parseLong(t);
    }
    return v;
  }

  /**
   * MariaDB's {@code EXPLAIN} of {@code q} with its values bound as {@code q}'s own statement binds
   * them: one map per row of the plan, by column label, in order. Reads no rows of the table.
   */
  public static List<Map<String, Object>> explain(Connection c, Query q) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + q.sql())) {
      q.bind(ps);
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        java.sql.ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnLabel(i), explained(rs.getObject(i)));
          }
          out.add(row);
        }
      }
      return out;
    }
  }

  /**
   * How many rows with {@code low <= key <= high} match {@code filter} (null: every row); the
   * bounds are key values, a null bound no bound on that side.
   */
  public long count(Connection c, Object low, Object high, FilterClause filter)
      throws SQLException {
    return count(c, low, high, filter, StatementDeadline.none());
  }

  /** As above, the statement bounded by {@code deadline}. */
  public long count(
      Connection c, Object low, Object high, FilterClause filter, StatementDeadline deadline)
      throws SQLException {
    Query q = countQuery(low, high, filter);
    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
      deadline.bound(ps);
      q.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static int bind(PreparedStatement ps, int from, FilterClause filter) throws SQLException {
    int i = from;
    if (filter != null) {
      for (Object v : filter.params()) {
        ps.setObject(i++, v);
      }
    }
    return i;
  }

  /** The number of rows. */
  public long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Opens a streaming cursor over all rows in key order (the driver fetches row by row, so the
   * shard is never held in memory). The caller closes the statement.
   */
  public Statement openCursor(Connection c) throws SQLException {
    Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    s.setFetchSize(Integer.MIN_VALUE);
    s.execute("SELECT " + stampedColumnList + " FROM " + table + " ORDER BY " + keyList);
    return s;
  }

  /**
   * Reads the current row of a result set that also selected {@link #TIMESTAMP_COLUMN} ({@link
   * #openCursor}): its values in column order, then its global timestamp under {@link
   * RowTimestamps#FIELD}, as a snapshot carries it.
   */
  public Map<String, Object> readStamped(ResultSet rs) throws SQLException {
    Map<String, Object> row = rowValues.read(rs);
    row.put(RowTimestamps.FIELD, rs.getLong(TIMESTAMP_COLUMN));
    return row;
  }

  /** Reads the current row of a result set into Java values in column order. */
  public Map<String, Object> read(ResultSet rs) throws SQLException {
    return rowValues.read(rs);
  }

  /**
   * The row as it travels in the log and snapshots: decimals as strings, so no JSON reader turns
   * them into doubles and loses digits.
   */
  public Map<String, Object> toWire(Map<String, Object> row) {
    return RowValues.toWire(row);
  }

  /** A canonical text of a row for checksums: typed, column order, unit-separated. */
  public String canonical(Map<String, Object> row) {
    return rowValues.canonical(row);
  }

  /**
   * The stored type of the shard key: a Number's own; a String key's {@code VARCHAR} of {@value
   * ShardKeys#MAX_STRING_KEY} characters in utf8mb4 with the binary collation (TEXT cannot be a
   * primary key; keys compare exactly, as the router and {@link ShardKeys#ORDER} compare them).
   */
  private String keySqlType(Column col) {
    return col.type() == io.shardeddb.protocol.schema.ColumnType.String
        ? "VARCHAR("
            + ShardKeys.MAX_STRING_KEY
            + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
        : col.type().sqlType();
  }

  /**
   * The key at {@code column} of the current row (a composite key's columns from there on), as its
   * key value (Long, String, or a tuple of them).
   */
  private Object keyAt(ResultSet rs, int column) throws SQLException {
    if (!schema.hasCompositeKey()) {
      return schema.hasStringKey() ? rs.getString(column) : (Object) rs.getLong(column);
    }
    List<Object> tuple = new ArrayList<>();
    for (String name : schema.keyColumns()) {
      tuple.add(
          schema.column(name).type() == io.shardeddb.protocol.schema.ColumnType.String
              ? rs.getString(column++)
              : (Object) rs.getLong(column++));
    }
    return ShardKeys.normalize(tuple);
  }

  private static String quote(String identifier) {
    return "`" + identifier + "`";
  }

  /**
   * The rows whose key is one of {@code keys} (key values: Long or String) and that match {@code
   * filter} (null: every row), in key order, as {@link #range(Connection, long, long)} returns
   * them: many point reads answered by one {@code WHERE key IN (..)} statement per {@value #CHUNK}
   * keys.
   */
  public List<Map<String, Object>> rowsWithKeys(
      Connection c, Collection<?> keys, FilterClause filter) throws SQLException {
    return rowsWithKeys(c, keys, filter, false);
  }

  /** As above; with {@code stamped}, each row also carries {@link RowTimestamps#FIELD}. */
  public List<Map<String, Object>> rowsWithKeys(
      Connection c, Collection<?> keys, FilterClause filter, boolean stamped) throws SQLException {
    List<Object> all = new ArrayList<>(keys);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<Object> part = all.subList(from, Math.min(all.size(), from + CHUNK));
      String marks = String.join(", ", java.util.Collections.nCopies(part.size(), keyMark));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + (stamped ? stampedColumnList : columnList)
                  + " FROM "
                  + table
                  + " WHERE "
                  + keyTuple
                  + " IN ("
                  + marks
                  + ")"
                  + (filter == null ? "" : " AND " + filter.sql())
                  + " ORDER BY "
                  + keyList)) {
        int i = 1;
        for (Object v : keyParams(part)) {
          ps.setObject(i++, v);
        }
        bind(ps, i, filter);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(toWire(stamped ? readStamped(rs) : read(rs)));
          }
        }
      }
    }
    return rows;
  }
}
