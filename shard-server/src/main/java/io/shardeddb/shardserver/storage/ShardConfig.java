package io.shardeddb.shardserver.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.RowTables;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.ShardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code /config} fixed for this replica (shard id, table, sharding) and the point ranges the
 * shard owns. {@code owned} is null for a config from before resharding: then the shard owns its
 * bring-up range {@code [low, low+size)} (everything when {@code low} is null). Once set, {@code
 * owned} changes only through range entries of the shard's log (docs/resharding.md). {@code
 * timestampWindow} is the timestamp oracle's persisted window (DESIGN §11; the highest {@code
 * Clock} entry of the log, null when none): it changes only through the log. {@code tables} are the
 * database's other tables, in the order they were created (null or empty: the one-table form,
 * {@code schema} alone); they share the shard key's layout, so a key's rows of every table live on
 * the same shard (issue 46, docs/log-format.md, "Tables"), and they too change only through the
 * log's Schema entries, under the one {@code schemaVersion} of the database.
 */
@Serdeable
public record ShardConfig(
    String shardId,
    TableSchema schema,
    @Nullable Long low,
    @Nullable Long size,
    @Nullable Sharding sharding,
    @Nullable List<PointRange> owned,
    @Nullable Long schemaVersion,
    @Nullable Long timestampWindow,
    @Nullable List<TableSchema> tables) {

  /** A config of one table. */
  public ShardConfig(
      String shardId,
      TableSchema schema,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> owned,
      Long schemaVersion,
      Long timestampWindow) {
    this(shardId, schema, low, size, sharding, owned, schemaVersion, timestampWindow, null);
  }

  /** A config without a timestamp window. */
  public ShardConfig(
      String shardId,
      TableSchema schema,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> owned,
      Long schemaVersion) {
    this(shardId, schema, low, size, sharding, owned, schemaVersion, null);
  }

  /** A config at schema version 1 (the one {@code /config} creates the table with). */
  public ShardConfig(
      String shardId,
      TableSchema schema,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> owned) {
    this(shardId, schema, low, size, sharding, owned, null);
  }

  /** A range-sharded config owning {@code [low, low+size)}, as before resharding existed. */
  public ShardConfig(String shardId, TableSchema schema, Long low, Long size) {
    this(shardId, schema, low, size, null, null, null);
  }

  /**
   * The version of {@link #schema}: 1 for the schema of {@code /config}, one more for each Schema
   * entry of the log since (absent in configs stored before schema changes existed: 1).
   */
  public long schemaVersionOrOne() {
    return schemaVersion == null ? 1 : schemaVersion;
  }

  /**
   * This config with {@code schema} at {@code version} (a Schema entry, or a snapshot's header).
   */
  public ShardConfig withSchema(TableSchema next, long version) {
    return new ShardConfig(
        shardId, next, low, size, sharding, owned, version, timestampWindow, tables);
  }

  /** The database's other tables (empty in the one-table form). */
  public List<TableSchema> otherTables() {
    return tables == null ? List.of() : tables;
  }

  /** The tables as one value, for the rules a set of tables keeps ({@link TableSet}). */
  public TableSet tableSet() {
    return new TableSet(schema, otherTables());
  }

  /** Every table: {@link #schema} first, then the others in the order they were created. */
  public List<TableSchema> allTables() {
    List<TableSchema> all = new ArrayList<>(1 + otherTables().size());
    all.add(schema);
    all.addAll(otherTables());
    return all;
  }

  /**
   * The schema of table {@code name} (names compare ignoring case, as this database's SQL names
   * them; null names the first table, {@link #schema}); a 404 naming it when there is none.
   */
  public TableSchema table(@Nullable String name) {
    TableSchema t = tableOrNull(name);
    if (t == null) {
      throw ShardException.notFound("shard " + shardId + " has no table '" + name + "'");
    }
    return t;
  }

  /** {@link #table} or null when the shard has no such table. */
  @Nullable
  public TableSchema tableOrNull(@Nullable String name) {
    if (name == null || name.equalsIgnoreCase(schema.table())) {
      return schema;
    }
    for (TableSchema t : otherTables()) {
      if (t.table().equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * This config at schema {@code version} with table {@code next} added (a name it lacks) or put in
   * place of the table of its name.
   */
  public ShardConfig withTable(TableSchema next, long version) {
    if (next.table().equalsIgnoreCase(schema.table())) {
      return withSchema(next, version);
    }
    List<TableSchema> others = new ArrayList<>(otherTables());
    int at = -1;
    for (int i = 0; i < others.size(); i++) {
      if (others.get(i).table().equalsIgnoreCase(next.table())) {
        at = i;
      }
    }
    if (at >= 0) {
      others.set(at, next);
    } else {
      others.add(next);
    }
    return new ShardConfig(
        shardId, schema, low, size, sharding, owned, version, timestampWindow, List.copyOf(others));
  }

  /** This config with {@code from}'s tables (the first and the others) and schema version. */
  public ShardConfig withTablesOf(ShardConfig from) {
    return new ShardConfig(
        shardId,
        from.schema,
        low,
        size,
        sharding,
        owned,
        from.schemaVersionOrOne(),
        timestampWindow,
        from.otherTables().isEmpty() ? null : from.otherTables());
  }

  /**
   * A snapshot's row coerced to the schema of the table it names ({@link RowTables}: the first
   * table when none), keeping its timestamp and its table's name.
   */
  public Map<String, Object> coerceSnapshotRow(Map<String, Object> row) {
    String name = RowTables.of(row);
    TableSchema t = table(name);
    Map<String, Object> coerced = RowTimestamps.keeping(RowTables.without(row), t::coerceRow);
    return t == schema ? coerced : RowTables.with(coerced, t.table());
  }

  /** This config at schema {@code version} without the other table {@code name}. */
  public ShardConfig withoutTable(String name, long version) {
    List<TableSchema> others =
        otherTables().stream().filter(t -> !t.table().equalsIgnoreCase(name)).toList();
    return new ShardConfig(
        shardId,
        schema,
        low,
        size,
        sharding,
        owned,
        version,
        timestampWindow,
        others.isEmpty() ? null : others);
  }

  /** The oracle's persisted window: 0 when none (DESIGN §11). */
  public long timestampWindowOrZero() {
    return timestampWindow == null ? 0 : timestampWindow;
  }

  /** This config with the oracle's window raised to {@code until} (never lowered). */
  public ShardConfig withTimestampWindow(long until) {
    return until <= timestampWindowOrZero()
        ? this
        : new ShardConfig(
            shardId, schema, low, size, sharding, owned, schemaVersion, until, tables);
  }

  /** How keys map to points ({@code Range} when unset). */
  public Sharding pointsBy() {
    return Sharding.orDefault(sharding);
  }

  /**
   * The ranges the shard owns, or null when it owns every point (a config without a range). An
   * unbounded upper end is cut at {@code Long.MAX_VALUE}.
   */
  @Nullable
  public List<PointRange> ownedRanges() {
    if (owned != null) {
      return owned;
    }
    if (low == null) {
      return pointsBy() == Sharding.Hash ? List.of(new PointRange(0, Sharding.HASH_SPACE)) : null;
    }
    if (size != null) {
      return List.of(new PointRange(low, size));
    }
    return low >= 0 ? List.of(new PointRange(low, Long.MAX_VALUE - low)) : null;
  }

  /** This config with {@code ranges} as what the shard owns. */
  public ShardConfig withOwned(List<PointRange> ranges) {
    return new ShardConfig(
        shardId,
        schema,
        low,
        size,
        sharding,
        List.copyOf(ranges),
        schemaVersion,
        timestampWindow,
        tables);
  }

  /**
   * Whether {@code other} names the same shard, table and sharding: a later {@code /config} that
   * differs only in its ranges is not a conflict, since ownership changes through the log; nor is
   * one whose schema is an earlier or later version of this one (columns added at the end, {@link
   * TableSchema#evolutionRefusal}), since the schema too changes only through the log.
   */
  public boolean sameShardAs(ShardConfig other) {
    return shardId.equals(other.shardId)
        && (schema.equals(other.schema)
            || schema.evolutionRefusal(other.schema) == null
            || other.schema.evolutionRefusal(schema) == null)
        && pointsBy() == other.pointsBy();
  }

  /** Whether the point of {@code key} is owned by this shard. */
  public boolean owns(Object key) {
    List<PointRange> r = ownedRanges();
    return r == null || PointRange.anyContains(r, pointsBy().point(key));
  }

  /** Fails with 421 naming the key, the shard and what it owns unless {@code key} is owned. */
  public void requireOwns(Object key) {
    if (!owns(key)) {
      throw notOwned(key);
    }
  }

  /** The 421 for a key whose point this shard does not own. */
  public ShardException notOwned(Object key) {
    return notOwned(shardId, schema.shardKey(), pointsBy(), ownedRanges(), key);
  }

  /** The 421 for {@code key} against {@code ranges} (what the shard owns at that log position). */
  public static ShardException notOwned(
      String shardId, String keyName, Sharding sharding, List<PointRange> ranges, Object key) {
    String point = sharding == Sharding.Hash ? " (hash point " + sharding.point(key) + ")" : "";
    return new ShardException(
        ShardEndpoints.NOT_OWNED,
        keyName
            + " "
            + key
            + point
            + " is not owned by shard "
            + shardId
            + ", which owns "
            + describe(ranges));
  }

  /** {@code [low, high)} of each range, or "every point" for null. */
  public static String describe(@Nullable List<PointRange> ranges) {
    if (ranges == null) {
      return "every point";
    }
    if (ranges.isEmpty()) {
      return "nothing";
    }
    StringBuilder b = new StringBuilder();
    for (PointRange r : ranges) {
      b.append(b.isEmpty() ? "" : ", ")
          .append('[')
          .append(r.low())
          .append(", ")
          .append(r.highExclusive())
          .append(')');
    }
    return b.toString();
  }

  /** Whether the owned ranges equal {@code expected} (the router's {@code X-Shard-Owned}). */
  public boolean ownsExactly(List<PointRange> expected) {
    List<PointRange> mine = ownedRanges();
    return mine != null && Objects.equals(PointRange.normalize(mine), expected);
  }
}
