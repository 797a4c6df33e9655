package io.shardeddb.protocol.shard;

/**
 * Paths and status codes of the shard-server API that more than one process relies on
 * (docs/resharding.md for the range endpoints).
 */
public final class ShardEndpoints {
  private ShardEndpoints() {}

  /** Stop accepting reads and writes of a range; answers after a write quorum holds the fence. */
  public static final String FENCE_RANGE = "/ranges/fence";

  /** Start owning a range (the destination at cut-over, or the source when a move is aborted). */
  public static final String ADOPT_RANGE = "/ranges/adopt";

  /** Delete the rows of a range the shard no longer owns. */
  public static final String PURGE_RANGE = "/ranges/purge";

  /** Start ({@code POST}), inspect ({@code GET}) or stop ({@code DELETE ?moveId=}) an import. */
  public static final String IMPORT = "/import";

  /**
   * The answer to a read or write of a key whose point this shard does not own (421 Misdirected
   * Request): the router re-reads the topology and retries at the new owner.
   */
  public static final int NOT_OWNED = 421;
}
