package io.shardeddb.operator.model;

/**
 * How many pods the disruption budgets keep: the rules only, no Kubernetes types. A voluntary
 * eviction (a node drain, a cluster upgrade) must never break a shard's write quorum.
 */
public final class DisruptionBudgets {
  private DisruptionBudgets() {}

  /** The write quorum of a shard with {@code replicas} replicas in its spec (DESIGN §5 rule 5). */
  public static int majority(int replicas) {
    return replicas / 2 + 1;
  }

  /**
   * A shard's {@code minAvailable}: a majority of the spec's replicas, so an eviction never leaves
   * fewer Ready replicas than the write quorum, and for three or more replicas also all but one, so
   * drains go one pod at a time and the shard still survives one unplanned failure while a drain is
   * in progress. An absolute number counted over the spec, not {@code maxUnavailable: 1} over the
   * StatefulSet's scale: with 1 or 2 replicas that would let a drain evict a replica the quorum
   * needs (1 of 1, or 1 of 2 when both are needed), and while the scale differs from the spec
   * (scaling) it would count against the wrong total. Replicas that are not Ready (copying, behind)
   * do not count as available, so the budget also refuses evictions while one re-copies. With one
   * or two replicas no voluntary eviction is allowed at all: drains wait for a human.
   */
  public static int shardMinAvailable(int replicas) {
    if (replicas <= 0) {
      return 0;
    }
    return Math.max(majority(replicas), replicas - 1);
  }

  /**
   * The routers' {@code maxUnavailable}: one at a time. Routers hold no data, so a single router
   * may be evicted (a short outage while it reschedules, instead of a drain blocked forever); with
   * two or more, at least one keeps serving.
   */
  public static int routerMaxUnavailable() {
    return 1;
  }
}
