package io.shardeddb.router.admin;

import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Carries out the assignment's admin endpoints against whatever runs the shards: the operator (a
 * change to the ShardedDatabase) or a pool of shard-servers configured directly.
 */
public interface ClusterAdmin {
  CompletableFuture<MessageResponse> init(DatabaseConfig config);

  CompletableFuture<AddResponse> add(AddRequest request);

  CompletableFuture<RemoveResponse> remove(RemoveRequest request);
}
