package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.PrimaryIdentity;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardConfig;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * What a replica answers to a pull of its history: {@code GET /log} by a secondary catching up (log
 * matching at the entry before the page, rule 4), a move's export of a range by {@code GET
 * /log?low=&size=} (only entries a quorum holds, rule 13), and the checks of {@code GET /snapshot}
 * (who answers, rules 4 and 7; which range; whether an exported snapshot's position is committed).
 * The one implementation, run by the shard-server's {@code ReplicationController} and by the
 * simulator's replica; the snapshot's rows come from each one's storage.
 */
@Singleton
public final class LogExport {
  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ReplicaStore store;
  private final ReplicationSettings settings;
  private final Rulebook rules;

  public LogExport(
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
   * Entries from {@code fromLsn} on. {@code prevEpoch} is the caller's epoch at {@code fromLsn-1}:
   * 409 when that entry differs here (diverged), 410 when it is no longer held (re-copy). An export
   * ({@code low} and {@code size}: a move's import) gets only entries a quorum holds (rule 13), and
   * {@code fromLsn=0} asks it from the first entry the log still holds. A caller naming the primary
   * it follows and its epoch ({@code primary}, {@code epoch}) is answered only by that replica.
   * {@code replica}: the secondary asking, whose matching previous entry then counts for the
   * primary's quorum.
   */
  public LogResponse log(
      long fromLsn,
      Long prevEpoch,
      Integer limit,
      String replica,
      Long low,
      Long size,
      String primary,
      Long epoch) {
    requireIdentity(PrimaryIdentity.Pull.LOG, primary, epoch);
    PointRange exported = exportRange(low, size);
    // An export never shows entries a quorum does not hold yet (rule 13): read the commit point
    // before the page, so every entry of the page up to it is committed.
    long committed =
        exported == null
            ? Long.MAX_VALUE
            : rules.exportedUpTo(coordinator.committedLsn(), ctx.appliedLsn());
    if (exported != null && fromLsn == 0) {
      // An import handing request outcomes over reads the range's history from the log's start.
      fromLsn = ctx.logStartLsn() + 1;
    }
    if (fromLsn < 1) {
      throw new InvalidRequestException("query 'fromLsn' must be at least 1, got " + fromLsn);
    }
    long last = ctx.appliedLsn();
    long prev = fromLsn - 1;
    long start = ctx.logStartLsn();
    if (prev > last) {
      throw ShardException.conflict(
          "diverged: the caller holds lsn "
              + prev
              + " but the log of "
              + ctx.name()
              + " ends at "
              + last);
    }
    if (prev < start) {
      throw new ShardException(
          410,
          "log before lsn "
              + (start + 1)
              + " is no longer held by "
              + ctx.name()
              + "; re-copy from /snapshot");
    }
    if (prev > 0 && prevEpoch != null) {
      long here =
          prev == start
              ? ctx.logStartEpoch()
              : store
                  .epochAt(prev)
                  .orElseThrow(() -> new ShardException(410, "lsn " + prev + " is no longer held"));
      if (here != prevEpoch) {
        throw ShardException.conflict(
            "diverged at lsn " + prev + ": epoch " + prevEpoch + " there, " + here + " here");
      }
    }
    int max = limit == null ? settings.logPageSize() : Math.min(limit, settings.logPageSize());
    List<LogEntry> entries = store.logPage(fromLsn, Math.max(1, max));
    // A matching previous entry proves the caller's log equals ours up to prev: it counts.
    if (replica != null && prevEpoch != null && ctx.view().role() == Role.Primary) {
      coordinator.peerHolds(replica, prev);
    }
    long lastLsn = entries.isEmpty() ? last : Math.max(last, entries.getLast().lsn());
    if (exported != null) {
      entries = CommittedLog.upTo(entries, committed);
      lastLsn = Math.max(0, Math.min(lastLsn, committed));
      ShardConfig config = ctx.requireConfig();
      entries =
          RangeRules.filterToRange(
              entries,
              key -> rules.exportedPoint(config.pointsBy(), key),
              exported,
              config::tableOrNull);
    }
    return new LogResponse(entries, lastLsn);
  }

  /**
   * Refuses (421) a {@code /log} or {@code /snapshot} pull meant for another server: a secondary
   * names the primary it follows and that primary's epoch, and only that replica, as the unfenced
   * primary of that epoch, answers ({@link PrimaryIdentity}). An address can be served by another
   * process than the one a secondary last heard of (a pod moved and its address was reused); its
   * log must not pass for the primary's (its matching entries would mark the secondary in sync,
   * rule 4), nor its rows for the primary's copy (rule 7), nor for a move's export of a range (rule
   * 13: an import names the source primary it chose by heartbeat, and its epoch). Absent: not
   * checked (older callers).
   */
  public void requireIdentity(PrimaryIdentity.Pull pull, String primary, Long epoch) {
    ReplicaContext.View v = ctx.view();
    if (!rules.answersAs(
        pull,
        primary,
        epoch,
        new PrimaryIdentity.Server(
            ctx.name(), v.role(), v.fenced(), v.epoch(), !coordinator.stoppedServing(v.epoch())))) {
      throw new ShardException(
          ShardEndpoints.NOT_OWNED,
          "this is "
              + ctx.name()
              + " ("
              + v.role()
              + (v.fenced() ? ", fenced" : "")
              + (coordinator.stoppedServing(v.epoch()) ? ", stopped serving its epoch" : "")
              + ", epoch "
              + v.epoch()
              + "), not the primary "
              + primary
              + (epoch == null ? "" : " of epoch " + epoch)
              + " that the caller follows");
    }
  }

  /**
   * The range an import asks for ({@code low} and {@code size} together), or null for the whole
   * shard. Only a primary exports: an import must read the history of the source's current epoch.
   */
  public PointRange exportRange(Long low, Long size) {
    if (low == null && size == null) {
      return null;
    }
    if (low == null || size == null) {
      throw new InvalidRequestException(
          "queries 'low' and 'size' go together (the point range to export)");
    }
    ctx.requirePrimary();
    try {
      return new PointRange(low, size);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("queries 'low'/'size': " + e.getMessage());
    }
  }

  /**
   * Whether an exported snapshot at {@code lsn} may go out: a quorum holds that position (rule 13),
   * so an import never copies an unacknowledged tail.
   */
  public boolean exportable(long lsn) {
    return rules.exportedUpTo(coordinator.committedLsn(), lsn) >= lsn;
  }

  /** The 503 for an exported snapshot whose position is not on a quorum (yet). */
  public ShardException notCommitted(long lsn) {
    return ShardException.unavailable(
        "the snapshot of "
            + ctx.name()
            + " at lsn "
            + lsn
            + " is not on a quorum yet (committed: "
            + coordinator.committedLsn()
            + "); an import copies only committed entries");
  }
}
