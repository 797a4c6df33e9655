package io.shardeddb.operator.status;

/** The condition types a ShardedDatabase reports. */
public enum ConditionType {
  /** Every shard has a primary and all replicas caught up, and the router is ready. */
  Ready,
  /** Running but with less redundancy than asked for, or a change was refused. */
  Degraded,
  /** The operator is bringing shards up, copying data, scaling or failing over. */
  Progressing,
  /** A resharding move is in flight (status.resharding says which and how far). */
  Resharding
}
