package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.BoundedReads;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.rules.SessionReads;
import jakarta.inject.Singleton;

/**
 * Who may serve a read, by its consistency level (DESIGN §5 rule 9), each guard throwing the error
 * the read answers: a {@code primary} read only the primary holding its lease; a session read the
 * replica whose in-sync log holds the session's entry (or, with no entry for this shard, a replica
 * in sync with its primary); a read with {@code minLsn} alone a replica that applied it; a {@code
 * bounded} read a secondary caught up with its primary recently enough. The guards do not wait: the
 * shard-server's {@code ReadRequests} first waits up to {@code min-lsn-wait} for the entry to
 * arrive, the simulator's replica answers at once. One implementation for both.
 */
@Singleton
public final class ReadGuards {
  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ReplicaStore store;
  private final ReplicationSettings settings;
  private final Rulebook rules;

  public ReadGuards(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      ReplicaStore store,
      ReplicationSettings settings,
      Rulebook rules) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.store = store;
    this.settings = settings;
    this.rules = rules;
  }

  /**
   * A {@code primary} read: this replica is the unfenced primary and holds its lease (else
   * 409/503).
   */
  public void requireLease() {
    ctx.requirePrimary();
    ReplicaContext.View v = ctx.view();
    switch (coordinator.lease()) {
      case HELD -> {}
      case TOO_SOON_AFTER_PROMOTION ->
          throw ShardException.unavailable(
              "no lease: "
                  + ctx.name()
                  + " became primary of epoch "
                  + v.epoch()
                  + " less than one lease period ("
                  + settings.leasePeriod().toMillis()
                  + " ms) ago; a former primary may still serve reads until then");
      case EXPIRED ->
          throw ShardException.unavailable(
              "no lease: a majority of the replicas has not acknowledged epoch "
                  + v.epoch()
                  + " of "
                  + ctx.name()
                  + " within the last "
                  + settings.leaseWindow().toMillis()
                  + " ms");
    }
  }

  /**
   * A session read with no entry for this shard: a replica in sync ({@link Rulebook#sessionRead}).
   * Such a session may still hold writes a move brought here (its token names the shard they were
   * acknowledged on): only a replica in sync with the primary — which holds every entry up to the
   * adopt that made the range its own — may serve it.
   */
  public void requireInSyncForSession() {
    ReplicaContext.View v = ctx.view();
    if (rules.sessionRead(ctx.inSync(), v.appliedLsn(), 0, 0, LogMatching.NOT_HELD)
        != SessionReads.Session.SERVE) {
      throw notInSync(v);
    }
  }

  /**
   * This replica's in-sync log reaches the shard's session floor {@code floor} ({@link
   * Rulebook#sessionFloor}), else 409: a range that moved away and back may be owned here by a log
   * that missed the writes made on the other shard meanwhile.
   */
  public void requireFloor(LogPosition floor) {
    ReplicaContext.View v = ctx.view();
    LogPosition last = new LogPosition(v.lastEntryEpoch(), v.appliedLsn());
    switch (rules.sessionFloor(ctx.inSync(), last, floor)) {
      case SERVE -> {}
      case NOT_IN_SYNC -> throw notInSync(v);
      default ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + "'s log ends at "
                  + last
                  + ", before the shard's session floor ("
                  + floor
                  + ", the adopt that gave the shard its points); it cannot serve this session");
    }
  }

  /**
   * A session's entry ({@code minEpoch}, {@code minLsn}) is in this replica's in-sync log (409).
   */
  public void requireSessionEntry(long minEpoch, long minLsn) {
    ReplicaContext.View v = ctx.view();
    long epochAt = ctx.epochAt(v, minLsn, store::epochAt);
    switch (rules.sessionRead(ctx.inSync(), v.appliedLsn(), minEpoch, minLsn, epochAt)) {
      case SERVE -> {}
      case NOT_YET -> throw notYet(minLsn);
      case NOT_IN_SYNC -> throw notInSync(v);
      case OTHER_HISTORY ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " holds lsn "
                  + minLsn
                  + " from epoch "
                  + epochAt
                  + ", not the session's epoch "
                  + minEpoch
                  + "; it cannot serve this session");
      case CANNOT_VERIFY ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " no longer holds lsn "
                  + minLsn
                  + " in its log (trimmed or below its last re-copy); it cannot verify the"
                  + " session");
    }
  }

  /**
   * A {@code bounded} read on a secondary (rule 9, {@link Rulebook#boundedRead}): at a contact of
   * its primary no older than {@code maxStalenessMs}, it had applied everything the primary had
   * committed then, and it is still in sync in that epoch (else 409; the router reads from the
   * primary). A primary serves a bounded read as a {@code primary} one ({@link #requireLease}).
   */
  public void requireBounded(long maxStalenessMs) {
    ReplicaContext.View v = ctx.view();
    long contactNanos = ctx.caughtUpNanos();
    long contactEpoch = ctx.caughtUpEpoch();
    long now = ctx.nanos();
    switch (rules.boundedRead(
        ctx.inSync() && v.role() == io.shardeddb.protocol.topology.Role.Secondary,
        v.epoch(),
        contactEpoch,
        contactNanos,
        now,
        maxStalenessMs * 1_000_000L)) {
      case SERVE -> {}
      case NOT_IN_SYNC ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " is not in sync with the primary of epoch "
                  + v.epoch()
                  + " (state "
                  + ctx.state()
                  + "); it cannot serve a bounded read");
      case TOO_STALE ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + (contactNanos == BoundedReads.NEVER || contactEpoch != v.epoch()
                      ? " has not been caught up with its primary at any contact of epoch "
                          + v.epoch()
                      : " was last caught up with its primary "
                          + Math.max(0, (now - contactNanos) / 1_000_000L)
                          + " ms ago")
                  + ", more than the read's maxStalenessMs "
                  + maxStalenessMs
                  + "; it cannot serve this bounded read");
    }
  }

  /** A read with {@code minLsn} alone (a token whose entry left the log): applied here (409). */
  public void requireApplied(long minLsn) {
    if (ctx.appliedLsn() < minLsn) {
      throw notYet(minLsn);
    }
  }

  private ShardException notYet(long minLsn) {
    return ShardException.conflict(
        "replica "
            + ctx.name()
            + " has applied lsn "
            + ctx.appliedLsn()
            + ", not yet minLsn "
            + minLsn);
  }

  private ShardException notInSync(ReplicaContext.View v) {
    return ShardException.conflict(
        "replica "
            + ctx.name()
            + " is not in sync with the primary of epoch "
            + v.epoch()
            + " (state "
            + ctx.state()
            + "); it cannot serve a session read");
  }
}
