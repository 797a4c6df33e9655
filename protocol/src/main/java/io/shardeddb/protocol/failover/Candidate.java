package io.shardeddb.protocol.failover;

import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.ReplicaState;
import java.time.Duration;

/**
 * One replica's answer to {@code /fence} during an election, with the SEER tie-breakers the caller
 * observed: how long the answer took, how often the replica's process restarted, and how long it
 * has been up. Only positions read from a fence answer are ever used to choose a primary.
 */
public record Candidate(
    String name,
    long fencedEpoch,
    long lastEntryEpoch,
    long lastLsn,
    ReplicaState state,
    Duration latency,
    int restarts,
    Duration uptime) {

  /** A candidate from a fence answer and the caller's tie-breakers. */
  public static Candidate of(
      FenceResponse answer, String name, Duration latency, int restarts, Duration uptime) {
    return new Candidate(
        name,
        answer.epoch(),
        answer.lastEntryEpoch(),
        answer.lastLsn(),
        answer.state(),
        latency == null ? Duration.ZERO : latency,
        restarts,
        uptime == null ? Duration.ZERO : uptime);
  }

  /**
   * Whether this replica holds a complete table: a replica mid-copy, or one that came back empty
   * and was never configured, cannot stand in for the data it lost. Nor can one whose log is empty
   * (no entry of any epoch): every replica that took part in an acknowledgement holds at least its
   * primary's no-op entry (DESIGN §5 rule 3), so an empty log means a lost volume that was
   * configured again but has not re-copied yet — counting it would let a minority elect.
   */
  public boolean holdsItsData() {
    return state != ReplicaState.Copying
        && state != ReplicaState.Unconfigured
        && (lastEntryEpoch > 0 || lastLsn > 0);
  }
}
