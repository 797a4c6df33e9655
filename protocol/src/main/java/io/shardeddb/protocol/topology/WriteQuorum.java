package io.shardeddb.protocol.topology;

/** How many replicas (counting the primary) must hold a write before it is acknowledged. */
public enum WriteQuorum {
  /** More than half of the shard's replicas. */
  Majority,
  /** Every replica of the shard. */
  All,
  /** The primary alone. */
  One,
  /**
   * Cabinet (the course seed): the best-weighted majority, the primary and the voters of highest
   * weight {@code 1 / (ack latency ms + lag + 1)} as the primary measures them, ⌊n/2⌋+1 in all. A
   * write is acknowledged once every member of that majority, as it stands, holds it: still a
   * majority (DESIGN §5 rule 5), and never sooner than {@link #Majority} would acknowledge it.
   */
  Cabinet;

  /** The number of replicas that must hold an entry, for a shard of {@code replicas} replicas. */
  public int required(int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("a shard has at least one replica, got " + replicas);
    }
    return switch (this) {
      case Majority, Cabinet -> replicas / 2 + 1;
      case All -> replicas;
      case One -> 1;
    };
  }
}
