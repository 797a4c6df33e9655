package io.shardeddb.router.shard;

import io.shardeddb.protocol.shard.RowTimestamps;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Whether a read wants each row's global timestamp (docs/timestamps.md, "Rows"), carried as {@link
 * ReadDeadline} is: in the read's Reactor context, which every shard call made for the read (each
 * page, each retry, each replica) sees; {@link ShardServerClient} then asks with {@link
 * RowTimestamps#READ_FIELD}, and the rows carry {@link RowTimestamps#FIELD} (none from an older
 * shard-server, which ignores the field). The SQL executor's SELECTs ask; the router's {@code
 * /read} does not, so its rows keep the assignment's shape.
 */
public final class ReadTimestamps {
  private static final Object KEY = ReadTimestamps.class;

  private ReadTimestamps() {}

  /** {@code read}, its shard calls asking for each row's timestamp. */
  public static <T> Mono<T> asked(Mono<T> read) {
    return read.contextWrite(c -> c.put(KEY, Boolean.TRUE));
  }

  /** Whether the read of {@code context} asks for each row's timestamp. */
  public static boolean asked(ContextView context) {
    return Boolean.TRUE.equals(context.getOrDefault(KEY, Boolean.FALSE));
  }
}
