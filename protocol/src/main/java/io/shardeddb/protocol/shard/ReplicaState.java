package io.shardeddb.protocol.shard;

/** What a replica is doing, as {@code /heartbeat} reports it. */
public enum ReplicaState {
  /** No {@code /config} yet. */
  Unconfigured,
  /** Configured but no role yet. */
  AwaitingRole,
  /** Holds its role and is caught up with the primary (a primary is always caught up). */
  Ready,
  /** A secondary behind the primary, pulling the log. */
  CatchingUp,
  /** A secondary taking a snapshot from the primary (empty or diverged). */
  Copying,
  /** Told by a peer that a higher epoch exists, waiting for the operator's new role. */
  Fenced
}
