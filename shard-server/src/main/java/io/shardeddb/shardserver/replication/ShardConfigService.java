package io.shardeddb.shardserver.replication;

import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Applies {@code POST /config}: validates the schema and the shard, creates the table and persists
 * the config. The same shard again is a no-op (whatever ranges it names: ownership changes only
 * through the log after bring-up); a different shard id, schema or sharding is a 409.
 */
@Singleton
public class ShardConfigService implements ConfigAdopter {
  private static final Pattern SHARD_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final String DEFAULT_TABLE = "data";

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final JsonMapper json;

  public ShardConfigService(ReplicaContext ctx, ShardStore store, JsonMapper json) {
    this.ctx = ctx;
    this.store = store;
    this.json = json;
  }

  public MessageResponse configure(ShardConfigRequest req) {
    if (req == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    if (req.shards() == null || req.shards().isEmpty()) {
      throw new InvalidRequestException(
          "missing field 'shards' (the one shard id this server holds)");
    }
    if (req.shards().size() > 1) {
      throw new InvalidRequestException(
          "a shard-server holds one shard, got " + req.shards().size() + ": " + req.shards());
    }
    String shardId = req.shards().get(0);
    if (shardId == null || !SHARD_ID.matcher(shardId).matches()) {
      throw new InvalidRequestException(
          "shard id '" + shardId + "' is not allowed (letters, digits, '_', '.', '-')");
    }
    if (req.schema() == null) {
      throw new InvalidRequestException("missing field 'schema'");
    }
    if (req.size() != null && req.size() <= 0) {
      throw new InvalidRequestException("field 'size' must be positive, got " + req.size());
    }
    if (req.size() != null && req.low() == null) {
      throw new InvalidRequestException("field 'size' needs 'low'");
    }
    TableSchema schema =
        TableSchema.fromContract(
            req.table() == null ? DEFAULT_TABLE : req.table(), req.shardKey(), req.schema());
    if (req.columns() != null) {
      schema = withDefinitions(schema, req.columns());
    }
    if (req.indexes() != null && !req.indexes().isEmpty()) {
      schema = schema.withIndexes(req.indexes()).validate();
    }
    if (req.primaryKey() != null && !req.primaryKey().isEmpty()) {
      schema = schema.withPrimaryKey(req.primaryKey()).validate();
    }
    Sharding sharding = Sharding.orDefault(req.sharding());
    List<PointRange> ranges = null;
    if (req.ranges() != null) {
      ranges = PointRange.normalize(req.ranges().stream().filter(Objects::nonNull).toList());
      for (PointRange r : ranges) {
        if (sharding == Sharding.Hash && (r.low() < 0 || r.highExclusive() > Sharding.HASH_SPACE)) {
          throw new InvalidRequestException(
              "field 'ranges': ["
                  + r.low()
                  + ", "
                  + r.highExclusive()
                  + ") is outside the hash space [0, "
                  + Sharding.HASH_SPACE
                  + ")");
        }
      }
    }
    if (req.schemaVersion() != null && req.schemaVersion() < 1) {
      throw new InvalidRequestException(
          "field 'schemaVersion' must be at least 1, got " + req.schemaVersion());
    }
    List<TableSchema> tables = req.tables() == null || req.tables().isEmpty() ? null : req.tables();
    if (tables != null) {
      String refusal = new TableSet(schema, tables).refusal();
      if (refusal != null) {
        throw new InvalidRequestException("field 'tables': " + refusal);
      }
    }
    for (TableSchema t : tables == null ? List.of(schema) : new TableSet(schema, tables).all()) {
      String refusal = t.shardingRefusal(sharding);
      if (refusal != null) {
        throw new InvalidRequestException(refusal);
      }
    }
    adopt(
        new ShardConfig(
            shardId,
            schema,
            req.low(),
            req.size(),
            sharding,
            ranges,
            req.schemaVersion() == null || req.schemaVersion() == 1 ? null : req.schemaVersion(),
            null,
            tables),
        false);
    return MessageResponse.success(ctx.name() + ":" + shardId + " configured");
  }

  /**
   * {@code schema} with the full column definitions of {@code columns}, which must be the same
   * columns with the same types in the same order (a 400 otherwise).
   */
  static TableSchema withDefinitions(TableSchema schema, List<Column> columns) {
    List<String> names = columns.stream().map(c -> c == null ? null : c.name()).toList();
    List<ColumnType> types = columns.stream().map(c -> c == null ? null : c.type()).toList();
    if (!names.equals(schema.columnNames())
        || !types.equals(schema.columns().stream().map(Column::type).toList())) {
      throw new InvalidRequestException(
          "field 'columns' must define the schema's columns "
              + schema.columnNames()
              + " in order with their dtypes, got "
              + names);
    }
    return schema.withColumns(columns).validate();
  }

  /**
   * Persists and applies what {@link ConfigAdoption#next} decides for {@code config}: a first
   * config creates the table; a snapshot's config may bring other owned ranges and a newer schema
   * (the table is altered to it first); anything else of the same shard changes nothing.
   */
  @Override
  public synchronized void adopt(ShardConfig config, boolean replaceOwned) {
    ShardConfig current = ctx.config();
    ShardConfig next = ConfigAdoption.next(ctx.name(), current, config, replaceOwned);
    if (current == null) {
      store.configure(write(next), new UserTable(next.schema()));
      store.syncTables(null, next);
      ctx.configure(next);
      return;
    }
    if (next == current) {
      return;
    }
    if (!next.schema().equals(current.schema())) {
      store.ensureTable(new UserTable(next.schema()));
    }
    store.syncTables(current, next);
    store.saveConfig(write(next));
    ctx.configure(next);
  }

  /** The stored form of {@code config} (persisted in the shard's metadata row). */
  public String write(ShardConfig config) {
    try {
      return json.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Restores a persisted config after a restart. */
  public void restore(String configJson) {
    try {
      ShardConfig config = json.readValue(configJson, ShardConfig.class);
      store.ensureTable(new UserTable(config.schema()));
      store.syncTables(null, config);
      ctx.configure(config);
    } catch (IOException e) {
      throw new UncheckedIOException("stored config is unreadable", e);
    }
  }
}
