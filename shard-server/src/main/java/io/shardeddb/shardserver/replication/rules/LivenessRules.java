package io.shardeddb.shardserver.replication.rules;

/**
 * Rule 11, as the replicas judge it (DESIGN §5, docs/safety.md "Where an outage's seconds go"): how
 * a primary and its secondaries tell that the primary no longer reaches a majority, so that the
 * operator replaces it within seconds instead of waiting out {@code primaryUnavailableSeconds}.
 *
 * <ul>
 *   <li><b>Check-quorum</b> (Raft §6.2's CheckQuorum): a primary that has heard from no majority at
 *       its epoch for a lease period stands down — it takes no new write and its heartbeat says so
 *       ({@code QuorumState.steppedDown}), so the operator elects at once. Any answer at its epoch
 *       counts (in sync or catching up), and so does a {@code /log} pull naming it, so a primary
 *       whose secondaries are reachable but still catching up never stands down; a refusal or
 *       silence does not count. Each voter is judged by its freshest contact: when its latest
 *       answer <em>arrived</em>, not when the request it answers was sent (a secondary that was
 *       away answers its first request late; judged by the send time, the primary stood down right
 *       after it returned, issue 47 item 6).
 *   <li><b>Primary lost</b>: a secondary that received no request of its epoch from the primary it
 *       follows for a lease period reports it ({@code Heartbeat.primaryLost}); the primary pings
 *       every quarter of its lease window, so that is several pings missed. The operator, when it
 *       cannot reach the primary itself, elects at once once enough secondaries report it that the
 *       primary cannot form a majority without them.
 * </ul>
 *
 * Neither decides anything about safety: a stood-down primary keeps its epoch and log (no
 * acknowledged write is touched), and a new primary is still elected by fence-then-choose (rule 2)
 * with leases (rule 9) untouched. They only decide when, which is all liveness asks.
 */
public final class LivenessRules {
  private LivenessRules() {}

  /**
   * Whether a primary stands down at {@code nowNanos}: a majority of its voters (itself included)
   * was last in contact at its epoch (an answer arrived) at {@code majorityContactNanos} (the
   * term's start when none has yet), a lease period ({@code periodNanos}) or more ago.
   */
  public static boolean standsDown(long nowNanos, long majorityContactNanos, long periodNanos) {
    return nowNanos - majorityContactNanos >= periodNanos;
  }

  /**
   * Whether a secondary that last heard from its primary at {@code lastHeardNanos} (or took its
   * role then) reports it lost at {@code nowNanos}: a lease period ({@code periodNanos}) or more
   * ago.
   */
  public static boolean primaryLost(long nowNanos, long lastHeardNanos, long periodNanos) {
    return nowNanos - lastHeardNanos >= periodNanos;
  }
}
