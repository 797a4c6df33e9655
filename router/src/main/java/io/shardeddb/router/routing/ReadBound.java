package io.shardeddb.router.routing;

import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The bound of a {@code bounded} read ({@code maxStalenessMs}), carried to every shard call the
 * read makes (each page, each replica tried) in its Reactor context, as {@code ReadDeadline}
 * carries a statement's deadline: the controllers resolve it (the request's field, else the
 * router's {@code shardeddb.router.reads.max-staleness}) and run the read {@link #within} it;
 * {@link ReadPath} sends it with each {@code /read}. A read that sets none is bounded by {@link
 * #DEFAULT_MS}.
 */
public final class ReadBound {
  /** The bound when none was set: {@code shardeddb.router.reads.max-staleness}'s default. */
  public static final long DEFAULT_MS = 1_000;

  private static final Object KEY = ReadBound.class;

  private ReadBound() {}

  /** {@code read}, its shard calls bounded by {@code maxStalenessMs}. */
  public static <T> Mono<T> within(Mono<T> read, long maxStalenessMs) {
    return read.contextWrite(c -> c.put(KEY, maxStalenessMs));
  }

  /** The bound in {@code context}, {@link #DEFAULT_MS} without one. */
  public static long of(ContextView context) {
    Long ms = context.getOrDefault(KEY, null);
    return ms == null ? DEFAULT_MS : ms;
  }
}
