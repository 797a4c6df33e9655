package io.shardeddb.router.routing;

import reactor.core.publisher.Mono;

/**
 * Where a write's global timestamp comes from (DESIGN §11, docs/timestamps.md): a slot the oracle
 * handed out after the write arrived, so writes that follow each other in real time get increasing
 * timestamps on every shard. 0: none (timestamps off; the shard-server stamps the entry above its
 * log's last).
 */
public interface Timestamps {
  /** No timestamps: every write carries 0. */
  Timestamps NONE = () -> Mono.just(0L);

  /** One slot, fetched after this call. */
  Mono<Long> next();
}
