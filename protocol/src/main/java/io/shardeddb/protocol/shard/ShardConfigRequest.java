package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Creator;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.Index;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.util.List;

/**
 * {@code POST /config} on a shard-server. The assignment's shape is {@code
 * {"schema":{"columns":[..],"dtypes":[..]},"shards":["sh1"]}}; ShardedDB adds the table name, the
 * shard key and the shard's key range {@code [low, low+size)} so the server can refuse keys that
 * are not its own. A shard-server holds exactly one shard, so {@code shards} has one id. Absent
 * extras default to table {@code data}, the first column as key and an unbounded range.
 *
 * <p>Resharding (docs/resharding.md): {@code sharding} says how keys map to points (absent: {@code
 * Range}); {@code ranges}, when present, are the point ranges the shard owns at bring-up and
 * replace {@code low}/{@code size} (an empty list: a new destination that owns nothing until it
 * adopts a range). After bring-up the owned ranges change only through replicated range entries, so
 * a later {@code /config} naming other ranges is not a conflict.
 *
 * <p>{@code columns}, when present, are the table's full column definitions (nullable, defaults:
 * what the assignment's names and dtypes cannot say); they must name the same columns, in order,
 * with the same types as {@code schema}. {@code schemaVersion} (absent: 1) is the version of that
 * schema (docs/log-format.md, "Schema entries"): a replica configured from scratch starts there; a
 * configured one takes schema changes only from its log, so a config naming another version of the
 * same table is not a conflict. {@code indexes} (absent: none) are the schema's secondary indexes
 * at that version. {@code tables} (absent: none) are the database's other tables at that version,
 * in creation order (docs/log-format.md, "Tables"): a replica configured from scratch creates them,
 * a configured one takes table changes only from its log. {@code primaryKey} (absent: the shard key
 * alone) names the first table's primary key columns when it has several, the shard key first.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardConfigRequest(
    SchemaDoc schema,
    List<String> shards,
    String table,
    String shardKey,
    Long low,
    Long size,
    Sharding sharding,
    List<PointRange> ranges,
    List<Column> columns,
    Long schemaVersion,
    List<Index> indexes,
    List<TableSchema> tables,
    List<String> primaryKey) {

  @Creator
  public ShardConfigRequest {}

  /** A config whose first table is keyed by its shard key alone. */
  public ShardConfigRequest(
      SchemaDoc schema,
      List<String> shards,
      String table,
      String shardKey,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> ranges,
      List<Column> columns,
      Long schemaVersion,
      List<Index> indexes,
      List<TableSchema> tables) {
    this(
        schema,
        shards,
        table,
        shardKey,
        low,
        size,
        sharding,
        ranges,
        columns,
        schemaVersion,
        indexes,
        tables,
        null);
  }

  /** A config of a database of one table. */
  public ShardConfigRequest(
      SchemaDoc schema,
      List<String> shards,
      String table,
      String shardKey,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> ranges,
      List<Column> columns,
      Long schemaVersion,
      List<Index> indexes) {
    this(
        schema,
        shards,
        table,
        shardKey,
        low,
        size,
        sharding,
        ranges,
        columns,
        schemaVersion,
        indexes,
        null);
  }

  /** A config without secondary indexes. */
  public ShardConfigRequest(
      SchemaDoc schema,
      List<String> shards,
      String table,
      String shardKey,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> ranges,
      List<Column> columns,
      Long schemaVersion) {
    this(
        schema,
        shards,
        table,
        shardKey,
        low,
        size,
        sharding,
        ranges,
        columns,
        schemaVersion,
        (List<Index>) null);
  }

  /** A config at schema version 1 (absent: the version the table is created at). */
  public ShardConfigRequest(
      SchemaDoc schema,
      List<String> shards,
      String table,
      String shardKey,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> ranges,
      List<Column> columns) {
    this(
        schema,
        shards,
        table,
        shardKey,
        low,
        size,
        sharding,
        ranges,
        columns,
        null,
        (List<Index>) null);
  }

  /** A config without full column definitions (the assignment's names and dtypes only). */
  public ShardConfigRequest(
      SchemaDoc schema,
      List<String> shards,
      String table,
      String shardKey,
      Long low,
      Long size,
      Sharding sharding,
      List<PointRange> ranges) {
    this(schema, shards, table, shardKey, low, size, sharding, ranges, null, null, null);
  }

  /** A range-sharded config owning {@code [low, low+size)} (as before resharding existed). */
  public ShardConfigRequest(
      SchemaDoc schema, List<String> shards, String table, String shardKey, Long low, Long size) {
    this(schema, shards, table, shardKey, low, size, null, null, null, null);
  }
}
