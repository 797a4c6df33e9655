package io.shardeddb.shardserver.replication;

import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * Applies {@code POST /config}: validates the schema and the shard, creates the table and persists
 * the config. The same config again is a no-op; a different one is a 409.
 */
@Singleton
public class ShardConfigService {
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
    adopt(new ShardConfig(shardId, schema, req.low(), req.size()));
    return MessageResponse.success(ctx.name() + ":" + shardId + " configured");
  }

  /** Persists and applies {@code config}, unless the same one is already in place. */
  public synchronized void adopt(ShardConfig config) {
    ShardConfig current = ctx.config();
    if (current != null) {
      if (current.equals(config)) {
        return;
      }
      throw ShardException.conflict(
          "conflicting config: "
              + ctx.name()
              + " already holds shard "
              + current.shardId()
              + " as "
              + describe(current)
              + ", not "
              + describe(config));
    }
    UserTable table = new UserTable(config.schema());
    store.configure(write(config), table);
    ctx.configure(config);
  }

  /** Restores a persisted config after a restart. */
  public void restore(String configJson) {
    try {
      ShardConfig config = json.readValue(configJson, ShardConfig.class);
      store.ensureTable(new UserTable(config.schema()));
      ctx.configure(config);
    } catch (IOException e) {
      throw new UncheckedIOException("stored config is unreadable", e);
    }
  }

  private String write(ShardConfig config) {
    try {
      return json.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(ShardConfig c) {
    return c.schema().table()
        + c.schema().columns().stream().map(col -> col.name() + ":" + col.type()).toList()
        + " key "
        + c.schema().shardKey()
        + " range ["
        + c.low()
        + ", "
        + (c.low() == null || c.size() == null ? "unbounded" : c.low() + c.size())
        + ")";
  }
}
