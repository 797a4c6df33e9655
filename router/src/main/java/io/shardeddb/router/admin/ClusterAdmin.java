package io.shardeddb.router.admin;

import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.router.ApiException;
import java.util.concurrent.CompletableFuture;

/**
 * Carries out the assignment's admin endpoints against whatever runs the shards: the operator (a
 * change to the ShardedDatabase) or a pool of shard-servers configured directly.
 */
public interface ClusterAdmin {
  CompletableFuture<MessageResponse> init(DatabaseConfig config);

  CompletableFuture<AddResponse> add(AddRequest request);

  CompletableFuture<RemoveResponse> remove(RemoveRequest request);

  /**
   * A change of the database's tables ({@code ALTER TABLE}, {@code CREATE | DROP INDEX}, {@code
   * CREATE TABLE} of another table, {@code DROP TABLE}): makes {@code next} the database's tables
   * (its first table and the others, in creation order), answered with the schema version once
   * every shard has applied it (docs/sql.md, "Changing the schema", "More tables").
   */
  default CompletableFuture<Long> changeTables(TableSet next) {
    return CompletableFuture.failedFuture(
        new ApiException(
            400,
            "A schema change needs the operator: this router configures its shard-servers itself"
                + " (shardeddb.router.topology.source is not kubernetes)"));
  }

  /**
   * {@code CREATE TABLE} on a database without a table: {@code schema} becomes its table on the
   * default layout; answered with a message once the database is Ready with it (docs/sql.md,
   * "Creating the table").
   */
  default CompletableFuture<String> createTable(TableSchema schema) {
    return CompletableFuture.failedFuture(
        new ApiException(
            400,
            "CREATE TABLE needs the operator: this router configures its shard-servers itself"
                + " (shardeddb.router.topology.source is not kubernetes); use /init"));
  }
}
