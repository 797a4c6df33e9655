package io.shardeddb.router.shard;

import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardExplainResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import reactor.core.publisher.Mono;

/**
 * The calls the router's read side makes to a shard replica: {@code POST /read} of {@code [low,
 * high]} with the ranges the router's layout gives the shard ({@code X-Shard-Owned}), and {@code
 * GET /heartbeat}, by which {@code ReplicaHealth} picks the replicas for {@code session} and {@code
 * any} reads. Every failure is a {@link ShardServerException}. {@link ShardServerClient} is the
 * production one (HTTP, point reads coalesced); the simulator carries it over its simulated
 * network, so the production read path runs there too (docs/safety.md).
 */
public interface ShardReadCalls {

  /**
   * {@code POST /read} of {@code [low, high]} at {@code consistency}: {@code PRIMARY}, only the
   * current primary holding its lease may answer; {@code SESSION}, only a replica in sync with the
   * primary, whose log holds {@code minEpoch}/{@code minLsn} when given and reaches the shard's
   * session floor {@code floor} (null: none); {@code ANY}, any replica; {@code BOUNDED}, a
   * secondary caught up with its primary at a contact at most {@code maxStalenessMs} ago, or the
   * primary holding its lease (ignored at other levels); {@code owned}: the {@code X-Shard-Owned}
   * value (null: not sent); {@code filter} applied before paging (null: none); with {@code count},
   * how many rows match instead of rows.
   */
  Mono<ShardReadResponse> read(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      LogPosition floor,
      long maxStalenessMs,
      ReadFilter filter,
      boolean count);

  /**
   * As above, of table {@code table} (null: the database's first table, sent without a {@code
   * "table"} field). A transport that carries the first table only fails the others.
   */
  default Mono<ShardReadResponse> read(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      LogPosition floor,
      long maxStalenessMs,
      ReadFilter filter,
      boolean count,
      String table) {
    if (table == null) {
      return read(
          url,
          shard,
          owned,
          keyName,
          low,
          high,
          consistency,
          minEpoch,
          minLsn,
          floor,
          maxStalenessMs,
          filter,
          count);
    }
    return Mono.error(ShardDataCalls.firstTableOnly(url, table));
  }

  /**
   * {@code POST /read/explain}: MariaDB's plan of the SELECT a {@link #read} of the same range,
   * filter, count and table (null: the first) would run on that replica, and its text. A transport
   * without it (the simulator's) fails.
   */
  default Mono<ShardExplainResponse> explain(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadFilter filter,
      boolean count,
      String table) {
    return Mono.error(
        new ShardServerException(url, 501, "this transport does not ask shards for their plans"));
  }

  /** {@code GET /heartbeat}: the replica's role, state and applied LSN. */
  Mono<Heartbeat> heartbeat(String url);
}
