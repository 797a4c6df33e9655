package io.shardeddb.shardserver.http;

import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.shard.SchemaChangeResponse;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.storage.ShardConfig;

/**
 * {@code POST /schema} on a shard's primary: the operator's schema change (docs/log-format.md,
 * "Schema entries"), ordered and acknowledged like a write: one Schema entry that every copy
 * applies in log order. Whether the change may follow the shard's schema is the batch planner's
 * decision, inside the commit (a 409 naming both versions, or a 400 naming the column); the same
 * change again appends a harmless entry that alters nothing, as a repeated fence does.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class SchemaController {
  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;

  public SchemaController(ReplicaContext ctx, WriteCoordinator coordinator) {
    this.ctx = ctx;
    this.coordinator = coordinator;
  }

  /**
   * {@code GET /schema}: the schema this replica's tables are at and its version, as its applied
   * log left them (after a restore's replay: the target's). The operator reads it to learn the
   * schema of a restored database (docs/sql.md, "Changing the schema"); 409 while unconfigured.
   */
  @Get(ShardEndpoints.SCHEMA)
  public SchemaChange current() {
    ShardConfig config = ctx.requireConfig();
    return SchemaChange.state(config.schemaVersionOrOne(), config.tableSet());
  }

  @Post(ShardEndpoints.SCHEMA)
  public SchemaChangeResponse change(@Body SchemaChange change) {
    if (change == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    change.validate();
    if (change.schema() != null && !change.drops()) {
      // A String-keyed table needs the shard's Hash sharding (its rows lie by the key's hash).
      change.schema().requirePlaceableUnder(ctx.requireConfig().pointsBy());
    }
    ctx.requireConfig();
    ctx.requirePrimary();
    long epoch = ctx.view().epoch();
    WriteCoordinator.Acked acked = coordinator.submitAcked(ClientChange.schema(change));
    return new SchemaChangeResponse(epoch, acked.lsn(), change.version());
  }
}
