package io.shardeddb.protocol.topology;

/** How many replicas (counting the primary) must hold a write before it is acknowledged. */
public enum WriteQuorum {
  /** More than half of the shard's replicas. */
  Majority,
  /** Every replica of the shard. */
  All,
  /** The primary alone. */
  One;

  /** The number of replicas that must hold an entry, for a shard of {@code replicas} replicas. */
  public int required(int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("a shard has at least one replica, got " + replicas);
    }
    return switch (this) {
      case Majority -> replicas / 2 + 1;
      case All -> replicas;
      case One -> 1;
    };
  }
}
