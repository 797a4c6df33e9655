package io.shardeddb.operator.failover;

/** What the failover planner decided for a shard whose primary is unavailable. */
public sealed interface FailoverDecision {

  /** Promote {@code pod} at {@code epoch}; {@code reason} says why it won. */
  record Promote(String pod, long epoch, long appliedLsn, String reason)
      implements FailoverDecision {}

  /** Fewer than a majority of the shard's replicas answered: this side must not elect. */
  record NoQuorum(int answered, int required, int replicas) implements FailoverDecision {}

  /** A majority answered but none may become primary (all copying or excluded). */
  record NoCandidate(String why) implements FailoverDecision {}
}
