package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a write is acknowledged. On the primary, client changes queue up; one batcher thread takes
 * everything that arrived meanwhile (group commit), applies it and appends its log entries in ONE
 * transaction, hands the entries to every secondary's {@link PeerLink} (one round trip each), and
 * completes each change once {@code writeQuorum} of the spec's replicas hold its LSN, or fails it
 * with 503 after the quorum timeout. A new term first appends a no-op entry at its epoch and
 * acknowledges nothing before that entry is on a quorum (rule 3); the commit re-checks the
 * persisted epoch and role in its own transaction, and role changes wait for a commit in flight
 * (rule 6).
 *
 * <p>What each batch does is decided elsewhere, as a pure plan ({@code replication.write}:
 * GroupCommit, BatchPlanner, LogOps), which the simulator runs too; this class is the thread, the
 * term and the quorum wait around it.
 *
 * <p>Why this file is over 450 lines: group commit, the quorum wait, the new term's no-op entry,
 * the resolution of an unknown commit outcome (rule 15) and the role-change hand-off are one state
 * machine around one batcher thread; the rules that make an acknowledgement safe (3, 6, 15) are
 * checked by reading these transitions together.
 */
@Singleton
public class WriteCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);

  /** How long after a failed attempt the term's no-op is appended again. */
  static final long NOOP_RETRY_MILLIS = 200;

  /**
   * A client change, or (change == null) a wake-up that makes the batcher append the no-op; {@code
   * queuedAt} is when it was queued, on the replica's clock (for the per-hop timers).
   */
  private record Pending(ClientChange change, CompletableFuture<Acked> done, long queuedAt) {}

  /**
   * An acknowledged change: its LSN, how many replicas (the primary included) held that entry when
   * the quorum was reached, and how many replicas of the spec the quorum is counted over. {@code
   * entryEpoch} is the epoch of the entry at {@code lsn} when the batcher knows it (an entry it
   * just appended), 0 when not (a deduplicated retry of an earlier entry): the reply's session
   * token then needs no log lookup.
   */
  public record Acked(long lsn, int acks, int replicas, RangeOutcome range, long entryEpoch) {
    public Acked(long lsn, int acks, int replicas) {
      this(lsn, acks, replicas, null, 0);
    }

    public Acked(long lsn, int acks, int replicas, RangeOutcome range) {
      this(lsn, acks, replicas, range, 0);
    }
  }

  /** What a range entry did: the ranges owned after it and, for a purge, the rows removed. */
  public record RangeOutcome(long lsn, List<PointRange> owned, long rows) {}

  /** One epoch as primary. {@code noopLsn} is -1 until the term's no-op entry is committed. */
  private static final class Term {
    final long epoch;
    final QuorumTracker tracker;
    final List<PeerLink> links;
    final long promotedAtNanos;
    final int replicas;
    final List<Peer> learners;
    volatile long noopLsn = -1;

    /**
     * The last LSN of the group commit in flight (or of the last one): its rows may be visible in
     * storage before the view's applied LSN advances, so a {@code primary} read waits for it too.
     */
    volatile long committingLsn = -1;

    /**
     * Set when a commit failed and storage could not be read back (rule 15): the next batch first
     * learns from storage where the log ends, and commits nothing before it knows.
     */
    boolean positionUnknown;

    /** A wake-up that appends the no-op again is scheduled (its last attempt failed). */
    final AtomicBoolean noopRetryScheduled = new AtomicBoolean();

    Term(
        long epoch,
        QuorumTracker tracker,
        List<PeerLink> links,
        long promotedAtNanos,
        int replicas,
        List<Peer> learners) {
      this.epoch = epoch;
      this.tracker = tracker;
      this.links = links;
      this.promotedAtNanos = promotedAtNanos;
      this.replicas = replicas;
      this.learners = learners;
    }
  }

  private final ReplicaContext ctx;
  private final ReplicaStore store;
  private final PeerTransport transport;
  private final ReplicationSettings settings;
  private final RoleStore roleStore;
  private final Rulebook rules;
  private final ReplicaClock clock;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();
  private final ReentrantLock commitLock = new ReentrantLock();
  private final DistributionSummary batchSizes;
  private final ReplicationMeters replicationMeters;
  private final Timer quorumLatency;
  private final Timer queueLatency;
  private final Timer commitLatency;
  private final MeterRegistry registry;
  private final Executor batcher;
  private volatile Term term;
  private volatile boolean running = true;

  public WriteCoordinator(
      ReplicaContext ctx,
      ReplicaStore store,
      PeerTransport transport,
      ReplicationSettings settings,
      RoleStore roleStore,
      Rulebook rules,
      ReplicaClock clock,
      MeterRegistry registry) {
    this.ctx = ctx;
    this.store = store;
    this.transport = transport;
    this.settings = settings;
    this.roleStore = roleStore;
    this.rules = rules;
    this.clock = clock;
    this.registry = registry;
    this.batchSizes =
        DistributionSummary.builder("shardeddb.write.batch.size")
            .description("client changes committed together in one group commit")
            .publishPercentileHistogram()
            .register(registry);
    this.replicationMeters = new ReplicationMeters(registry);
    this.quorumLatency =
        Timer.builder("shardeddb.write.quorum.latency")
            .description("from local commit until writeQuorum replicas hold the entry")
            .publishPercentileHistogram()
            .register(registry);
    // Per-hop timers (issue 27): where a write's time goes on its primary, beside the quorum wait.
    this.queueLatency =
        Timer.builder("shardeddb.write.queue.latency")
            .description(
                "from a client change being queued until its group commit starts (the batch ahead"
                    + " of it and the commit lock)")
            .register(registry);
    this.commitLatency =
        Timer.builder("shardeddb.write.commit.latency")
            .description(
                "one group commit in storage, from its start until MySQL's COMMIT returned")
            .register(registry);
    this.batcher = clock.serial("write-batcher-" + ctx.name());
  }

  /** Starts the pings (production: after injection; the simulator: when its replica boots). */
  @PostConstruct
  public void start() {
    schedulePing();
  }

  /**
   * Empty /replicate requests keep the lease (rule 9) and tell idle secondaries where the log ends;
   * a few per lease period so one lost round trip does not cost the lease.
   */
  private void schedulePing() {
    long period = Math.max(50, settings.leaseWindow().toMillis() / 4);
    clock.schedule(
        period,
        () -> {
          if (running) {
            pingQuietly();
            schedulePing();
          }
        });
  }

  /**
   * Orders one change and waits until it is acknowledged: returns its LSN (or, for a retry, the
   * original LSN of the same request id). Fails with 409 when this replica is not the primary,
   * 404/409/400 when the change does not apply (a retry gets the original 404/409), 503 when the
   * quorum is not reached in time.
   */
  public long submit(ClientChange change) {
    return submitAcked(change).lsn();
  }

  /** As {@link #submit}, also telling how many replicas held the entry when it was acknowledged. */
  public Acked submitAcked(ClientChange change) {
    return await(enqueue(change));
  }

  /**
   * Queues one change without waiting; changes queued by one thread are ordered (and logged) in the
   * order they were queued. Complete it with {@link #await}.
   */
  public CompletableFuture<Acked> enqueue(ClientChange change) {
    ctx.requirePrimary();
    Pending p = new Pending(change, new CompletableFuture<>(), clock.nanos());
    queue.add(p);
    kick();
    return p.done;
  }

  /**
   * Makes the batcher take what is queued (group commit): one drain at a time on the serial
   * executor; whatever arrives while a batch commits goes in the next one.
   */
  private void kick() {
    if (!running || !drainQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      batcher.execute(this::drain);
    } catch (RuntimeException e) {
      drainQueued.set(false);
      failQueued(ShardException.unavailable("the write batcher of " + ctx.name() + " stopped"));
    }
  }

  private void drain() {
    drainQueued.set(false);
    List<Pending> batch = new ArrayList<>();
    queue.drainTo(batch, settings.maxBatch());
    if (batch.isEmpty()) {
      return;
    }
    try {
      process(batch);
    } catch (RuntimeException e) {
      LOG.error("write batcher of {} failed; continuing", ctx.name(), e);
      ShardException failed = ShardException.unavailable("write failed: " + e);
      batch.forEach(p -> p.done.completeExceptionally(failed));
    }
    if (!queue.isEmpty()) {
      kick();
    }
  }

  private void failQueued(ShardException reason) {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done.completeExceptionally(reason);
    }
  }

  /** Waits (bounded) for a change queued by {@link #enqueue}, as {@link #submitAcked} does. */
  public Acked await(CompletableFuture<Acked> done) {
    long wait = settings.quorumTimeout().toMillis() * 2 + 5000;
    try {
      return done.get(wait, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw ShardException.unavailable("write failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw ShardException.unavailable(
          "write not acknowledged within " + wait + " ms; it is not reported as applied");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("interrupted while waiting for the write quorum");
    }
  }

  /**
   * Runs a role change (persist, then switch) with no group commit in flight, so that no batch of
   * the old role commits or advances after it (rule 6).
   */
  public <T> T whileNoCommit(Supplier<T> change) {
    commitLock.lock();
    try {
      return change.get();
    } finally {
      commitLock.unlock();
    }
  }

  /**
   * Starts ordering writes for the current epoch, replicating to every other peer, with the quorum
   * counted over the spec's replicas (rule 5). The batcher appends the term's no-op at once.
   */
  public void becomePrimary() {
    becomePrimary(List.of());
  }

  /**
   * As {@link #becomePrimary()}, also replicating to {@code learners} (rule 12): replicas that copy
   * in while the shard grows, whose acknowledgements never count toward the quorum (the tracker
   * knows only the voting peers). They are held in memory only: a primary that restarts forgets
   * them (so it counts nothing more, it only stops feeding them) until the operator, seeing them
   * missing from {@link #quorumState()}, sends the role again.
   */
  public synchronized void becomePrimary(List<Peer> learners) {
    closeTerm(ShardException.conflict("not primary: the role of " + ctx.name() + " changed"));
    ReplicaContext.View v = ctx.view();
    List<Peer> others = v.peers().stream().filter(p -> !p.name().equals(ctx.name())).toList();
    List<String> voting = others.stream().map(Peer::name).toList();
    List<Peer> learning =
        learners.stream()
            .filter(p -> !p.name().equals(ctx.name()) && !voting.contains(p.name()))
            .toList();
    int replicas = v.replicasForQuorum();
    QuorumTracker tracker =
        new QuorumTracker(
            rules.required(v.quorum(), replicas),
            rules.countedPeers(voting, learning.stream().map(Peer::name).toList()),
            v.appliedLsn());
    long epoch = v.epoch();
    List<PeerLink> links = new ArrayList<>();
    List<Peer> fed = new ArrayList<>(others);
    fed.addAll(learning);
    for (Peer p : fed) {
      links.add(
          new PeerLink(
              p,
              epoch,
              ctx.name(),
              transport,
              clock,
              tracker,
              seen -> onHigherEpoch(epoch, seen),
              replicationMeters,
              settings.window(),
              rules));
    }
    term = new Term(epoch, tracker, List.copyOf(links), clock.nanos(), replicas, learning);
    if (rules.startsTermWithNoOp()) {
      queue.add(new Pending(null, new CompletableFuture<>(), clock.nanos()));
      kick();
    } else {
      // Rule 3 broken on purpose (the simulator's mutation only): the term counts as confirmed at
      // the log it inherited, so each change waits for its own entry alone.
      term.noopLsn = v.appliedLsn();
    }
    LOG.info(
        "{} is primary for epoch {} with {} secondaries and {} learners, quorum {} of {} (voting)",
        ctx.name(),
        epoch,
        others.size(),
        learning.size(),
        tracker.required(),
        replicas);
  }

  /** The learners this primary replicates to without counting them (empty when not primary). */
  public List<Peer> learners() {
    Term t = term;
    return t == null ? List.of() : t.learners;
  }

  /** Stops acting as primary; waiting writes fail with {@code reason}. */
  public synchronized void stepDown(ShardException reason) {
    closeTerm(reason);
  }

  /** A secondary told us (via {@code /log}) that it holds every entry up to {@code lsn}. */
  public void peerHolds(String replica, long lsn) {
    Term t = term;
    if (t != null) {
      t.tracker.peerHolds(replica, lsn);
    }
  }

  /**
   * The highest LSN of this primary's log that a quorum holds in its current term, once the term's
   * no-op is on a quorum (every entry up to it survives any failover, rules 2-3); -1 when not
   * primary or not yet. What a move may export (rule 13). Read-only.
   */
  public long committedLsn() {
    Term t = term;
    long noop = t == null ? -1 : t.noopLsn;
    long held = t == null ? -1 : t.tracker.quorumLsn();
    return noop >= 0 && held >= noop ? held : -1;
  }

  /**
   * This primary's write quorum as it stands, for its heartbeat (rules 11 and 12), or null when it
   * is not primary.
   */
  public QuorumState quorumState() {
    Term t = term;
    if (t == null) {
      return null;
    }
    List<String> learning = t.learners.stream().map(Peer::name).toList();
    List<String> voters =
        t.links.stream().map(PeerLink::peerName).filter(n -> !learning.contains(n)).toList();
    boolean committed = t.noopLsn >= 0 && t.tracker.holders(t.noopLsn) >= t.tracker.required();
    long now = clock.nanos();
    long since = t.tracker.majorityAckedAtNanos(now, t.promotedAtNanos);
    return new QuorumState(
        t.replicas,
        voters,
        committed,
        Math.max(0, (now - since) / 1_000_000),
        learning,
        committedLsn());
  }

  /** Whether this primary may serve a {@code primary} read now (rule 9). */
  public LeaseRules.Lease lease() {
    Term t = term;
    if (t == null) {
      return LeaseRules.Lease.EXPIRED;
    }
    return rules.primaryLease(
        clock.nanos(),
        t.promotedAtNanos,
        settings.leasePeriod().toNanos(),
        settings.leaseDrift().toNanos(),
        t.tracker.required(),
        t.tracker.ackSentNanos());
  }

  /**
   * Rule 9, read index: the LSN a {@code primary} read must see held by a quorum before it is
   * answered — every entry whose rows it may have read (the applied LSN, or the last LSN of a group
   * commit in flight, whose rows may be visible before the applied LSN advances). Call it after
   * reading the rows.
   */
  public long readIndexLsn() {
    Term t = term;
    long applied = ctx.view().appliedLsn();
    return t == null ? applied : Math.max(applied, t.committingLsn);
  }

  /**
   * Rule 9, read index (Raft §6.4): completes once this primary's quorum-committed LSN ({@link
   * #committedLsn}) reaches {@code readLsn}, as {@link Rulebook#readIndexReached} decides; fails
   * with a 503 {@link ShardException} when it does not within {@code waitMillis} or this replica is
   * no longer primary of the same term. Never blocks: the quorum tracker completes it, a timer of
   * the replica's clock bounds it.
   */
  public CompletableFuture<Void> awaitReadIndex(long readLsn, long waitMillis) {
    Term t = term;
    if (t == null) {
      return CompletableFuture.failedFuture(
          ShardException.unavailable("no read index: " + ctx.name() + " is not primary"));
    }
    if (rules.readIndexReached(readLsn, committedLsn())) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> out = new CompletableFuture<>();
    long needed = Math.max(readLsn, t.noopLsn);
    withTimeout(t.tracker.await(needed), waitMillis)
        .whenComplete(
            (ok, err) -> {
              if (term == t && rules.readIndexReached(readLsn, committedLsn())) {
                out.complete(null);
              } else {
                out.completeExceptionally(
                    ShardException.unavailable(
                        "no read index: lsn "
                            + readLsn
                            + " of "
                            + ctx.name()
                            + " is held by "
                            + t.tracker.holders(readLsn)
                            + " of the "
                            + t.tracker.required()
                            + " replicas required"
                            + (term == t
                                ? " after " + waitMillis + " ms"
                                : ", and it left the term")
                            + "; the read is not answered"));
              }
            });
    return out;
  }

  private void onHigherEpoch(long termEpoch, long seenEpoch) {
    boolean fenced =
        whileNoCommit(
            () -> {
              Term t = term;
              if (t == null || t.epoch != termEpoch || seenEpoch <= ctx.view().epoch()) {
                return false;
              }
              roleStore.fence(seenEpoch);
              stepDown(
                  ShardException.conflict(
                      "not primary: " + ctx.name() + " was fenced by epoch " + seenEpoch));
              return true;
            });
    if (fenced) {
      LOG.warn(
          "{} learned of epoch {} from a peer: fenced, refusing writes", ctx.name(), seenEpoch);
    }
  }

  private void closeTerm(ShardException reason) {
    Term t = term;
    term = null;
    if (t != null) {
      t.links.forEach(PeerLink::close);
      t.tracker.failAll(reason);
    }
  }

  private void pingQuietly() {
    try {
      Term t = term;
      if (t == null) {
        return;
      }
      ReplicaContext.View v = ctx.view();
      if (v.epoch() != t.epoch || v.role() != Role.Primary) {
        return;
      }
      t.links.forEach(l -> l.ping(v.appliedLsn(), v.lastEntryEpoch()));
    } catch (RuntimeException e) {
      LOG.debug("ping of {}'s secondaries failed: {}", ctx.name(), e.toString());
    }
  }

  private void process(List<Pending> batch) {
    commitLock.lock();
    try {
      long startedAt = clock.nanos();
      for (Pending p : batch) {
        if (p.change() != null) {
          queueLatency.record(startedAt - p.queuedAt(), TimeUnit.NANOSECONDS);
        }
      }
      processLocked(batch);
    } finally {
      commitLock.unlock();
    }
    retryNoopIfFailed();
  }

  /**
   * Every batch of a term carries its no-op until one commits; when that batch failed (a storage
   * error: nothing written, or the outcome unknown), a wake-up tries again after {@link
   * #NOOP_RETRY_MILLIS}. Without it an idle primary — no client write to carry the no-op — never
   * confirms its term: its committed position stays unknown, so it serves no range snapshot and
   * acknowledges nothing (found by the move simulator, seed 290: a move of its range stayed in
   * Copying for good).
   */
  private void retryNoopIfFailed() {
    Term t = term;
    if (t == null
        || t.noopLsn >= 0
        || !rules.retriesFailedNoOp()
        || !t.noopRetryScheduled.compareAndSet(false, true)) {
      return;
    }
    clock.schedule(
        NOOP_RETRY_MILLIS,
        () -> {
          t.noopRetryScheduled.set(false);
          if (term == t && t.noopLsn < 0) {
            queue.add(new Pending(null, new CompletableFuture<>(), clock.nanos()));
            kick();
          }
        });
  }

  private void processLocked(List<Pending> batch) {
    Term t = term;
    ReplicaContext.View v = ctx.view();
    UserTable table;
    try {
      if (t == null || v.role() != Role.Primary || v.fenced() || t.epoch != v.epoch()) {
        ctx.requirePrimary();
        throw ShardException.conflict("not primary: " + ctx.name() + " is changing role");
      }
      table = ctx.requireTable();
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done.completeExceptionally(e));
      return;
    }
    if (t.positionUnknown && !catchUpWithStorage(t)) {
      ShardException unknown =
          ShardException.unavailable(
              "storage unavailable: the outcome of an earlier commit is not known yet; nothing"
                  + " was written");
      batch.forEach(p -> p.done.completeExceptionally(unknown));
      return;
    }
    boolean needNoop = t.noopLsn < 0;
    if (!needNoop && batch.stream().allMatch(p -> p.change() == null)) {
      batch.forEach(p -> p.done.complete(new Acked(0, 0, t.replicas)));
      return;
    }
    long prevLsn = v.appliedLsn();
    long prevEpoch = v.lastEntryEpoch();
    ShardConfig before = ctx.config();
    List<ClientChange> changes = batch.stream().map(Pending::change).toList();
    Attempt attempt = new Attempt();
    long commitStart = clock.nanos();
    try {
      GroupCommit.Result result =
          store.groupCommit(
              table,
              changes,
              t.epoch,
              needNoop,
              prevLsn,
              before,
              p -> {
                attempt.plan = p;
                if (!p.entries().isEmpty()) {
                  long last = p.entries().get(p.entries().size() - 1).lsn();
                  t.committingLsn = Math.max(t.committingLsn, last);
                }
              });
      if (!result.committed()) {
        throw ShardException.conflict(
            "not primary: "
                + ctx.name()
                + " was fenced or demoted from epoch "
                + t.epoch
                + " while committing; nothing was written");
      }
      attempt.removed = result.removed();
      commitLatency.record(clock.nanos() - commitStart, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      if (e instanceof ShardException se && se.status() == 409) {
        // Demoted or fenced while committing: the transaction rolled back, nothing was written.
        batch.forEach(p -> p.done.completeExceptionally(se));
        return;
      }
      // Rule 15: an error in or after COMMIT does not say whether the commit happened. Storage
      // says: nothing past prevLsn (nothing written), exactly this batch's entries (committed:
      // acknowledged by quorum as usual), or it cannot tell (503, outcome unknown).
      if (rules.readsBackUnknownCommit() && !catchUpWithStorage(t)) {
        ShardException unknown =
            ShardException.unavailable(
                "storage error, the outcome is unknown (retry with the same request id): "
                    + e.getMessage());
        batch.forEach(p -> p.done.completeExceptionally(unknown));
        return;
      }
      ReplicaContext.View now = ctx.view();
      List<LogEntry> entries = attempt.plan == null ? List.of() : attempt.plan.entries();
      boolean committed =
          !entries.isEmpty()
              && now.appliedLsn() == entries.get(entries.size() - 1).lsn()
              && now.lastEntryEpoch() == t.epoch;
      if (committed) {
        LOG.warn(
            "{}: commit of lsn {}..{} reported {}, but storage holds it: acknowledging by quorum",
            ctx.name(),
            entries.get(0).lsn(),
            now.appliedLsn(),
            e.toString());
        answer(t, batch, attempt);
        return;
      }
      if (now.appliedLsn() != prevLsn) {
        ShardException unknown =
            ShardException.unavailable(
                "storage error, the outcome is unknown (retry with the same request id): "
                    + e.getMessage());
        batch.forEach(p -> p.done.completeExceptionally(unknown));
        return;
      }
      if (batch.size() > 1) {
        // The combined statements failed; apply one change per transaction so that one bad
        // change cannot fail the others.
        LOG.warn(
            "group commit of {} changes failed ({}); retrying one by one",
            batch.size(),
            e.toString());
        batch.forEach(p -> processLocked(List.of(p)));
        return;
      }
      ShardException failure =
          ShardException.unavailable("storage unavailable, nothing was written: " + e.getMessage());
      batch.forEach(p -> p.done.completeExceptionally(failure));
      return;
    }
    batchSizes.record(batch.size());
    BatchPlan plan = attempt.plan;
    List<LogEntry> entries = plan.entries();
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      if (plan.configChanged()) {
        // Under the commit lock: the next batch checks keys against the new ownership.
        ctx.updateOwned(plan.configAfter());
      }
      if (!ctx.advanceAsPrimary(last.lsn(), last.epoch(), t.epoch)) {
        LOG.error("{} committed up to lsn {} but is no longer primary", ctx.name(), last.lsn());
      }
      if (needNoop) {
        t.noopLsn = entries.get(0).lsn();
      }
      t.tracker.selfHolds(last.lsn());
      t.links.forEach(l -> l.offer(entries, prevLsn, prevEpoch));
    }
    answer(t, batch, attempt);
  }

  /** One group commit's plan and, once committed, the rows each of its operations removed. */
  private static final class Attempt {
    BatchPlan plan;
    long[] removed;
  }

  /**
   * Rule 15: learns from storage where the log ends and takes every entry past the in-memory
   * position as committed by this term (they are: only this term's batcher appends while the
   * persisted epoch and role are its own), handing them to the secondaries. Returns false when
   * storage cannot be read (the next batch tries again first) or holds what this term cannot
   * explain (then this replica steps down).
   */
  private boolean catchUpWithStorage(Term t) {
    ShardStore.StoredPosition stored;
    try {
      stored = store.recoverPosition();
    } catch (RuntimeException e) {
      t.positionUnknown = true;
      LOG.warn("{}: cannot read the log position back from storage: {}", ctx.name(), e.toString());
      return false;
    }
    ReplicaContext.View v = ctx.view();
    long from = v.appliedLsn();
    long tail = stored.tailLsn();
    String refusal = null;
    if (stored.epoch() != t.epoch || !Role.Primary.name().equals(stored.role())) {
      refusal = "storage holds epoch " + stored.epoch() + " and role " + stored.role();
    } else if (tail < from) {
      refusal = "storage ends at lsn " + tail + ", below the position " + from + " in memory";
    }
    List<LogEntry> landed = new ArrayList<>();
    try {
      while (refusal == null && from + landed.size() < tail) {
        List<LogEntry> page = store.logPage(from + landed.size() + 1, settings.maxBatch());
        if (page.isEmpty() || page.get(0).lsn() != from + landed.size() + 1) {
          refusal = "the log has no entry at lsn " + (from + landed.size() + 1);
          break;
        }
        for (LogEntry e : page) {
          if (e.epoch() != t.epoch) {
            refusal = "lsn " + e.lsn() + " is of epoch " + e.epoch() + ", not " + t.epoch;
            break;
          }
          if (e.lsn() <= tail) {
            landed.add(e);
          }
        }
      }
    } catch (RuntimeException e) {
      t.positionUnknown = true;
      LOG.warn("{}: cannot read the log back from storage: {}", ctx.name(), e.toString());
      return false;
    }
    if (refusal != null) {
      LOG.error("{} steps down: cannot reconcile its log position: {}", ctx.name(), refusal);
      stepDown(
          ShardException.unavailable(
              "not primary: " + ctx.name() + " cannot reconcile its log position: " + refusal));
      return false;
    }
    t.positionUnknown = false;
    if (landed.isEmpty()) {
      return true;
    }
    ShardConfig config = ctx.config();
    ShardConfig after = config;
    for (LogEntry e : landed) {
      if (e.op() == Operation.Noop && t.noopLsn < 0) {
        t.noopLsn = e.lsn();
      }
      if ((e.op() == Operation.Fence || e.op() == Operation.Adopt) && after.ownedRanges() != null) {
        after =
            after.withOwned(
                RangeRules.ownedAfter(after.ownedRanges(), e.op(), RangeRules.rangeOf(e)));
      }
    }
    if (after != config) {
      ctx.updateOwned(after);
    }
    LogEntry last = landed.get(landed.size() - 1);
    ctx.advanceAsPrimary(last.lsn(), last.epoch(), t.epoch);
    t.tracker.selfHolds(last.lsn());
    long prevEpoch = v.lastEntryEpoch();
    t.links.forEach(l -> l.offer(landed, from, prevEpoch));
    return true;
  }

  /** Completes each change of a committed batch once its entry is on a quorum (or fails it). */
  private void answer(Term t, List<Pending> batch, Attempt attempt) {
    long committedAt = clock.nanos();
    List<BatchPlan.Outcome> outcomes = attempt.plan.outcomes();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      long lsn;
      // A new entry of this batch carries the term's epoch; an earlier one's is looked up later.
      long entryEpoch = t.epoch;
      RangeOutcome rangeOutcome = null;
      switch (outcomes.get(i)) {
        case BatchPlan.Wakeup w -> {
          p.done.complete(new Acked(0, 0, t.replicas));
          continue;
        }
        case BatchPlan.Refused r -> {
          p.done.completeExceptionally(r.error());
          continue;
        }
        case BatchPlan.Earlier earlier -> {
          if (!earlier.outcome().applied()) {
            RequestOutcome o = earlier.outcome();
            p.done.completeExceptionally(new ShardException(o.status(), o.message()));
            continue;
          }
          lsn = earlier.outcome().lsn();
          entryEpoch = 0;
        }
        case BatchPlan.Ranged ro -> {
          long rows =
              ro.purgeOp() >= 0 && attempt.removed != null ? attempt.removed[ro.purgeOp()] : 0;
          rangeOutcome = new RangeOutcome(ro.lsn(), ro.owned(), rows);
          lsn = ro.lsn();
          registry.counter("shardeddb.writes", "op", p.change().op().name()).increment();
        }
        case BatchPlan.Applied a -> {
          lsn = a.lsn();
          registry.counter("shardeddb.writes", "op", p.change().op().name()).increment();
        }
      }
      // Nothing is acknowledged before this term's no-op is on a quorum (rule 3).
      long needed = Math.max(lsn, t.noopLsn);
      RangeOutcome ranged = rangeOutcome;
      long knownEpoch = entryEpoch;
      withTimeout(t.tracker.await(needed), settings.quorumTimeout().toMillis())
          .whenComplete(
              (ok, err) -> {
                if (err == null) {
                  quorumLatency.record(clock.nanos() - committedAt, TimeUnit.NANOSECONDS);
                  // Counted as the quorum is reached: what the client's acknowledgement rests on.
                  p.done.complete(
                      new Acked(lsn, t.tracker.holders(needed), t.replicas, ranged, knownEpoch));
                } else if (err instanceof TimeoutException) {
                  p.done.completeExceptionally(
                      ShardException.unavailable(
                          "write quorum not reached: lsn "
                              + needed
                              + " is held by "
                              + t.tracker.holders(needed)
                              + " of the "
                              + t.tracker.required()
                              + " replicas required within "
                              + settings.quorumTimeout().toMillis()
                              + " ms; the write is not acknowledged"));
                } else {
                  p.done.completeExceptionally(err);
                }
              });
    }
  }

  /** Fails {@code f} with a {@link TimeoutException} unless it completes within {@code millis}. */
  private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, long millis) {
    if (!f.isDone()) {
      ReplicaClock.Scheduled timer =
          clock.schedule(millis, () -> f.completeExceptionally(new TimeoutException()));
      f.whenComplete((ok, err) -> timer.cancel());
    }
    return f;
  }

  @PreDestroy
  @Override
  public void close() {
    running = false;
    stepDown(ShardException.unavailable("shard-server " + ctx.name() + " is shutting down"));
    if (batcher instanceof ExecutorService es) {
      es.shutdownNow();
      try {
        es.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failQueued(ShardException.unavailable("shutting down"));
  }
}
