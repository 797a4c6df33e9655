package io.shardeddb.router.shard;

import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The data calls the router's write path makes to a shard's primary: {@code POST /write}, {@code
 * PUT /update}, {@code DELETE /del}, each with the ranges the router's layout gives that shard
 * ({@code X-Shard-Owned}) and a request id. Every failure is a {@link ShardServerException} with
 * the shard-server's status (or {@link ShardServerException#UNREACHABLE}). {@link
 * ShardServerClient} is the production one (HTTP, coalesced); the simulator carries them over its
 * simulated network, so the production write path runs there too (docs/safety.md, "The router in
 * the simulator").
 */
public interface ShardDataCalls {

  /** {@code POST /write} of one shard's rows. */
  Mono<ShardWriteResponse> write(String url, String owned, ShardWriteRequest request);

  /** {@code PUT /update} of the row with {@code key} to the values of {@code row}. */
  Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp);

  /** {@code DELETE /del} of the row with {@code key}. */
  Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp);

  /**
   * As {@link #update}, of the row of table {@code table} (null: the database's first table, sent
   * without a {@code "table"} field). A transport that carries the first table only fails the
   * others as a shard-server without the table would.
   */
  default Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp,
      String table) {
    if (table == null) {
      return update(url, shard, owned, keyName, key, row, requestId, timestamp);
    }
    return Mono.error(firstTableOnly(url, table));
  }

  /** As {@link #delete}, of the row of table {@code table} (null: the first), as above. */
  default Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp,
      String table) {
    if (table == null) {
      return delete(url, shard, owned, keyName, key, requestId, timestamp);
    }
    return Mono.error(firstTableOnly(url, table));
  }

  /** The failure of a call of another table than the first on a transport without tables. */
  static ShardServerException firstTableOnly(String url, String table) {
    return new ShardServerException(
        url, 404, "table " + table + ": this transport carries the database's first table only");
  }

  /** {@code POST /txn}: one transaction's steps on one shard, all or none. */
  Mono<ShardWriteResponse> txn(String url, String owned, ShardTxnRequest request);
}
