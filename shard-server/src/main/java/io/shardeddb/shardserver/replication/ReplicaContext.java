package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.CopyProgress;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ServerSettings;
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
 * <p>Why this file is over 450 lines: every field sits behind this object's one monitor, and the
 * replication rules hold across fields together (role with epoch, applied LSN with the log's start
 * and the copy state); splitting the state would split the lock that keeps them consistent.
 */
@Singleton
public class ReplicaContext {
  private final String name;
  private ShardConfig config;
  private UserTable table;
  private long epoch;
  private Role role = Role.None;
  private Peer primary;
  private List<Peer> peers = List.of();
  private WriteQuorum quorum = WriteQuorum.Majority;
  private long appliedLsn;
  private long lastEntryEpoch;
  private long logStartLsn;
  private long logStartEpoch;
  private boolean fenced;
  private ReplicaState secondaryState = ReplicaState.CatchingUp;

  /**
   * A re-copy asked for ({@code POST /resync}) that has not begun yet: reported as Copying from the
   * moment it is asked for, so nobody (the operator's rebuild, the primary's quorum) takes this
   * replica for caught up in between; cleared when the copy begins or the replica turns primary.
   */
  private boolean copyRequested;

  private CopyProgress copy;
  private long primaryLsn;
  private long verifiedEpoch = -1;
  private long lastPrimaryContactNanos;
  private boolean copying;
  private long voteEpoch;
  private String votedPrimary;
  private int specReplicas;
  private ImportProgress importing;

  private final ReplicaClock clock;

