package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code shardeddb.replication.*}: how long a write waits for its quorum, how many concurrent
 * changes share one commit and one round trip, how often a secondary checks it is caught up, how
 * long a read with {@code minLsn} waits for this replica to reach it, how many log entries (and
 * request outcomes) are kept behind the applied LSN (older ones are trimmed; a replica that needs
 * them re-copies), the deadlines of every call to a peer (connect and whole request, DESIGN §5 rule
 * 10), the primary's read lease and its clock-drift margin (rule 9), the local address outgoing
 * peer connections bind to (unset: the system's choice), how many {@code /replicate} requests a
 * primary keeps in flight to each secondary ({@code window}; 1 = one at a time), and whether it
 * sends them over the binary replication stream ({@code stream}, default on since 2026-11-24: the
 * quiet benchmark in docs/benchmarks.md measured window 4 over the stream 20 % faster and 21 %
 * cheaper per write than one request at a time over HTTP) to secondaries that offer it, and whether
 * a primary hands a batch's log entries to its secondaries while its own group commit runs ({@code
 * overlap-commit}, issue 27; default off, see docs/shard-server.md "Overlapping the primary's
 * commit with replication"): the secondaries' commits then run beside the primary's instead of
 * after it, the quorum still counts the primary only once its own commit returned, and a term whose
 * commit fails after its entries went out stops serving (it never gives their LSNs to other
 * entries, rule 4).
 */
@ConfigurationProperties("shardeddb.replication")
public record ReplicationSettings(
    @Bindable(defaultValue = "3s") Duration quorumTimeout,
    @Bindable(defaultValue = "512") int maxBatch,
    @Bindable(defaultValue = "500ms") Duration pollInterval,
    @Bindable(defaultValue = "1s") Duration connectTimeout,
    @Bindable(defaultValue = "1s") Duration minLsnWait,
    @Bindable(defaultValue = "2000") int logPageSize,
    @Bindable(defaultValue = "1000000") long logRetention,
    @Bindable(defaultValue = "10s") Duration logTrimInterval,
    @Bindable(defaultValue = "5s") Duration requestTimeout,
    @Bindable(defaultValue = "2s") Duration leasePeriod,
    @Bindable(defaultValue = "200ms") Duration leaseDrift,
    @Nullable String localAddress,
    @Bindable(defaultValue = "4") int window,
    @Bindable(defaultValue = "true") boolean stream,
    @Bindable(defaultValue = "0") int streamPort,
    @Bindable(defaultValue = "false") boolean overlapCommit) {

  /**
   * The system property that sets {@code overlapCommit} for code that builds settings without it.
   */
  public static final String OVERLAP_COMMIT_PROPERTY = "shardeddb.replication.overlap-commit";

  @Creator
  public ReplicationSettings {
    if (window < 1) {
      throw new IllegalArgumentException(
          "shardeddb.replication.window must be at least 1, not " + window);
    }
  }

  /**
   * Settings as before {@code overlapCommit}: it is taken from the system property {@value
   * #OVERLAP_COMMIT_PROPERTY} (false when unset), so a whole simulator run can be switched ({@code
   * -Dshardeddb.replication.overlap-commit=true}).
   */
  public ReplicationSettings(
      Duration quorumTimeout,
      int maxBatch,
      Duration pollInterval,
      Duration connectTimeout,
      Duration minLsnWait,
      int logPageSize,
      long logRetention,
      Duration logTrimInterval,
      Duration requestTimeout,
      Duration leasePeriod,
      Duration leaseDrift,
      String localAddress,
      int window,
      boolean stream,
      int streamPort) {
    this(
        quorumTimeout,
        maxBatch,
        pollInterval,
        connectTimeout,
        minLsnWait,
        logPageSize,
        logRetention,
        logTrimInterval,
        requestTimeout,
        leasePeriod,
        leaseDrift,
        localAddress,
        window,
        stream,
        streamPort,
        Boolean.getBoolean(OVERLAP_COMMIT_PROPERTY));
  }

  /** How recent a majority's acknowledgement must be for the lease to hold. */
  public Duration leaseWindow() {
    return leasePeriod.minus(leaseDrift);
  }
}
