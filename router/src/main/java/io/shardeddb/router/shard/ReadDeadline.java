package io.shardeddb.router.shard;

import io.shardeddb.protocol.shard.ShardEndpoints;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * A statement's deadline, carried to the shard calls its reads make, so that a scan the router
 * stops at its deadline does not keep running on the shard-servers (security review 2026-11-26 #7).
 * The SQL executor runs each read {@link #within} the statement deadline: the instant it ends goes
 * into the read's Reactor context, which every shard call made for the read (each page, each retry,
 * each replica) sees; {@link ShardServerClient} sends the time left then as {@link
 * ShardEndpoints#TIMEOUT_FIELD} with each range read, and asks nothing once none is left. Reads
 * made outside a statement (the router's {@code /read}) carry none.
 */
public final class ReadDeadline {
  private static final Object KEY = ReadDeadline.class;

  private ReadDeadline() {}

  /**
   * {@code read}, its shard calls told that it ends {@code timeout} after it is subscribed to (on
   * the clock {@code nanoTime}).
   */
  public static <T> Mono<T> within(Mono<T> read, Duration timeout, LongSupplier nanoTime) {
    return Mono.defer(
        () -> read.contextWrite(c -> c.put(KEY, nanoTime.getAsLong() + timeout.toNanos())));
  }

  /**
   * The milliseconds left at {@code nowNanos} of the deadline in {@code context} (rounded down: the
   * shard-server must not outlast the router), 0 once it passed; empty without one.
   */
  public static OptionalLong millisLeft(ContextView context, long nowNanos) {
    Long at = context.getOrDefault(KEY, null);
    if (at == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, (at - nowNanos) / 1_000_000));
  }
}
