package io.shardeddb.operator.status;

/** Where a shard stands after a reconcile, from waiting for pods to fully ready. */
public enum ShardPhase {
  /** Not every pod is running with an address yet. */
  AwaitingPods,
  /** Pods are up; the operator is sending /config and /role. */
  BringingUp,
  /** The primary is unavailable; waiting out primaryUnavailableSeconds. */
  PrimaryUnavailable,
  /** Failover could not elect: fewer than a majority answered, or no eligible replica. */
  NoQuorum,
  /** A replica is copying or catching up. */
  Copying,
  /** Primary healthy but some replicas are not ready. */
  Degraded,
  /** Primary and every replica ready. */
  Ready,
  /**
   * The user fenced the primary ({@code shardeddb.io/fenced-pods}) and no unfenced replica could
   * take over: the shard takes no writes until one can or the primary is unfenced.
   */
  PrimaryFenced,
  /** The database is hibernated ({@code shardeddb.io/hibernation: on}): no pods, volumes kept. */
  Hibernated
}
