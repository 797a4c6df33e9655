package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.schema.StorageFormat;
import io.shardeddb.protocol.shard.CopyProgress;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.replication.rules.BoundedReads;
import io.shardeddb.shardserver.replication.rules.CopyState;
import io.shardeddb.shardserver.replication.rules.EpochRules;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The in-memory mirror of what this replica is (config, role, epoch) and how far it is (applied
 * LSN). Every change that must survive a restart is persisted by its caller before it lands here.
 *
 * <p>The state is three immutable records — {@link ReplicaTerm} (who it was told it is), {@link
 * LogExtent} (how far its log goes) and {@link Standing} (how it stands against its primary) — plus
 * the config; each change replaces them whole behind this object's one monitor, because the
 * replication rules hold across them together (role with epoch, applied LSN with the log's start
 * and the copy state). What it reports ({@link #state()}, {@link #inSync()}, the heartbeat) is
 * derived from them by the pure functions at the end.
 *
 * <p>Why this file is over 450 lines: it is the one monitor over the replica's state; what a read
 * or a heartbeat may conclude (in sync, the bounded-read contact, the copy state) must change
 * together with the role, log and standing it depends on, so it cannot live behind another lock.
 */
@Singleton
public class ReplicaContext {
  private final String name;
  private final ReplicaClock clock;
  private ShardConfig config;
  private UserTable table;
  private ImportProgress importing;
  private ReplicaTerm term = ReplicaTerm.NONE;
  private LogExtent log = LogExtent.EMPTY;
  private Standing standing;

  // Bounded reads (rule 9): the epoch and time of the last contact from the primary at which this
  // replica had applied everything the primary had committed (BoundedReads), NEVER when none.
  private long caughtUpEpoch = -1;
  private long caughtUpNanos = BoundedReads.NEVER;

  public ReplicaContext(ServerSettings server, ReplicaClock clock) {
    this.name = server.name();
    this.clock = clock;
    this.standing = Standing.initial(clock.nanos());
  }

  /** This replica's name. */
  public String name() {
    return name;
  }

  /** A consistent copy of the role-related state. */
  public record View(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum quorum,
      long appliedLsn,
      long lastEntryEpoch,
      boolean fenced,
      long verifiedEpoch,
      int specReplicas) {

    /**
     * The number of replicas the write quorum is counted over: the spec's (rule 5); only a caller
     * that did not send it (0) falls back to the peers it listed.
     */
    public int replicasForQuorum() {
      return specReplicas > 0 ? specReplicas : Math.max(1, peers.size());
    }
  }

  public synchronized View view() {
    return new View(
        term.epoch(),
        term.role(),
        term.primary(),
        term.peers(),
        term.quorum(),
        log.appliedLsn(),
        log.lastEntryEpoch(),
        term.fenced(),
        standing.verifiedEpoch(),
        term.specReplicas());
  }

  /** The epoch and vote as persisted (rule 1). */
  public synchronized EpochRules.Epochs epochs() {
    return new EpochRules.Epochs(term.epoch(), term.voteEpoch(), term.votedPrimary());
  }

  /** The copy state (rule 7). */
  public synchronized CopyState copyState() {
    return log.copyState();
  }

  public synchronized boolean copying() {
    return log.copying();
  }

  public synchronized ShardConfig config() {
    return config;
  }

  /** The user's table, or a 503 when {@code /config} has not been received. */
  public synchronized UserTable requireTable() {
    if (table == null) {
      throw ShardException.unavailable(
          "shard-server " + name + " is not configured yet (POST /config first)");
    }
    return table;
  }

  /** The config, or a 503 when {@code /config} has not been received. */
  public synchronized ShardConfig requireConfig() {
    requireTable();
    return config;
  }

  /**
   * A range or Schema entry changed the config (already persisted with the entry): what the shard
   * owns, or the table's schema (then the table too).
   */
  public synchronized void updateOwned(ShardConfig config) {
    if (table != null && !table.schema().equals(config.schema())) {
      this.table = new UserTable(config.schema());
    }
    this.config = config;
  }

  /** The progress of this primary's import, or null (docs/resharding.md). */
  public synchronized void importing(ImportProgress progress) {
    this.importing = progress;
  }

  public synchronized ImportProgress importing() {
    return importing;
  }

  public synchronized void configure(ShardConfig config) {
    this.config = config;
    this.table = new UserTable(config.schema());
  }

  public synchronized void restore(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum quorum,
      long appliedLsn,
      long lastEntryEpoch,
      long logStartLsn,
      long logStartEpoch,
      boolean copying,
      long voteEpoch,
      String votedPrimary,
      int specReplicas) {
    term =
        term.restored(epoch, role, primary, peers, quorum, voteEpoch, votedPrimary, specReplicas);
    log = new LogExtent(appliedLsn, lastEntryEpoch, logStartLsn, logStartEpoch, copying);
    standing = standing.restored();
  }

  public synchronized void assignRole(
      long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum quorum, int specReplicas) {
    term = ReplicaTerm.assigned(epoch, role, primary, peers, quorum, specReplicas);
    standing = standing.assigned(role, log.appliedLsn());
  }

  /** A peer reported a higher epoch: stop acting as primary until the operator assigns a role. */
  public synchronized void fence(long seenEpoch) {
    term = term.fencedBy(seenEpoch);
    standing = standing.fenced();
  }

  public synchronized long appliedLsn() {
    return log.appliedLsn();
  }

  public synchronized long lastEntryEpoch() {
    return log.lastEntryEpoch();
  }

  public synchronized long logStartLsn() {
    return log.logStartLsn();
  }

  public synchronized long logStartEpoch() {
    return log.logStartEpoch();
  }

  /**
   * The epoch of the entry at {@code lsn} as this replica holds it (a session read's check that the
   * entry it waits for is the session's): 0 for no entry, the view's last entry, the log start, or
   * the stored entry's epoch looked up by {@code stored}; {@link LogMatching#NOT_HELD} past what it
   * applied or below its log start.
   */
  public long epochAt(View v, long lsn, LongFunction<Optional<Long>> stored) {
    if (lsn <= 0) {
      return 0;
    }
    if (lsn == v.appliedLsn()) {
      return v.lastEntryEpoch();
    }
    LogExtent now;
    synchronized (this) {
      now = log;
    }
    if (lsn == now.logStartLsn()) {
      return now.logStartEpoch();
    }
    if (lsn > v.appliedLsn() || lsn < now.logStartLsn()) {
      return LogMatching.NOT_HELD;
    }
    return stored.apply(lsn).orElse(LogMatching.NOT_HELD);
  }

  /**
   * The primary's group commit of epoch {@code termEpoch} committed up to {@code lsn}. Refused (and
   * false) when this replica is no longer that primary: the commit re-checked the persisted epoch
   * and role in its transaction, and role changes wait for commits in flight (rule 6), so a refusal
   * here means a broken invariant, never a normal race.
   */
  public synchronized boolean advanceAsPrimary(long lsn, long entryEpoch, long termEpoch) {
    if (!term.primaryOf(termEpoch)) {
      return false;
    }
    advance(lsn, entryEpoch);
    return true;
  }

  /** Records entries committed locally up to {@code lsn} (written in {@code epoch}). */
  public synchronized void advance(long lsn, long entryEpoch) {
    log = log.advanced(lsn, entryEpoch);
    if (term.role() == Role.Primary) {
      standing = standing.withPrimaryLsn(log.appliedLsn());
    }
    notifyAll();
  }

  /**
   * A re-copy began (rule 7, mirrored after it is persisted): nothing is held any more, and this
   * replica is not verified against anyone.
   */
  public synchronized void beginCopy() {
    log = log.copyBegun();
    standing = standing.copyBegun();
    caughtUpNanos = BoundedReads.NEVER;
  }

  /** After a snapshot load: the rows are those of {@code lsn}; the log starts after it. */
  public synchronized void resetTo(long lsn, long entryEpoch, long verifiedForEpoch) {
    log = LogExtent.snapshotAt(lsn, entryEpoch);
    standing = standing.snapshotLoaded(verifiedForEpoch);
    notifyAll();
  }

  /**
   * Waits up to {@code millis} for the applied LSN to reach {@code lsn}; returns whether it did.
   */
  public synchronized boolean awaitApplied(long lsn, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (log.appliedLsn() < lsn) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** The log now starts after {@code lsn} (older entries were trimmed). */
  public synchronized void logStart(long lsn, long epoch) {
    log = log.startsAfter(lsn, epoch);
  }

  public synchronized void markVerified(long forEpoch) {
    standing = standing.verified(forEpoch);
  }

  /** The log turned out not to match the primary's: verify (or re-copy) before counting again. */
  public synchronized void markUnverified() {
    standing = standing.unverified(term.role());
    caughtUpNanos = BoundedReads.NEVER;
  }

  /**
   * A contact of the primary of {@code epoch}, arrived at {@code nanos}, at which this replica had
   * applied everything the primary had committed (rule 9, bounded reads). Ignored unless this
   * replica is still a secondary of that epoch.
   */
  public synchronized void caughtUpAt(long epoch, long nanos) {
    if (term.role() != Role.Secondary || term.epoch() != epoch) {
      return;
    }
    if (caughtUpEpoch != epoch || caughtUpNanos == BoundedReads.NEVER || nanos > caughtUpNanos) {
      caughtUpEpoch = epoch;
      caughtUpNanos = nanos;
    }
  }

  /** The epoch of the last caught-up contact ({@link #caughtUpAt}), -1 when none. */
  public synchronized long caughtUpEpoch() {
    return caughtUpNanos == BoundedReads.NEVER ? -1 : caughtUpEpoch;
  }

  /** When the last caught-up contact arrived ({@link BoundedReads#NEVER}: none). */
  public synchronized long caughtUpNanos() {
    return caughtUpNanos;
  }

  /** Now on this replica's monotonic clock (the one contacts are timed by). */
  public long nanos() {
    return clock.nanos();
  }

  /**
   * Whether this replica's data is the current history: the unfenced primary, or a Ready secondary
   * verified in its current epoch and not copying.
   */
  public synchronized boolean inSync() {
    return inSync(config != null, term, log, standing);
  }

  /**
   * The primary of epoch {@code fromEpoch} said its log reaches {@code lsn}. Ignored unless this
   * replica is still a secondary of that epoch: a late answer from a former primary must not set
   * the position the current one is measured against.
   */
  public synchronized void learnPrimaryLsn(long lsn, long fromEpoch) {
    if (term.role() != Role.Secondary || fromEpoch != term.epoch()) {
      return;
    }
    standing = standing.primaryReached(lsn, clock.nanos());
  }

  public synchronized long nanosSincePrimaryContact() {
    return clock.nanos() - standing.lastPrimaryContactNanos();
  }

  /** Asks for a re-copy: Copying from now on, until {@link #beginCopy} (see {@link Standing}). */
  public synchronized void requestCopy() {
    standing = standing.copyAsked();
  }

  /** Whether a re-copy was asked for and has not begun. */
  public synchronized boolean copyRequested() {
    return standing.copyRequested();
  }

  public synchronized void secondaryState(ReplicaState state) {
    // While a requested copy has not begun, catch-up must not report this replica Ready.
    standing = standing.reached(state);
  }

  public synchronized void copyProgress(CopyProgress progress) {
    standing = standing.copying(progress);
  }

  /**
   * What {@code /heartbeat}, {@code /fence} and readiness report. A begun re-copy says Copying
   * whatever the role, until it completes (rule 7).
   */
  public synchronized ReplicaState state() {
    return reported(config != null, term, log, standing);
  }

  /** How far behind the primary this replica is, as last learned (0 on the primary). */
  public synchronized long lagLsn() {
    return lag(term, log, standing);
  }

  public synchronized Heartbeat heartbeat() {
    ReplicaState s = state();
    Peer primary = term.primary();
    return Heartbeat.builder(name, config == null ? null : config.shardId())
        .role(term.role())
        .epoch(term.epoch())
        .appliedLsn(log.appliedLsn())
        .lastEntryEpoch(log.lastEntryEpoch())
        .primary(primary == null ? null : primary.name())
        .lagLsn(lagLsn())
        .state(s)
        .copy(s == ReplicaState.Copying ? standing.copy() : null)
        .primaryUrl(primary == null ? null : primary.url())
        .owned(config == null ? null : config.ownedRanges())
        .importing(term.role() == Role.Primary ? importing : null)
        .storageFormat(StorageFormat.CURRENT)
        .build();
  }

  /**
   * Fails with 409 naming the primary unless this replica is the unfenced primary (client writes
   * are only taken there).
   */
  public synchronized void requirePrimary() {
    if (term.role() == Role.Primary && !term.fenced()) {
      return;
    }
    if (term.fenced()) {
      throw ShardException.conflict(
          "not primary: "
              + name
              + " was fenced by epoch "
              + term.epoch()
              + " and awaits a new role");
    }
    if (term.primary() == null) {
      throw ShardException.conflict(
          "not primary: " + name + " has no primary assigned yet (epoch " + term.epoch() + ")");
    }
    throw ShardException.conflict(
        "not primary: primary is " + term.primary().name() + " (epoch " + term.epoch() + ")");
  }

  /** The state a replica reports, from what it is (a begun re-copy says Copying, rule 7). */
  static ReplicaState reported(
      boolean configured, ReplicaTerm term, LogExtent log, Standing standing) {
    if (log.copying() && configured) {
      return ReplicaState.Copying;
    }
    if (standing.state() == ReplicaState.Copying && term.role() == Role.Secondary) {
      return ReplicaState.Copying;
    }
    if (!configured) {
      return ReplicaState.Unconfigured;
    }
    if (term.fenced()) {
      return ReplicaState.Fenced;
    }
    if (term.role() == Role.None) {
      return ReplicaState.AwaitingRole;
    }
    if (term.role() == Role.Primary) {
      return ReplicaState.Ready;
    }
    return standing.state();
  }

  /**
   * Whether the data is the current history: the unfenced primary, or a Ready secondary verified in
   * its current epoch and not copying.
   */
  static boolean inSync(boolean configured, ReplicaTerm term, LogExtent log, Standing standing) {
    if (log.copying() || !configured || term.fenced()) {
      return false;
    }
    if (term.role() == Role.Primary) {
      return true;
    }
    return term.role() == Role.Secondary
        && standing.verifiedEpoch() == term.epoch()
        && standing.state() == ReplicaState.Ready;
  }

  /** How far behind the primary, as last learned (0 on the primary). */
  static long lag(ReplicaTerm term, LogExtent log, Standing standing) {
    return term.role() == Role.Primary ? 0 : Math.max(0, standing.primaryLsn() - log.appliedLsn());
  }
}