  public ReplicaContext(ServerSettings server, ReplicaClock clock) {
    this.name = server.name();
    this.clock = clock;
    this.lastPrimaryContactNanos = clock.nanos();
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
        epoch,
        role,
        primary,
        peers,
        quorum,
        appliedLsn,
        lastEntryEpoch,
        fenced,
        verifiedEpoch,
        specReplicas);
  }

  /** The epoch and vote as persisted (rule 1). */
  public synchronized EpochRules.Epochs epochs() {
    return new EpochRules.Epochs(epoch, voteEpoch, votedPrimary);
  }

  /** The copy state (rule 7). */
  public synchronized CopyState copyState() {
    return new CopyState(copying, appliedLsn, lastEntryEpoch);
  }

  public synchronized boolean copying() {
    return copying;
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
   * A range entry changed what the shard owns (already persisted with the entry): same table, new
   * ownership.
   */
  public synchronized void updateOwned(ShardConfig config) {
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
    this.copying = copying;
    this.voteEpoch = voteEpoch;
    this.votedPrimary = votedPrimary;
    this.specReplicas = specReplicas;
    this.epoch = epoch;
    this.role = role;
    this.primary = primary;
    this.peers = peers;
    this.quorum = quorum;
    this.appliedLsn = appliedLsn;
    this.lastEntryEpoch = lastEntryEpoch;
    this.logStartLsn = logStartLsn;
    this.logStartEpoch = logStartEpoch;
    this.secondaryState = ReplicaState.CatchingUp;
  }

  public synchronized void assignRole(
      long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum quorum, int specReplicas) {
    this.voteEpoch = epoch;
    this.votedPrimary = primary.name();
    this.specReplicas = specReplicas;
    this.epoch = epoch;
    this.role = role;
    this.primary = primary;
    this.peers = List.copyOf(peers);
    this.quorum = quorum;
    this.fenced = false;
    this.verifiedEpoch = -1;
    if (role == Role.Primary) {
      this.copyRequested = false;
    }
    this.secondaryState = copyRequested ? ReplicaState.Copying : ReplicaState.CatchingUp;
    // How far the primary's log goes is learned anew from this role's primary: a position kept
    // from before (this replica's own, as a demoted primary, or an old primary's unacknowledged
    // tail) may be beyond where the new primary's log ends, and would keep this secondary
    // CatchingUp until the new primary happened to write past it.
    this.primaryLsn = role == Role.Primary ? appliedLsn : 0;
  }

  /** A peer reported a higher epoch: stop acting as primary until the operator assigns a role. */
  public synchronized void fence(long seenEpoch) {
    this.epoch = Math.max(epoch, seenEpoch);
    this.role = Role.None;
    this.primary = null;
    this.fenced = true;
    this.primaryLsn = 0;
  }

  public synchronized long appliedLsn() {
    return appliedLsn;
  }

  public synchronized long lastEntryEpoch() {
    return lastEntryEpoch;
  }

  public synchronized long logStartLsn() {
    return logStartLsn;
  }

  public synchronized long logStartEpoch() {
    return logStartEpoch;
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
    long startLsn;
    long startEpoch;
    synchronized (this) {
      startLsn = logStartLsn;
      startEpoch = logStartEpoch;
    }
    if (lsn == startLsn) {
      return startEpoch;
    }
    if (lsn > v.appliedLsn() || lsn < startLsn) {
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
    if (role != Role.Primary || fenced || epoch != termEpoch) {
      return false;
    }
    advance(lsn, entryEpoch);
    return true;
  }

  /** Records entries committed locally up to {@code lsn} (written in {@code epoch}). */
  public synchronized void advance(long lsn, long entryEpoch) {
    if (lsn > appliedLsn) {
      appliedLsn = lsn;
      lastEntryEpoch = entryEpoch;
    }
    if (role == Role.Primary) {
      primaryLsn = appliedLsn;
    }
    notifyAll();
  }

  /**
   * A re-copy began (rule 7, mirrored after it is persisted): nothing is held any more, and this
   * replica is not verified against anyone.
   */
  public synchronized void beginCopy() {
    copyRequested = false;
    CopyState s = copyState().begin();
    copying = s.copying();
    appliedLsn = s.appliedLsn();
    lastEntryEpoch = s.lastEntryEpoch();
    logStartLsn = 0;
    logStartEpoch = 0;
    verifiedEpoch = -1;
  }

  /** After a snapshot load: the rows are those of {@code lsn}; the log starts after it. */
  public synchronized void resetTo(long lsn, long entryEpoch, long verifiedForEpoch) {
    copying = false;
    appliedLsn = lsn;
    lastEntryEpoch = entryEpoch;
    logStartLsn = lsn;
    logStartEpoch = entryEpoch;
    verifiedEpoch = verifiedForEpoch;
    copy = null;
    notifyAll();
  }

  /**
   * Waits up to {@code millis} for the applied LSN to reach {@code lsn}; returns whether it did.
   */
  public synchronized boolean awaitApplied(long lsn, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (appliedLsn < lsn) {
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
    if (lsn > logStartLsn) {
      logStartLsn = lsn;
      logStartEpoch = epoch;
    }
  }

  public synchronized void markVerified(long forEpoch) {
    verifiedEpoch = forEpoch;
  }

  /** The log turned out not to match the primary's: verify (or re-copy) before counting again. */
  public synchronized void markUnverified() {
    verifiedEpoch = -1;
    if (role == Role.Secondary && secondaryState == ReplicaState.Ready) {
      secondaryState = ReplicaState.CatchingUp;
    }
  }

  /**
   * Whether this replica's data is the current history: the unfenced primary, or a Ready secondary
   * verified in its current epoch and not copying.
   */
  public synchronized boolean inSync() {
    if (copying || config == null || fenced) {
      return false;
    }
    if (role == Role.Primary) {
      return true;
    }
    return role == Role.Secondary && verifiedEpoch == epoch && secondaryState == ReplicaState.Ready;
  }

  /**
   * The primary of epoch {@code fromEpoch} said its log reaches {@code lsn}. Ignored unless this
   * replica is still a secondary of that epoch: a late answer from a former primary must not set
   * the position the current one is measured against.
   */
  public synchronized void learnPrimaryLsn(long lsn, long fromEpoch) {
    if (role != Role.Secondary || fromEpoch != epoch) {
      return;
    }
    primaryLsn = Math.max(primaryLsn, lsn);
    lastPrimaryContactNanos = clock.nanos();
  }

  public synchronized long nanosSincePrimaryContact() {
    return clock.nanos() - lastPrimaryContactNanos;
  }

  /** Asks for a re-copy: Copying from now on, until {@link #beginCopy} (see copyRequested). */
  public synchronized void requestCopy() {
    copyRequested = true;
    secondaryState = ReplicaState.Copying;
  }

  /** Whether a re-copy was asked for and has not begun. */
  public synchronized boolean copyRequested() {
    return copyRequested;
  }

  public synchronized void secondaryState(ReplicaState state) {
    // While a requested copy has not begun, catch-up must not report this replica Ready.
    this.secondaryState = copyRequested ? ReplicaState.Copying : state;
    if (state != ReplicaState.Copying) {
      copy = null;
    }
  }

  public synchronized void copyProgress(CopyProgress progress) {
    this.secondaryState = ReplicaState.Copying;
    this.copy = progress;
  }

  /**
   * What {@code /heartbeat}, {@code /fence} and readiness report. A begun re-copy says Copying
   * whatever the role, until it completes (rule 7).
   */
  public synchronized ReplicaState state() {
    if (copying && config != null) {
      return ReplicaState.Copying;
    }
    if (secondaryState == ReplicaState.Copying && role == Role.Secondary) {
      return ReplicaState.Copying;
    }
    if (config == null) {
      return ReplicaState.Unconfigured;
    }
    if (fenced) {
      return ReplicaState.Fenced;
    }
    if (role == Role.None) {
      return ReplicaState.AwaitingRole;
    }
    if (role == Role.Primary) {
      return ReplicaState.Ready;
    }
    return secondaryState;
  }

  /** How far behind the primary this replica is, as last learned (0 on the primary). */
  public synchronized long lagLsn() {
    return role == Role.Primary ? 0 : Math.max(0, primaryLsn - appliedLsn);
  }

  public synchronized Heartbeat heartbeat() {
    ReplicaState s = state();
    return new Heartbeat(
        name,
        config == null ? null : config.shardId(),
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary == null ? null : primary.name(),
        lagLsn(),
        s,
        s == ReplicaState.Copying ? copy : null,
        primary == null ? null : primary.url(),
        config == null ? null : config.ownedRanges(),
        role == Role.Primary ? importing : null);
  }

  /**
   * Fails with 409 naming the primary unless this replica is the unfenced primary (client writes
   * are only taken there).
   */
  public synchronized void requirePrimary() {
    if (role == Role.Primary && !fenced) {
      return;
    }
    if (fenced) {
      throw ShardException.conflict(
          "not primary: " + name + " was fenced by epoch " + epoch + " and awaits a new role");
    }
    if (primary == null) {
      throw ShardException.conflict(
          "not primary: " + name + " has no primary assigned yet (epoch " + epoch + ")");
    }
    throw ShardException.conflict(
        "not primary: primary is " + primary.name() + " (epoch " + epoch + ")");
  }
}
