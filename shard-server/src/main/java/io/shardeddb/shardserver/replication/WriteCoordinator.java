package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import io.shardeddb.shardserver.replication.rules.ReassignsShippedEntries;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * GroupCommit, BatchPlanner, LogOps), which the simulator runs too. This class is the facade and
 * the role changes (becoming primary, stepping down, fencing on a higher epoch), the pings and the
 * lease; the parts around the plan stand apart: the term ({@link PrimaryTerm}), the batcher and its
 * recovery of an unknown commit outcome, rule 15 ({@link GroupCommitBatcher}), and the quorum wait
 * and read index ({@link QuorumWait}).
 *
 * <p>Why this file is over 450 lines: the facade keeps the constructor and every method the
 * controllers, the streams and the simulator call, and the role changes must stay with it because
 * they swap the term the batcher and the quorum wait read; since overlap-commit (default off) the
 * role changes also carry what a term sent before it ended, which the next term inherits.
 */
@Singleton
public class WriteCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);

  /**
   * An acknowledged change: its LSN, how many replicas (the primary included) held that entry when
   * the quorum was reached, and how many replicas of the spec the quorum is counted over. {@code
   * entryEpoch} is the epoch of the entry at {@code lsn} when the batcher knows it (an entry it
   * just appended), 0 when not (a deduplicated retry of an earlier entry): the reply's session
   * token then needs no log lookup. {@code timestamp} is the entry's global timestamp when the
   * batcher knows it, 0 when not.
   */
  public record Acked(
      long lsn, int acks, int replicas, RangeOutcome range, long entryEpoch, long timestamp) {
    public Acked(long lsn, int acks, int replicas) {
      this(lsn, acks, replicas, null, 0, 0);
    }

    public Acked(long lsn, int acks, int replicas, RangeOutcome range) {
      this(lsn, acks, replicas, range, 0, 0);
    }

    public Acked(long lsn, int acks, int replicas, RangeOutcome range, long entryEpoch) {
      this(lsn, acks, replicas, range, entryEpoch, 0);
    }
  }

  /** What a range entry did: the ranges owned after it and, for a purge, the rows removed. */
  public record RangeOutcome(long lsn, List<PointRange> owned, long rows) {}

  private final ReplicaContext ctx;
  private final PeerTransport transport;
  private final ReplicationSettings settings;
  private final RoleStore roleStore;
  private final Rulebook rules;
  private final ReplicaClock clock;
  private final ReplicationMeters replicationMeters;
  private final QuorumWait quorum;
  private final GroupCommitBatcher batcher;
  private volatile PrimaryTerm term;
  private volatile boolean running = true;

  /** The last epoch this process started a term for (-1: none since it started). */
  private long servedEpoch = -1;

  /**
   * The epoch this process stopped serving for good ({@link #abandon}), -1 when none: it starts no
   * term for it again and reports that it reaches no majority while it is still its primary.
   */
  private volatile long abandonedEpoch = -1;

  private volatile List<Peer> abandonedLearners = List.of();

  /** The last term closed (by a role change, a fence or a step-down), null when none. */
  private PrimaryTerm lastClosed;

  /**
   * How long ago a majority acknowledged an abandoned term, as its heartbeat reports it: far past
   * the operator's isolation threshold (rule 11), so it elects a new primary at once.
   */
  static final long ABANDONED_MAJORITY_AGE_MILLIS = TimeUnit.DAYS.toMillis(1);

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
    this.transport = transport;
    this.settings = settings;
    this.roleStore = roleStore;
    this.rules = rules;
    this.clock = clock;
    DistributionSummary batchSizes =
        DistributionSummary.builder("shardeddb.write.batch.size")
            .description("client changes committed together in one group commit")
            .publishPercentileHistogram()
            .register(registry);
    this.replicationMeters = new ReplicationMeters(registry);
    Timer quorumLatency =
        Timer.builder("shardeddb.write.quorum.latency")
            .description("from local commit until writeQuorum replicas hold the entry")
            .publishPercentileHistogram()
            .register(registry);
    // Per-hop timers (issue 27): where a write's time goes on its primary, beside the quorum wait.
    Timer queueLatency =
        Timer.builder("shardeddb.write.queue.latency")
            .description(
                "from a client change being queued until its group commit starts (the batch ahead"
                    + " of it and the commit lock)")
            .register(registry);
    Timer commitLatency =
        Timer.builder("shardeddb.write.commit.latency")
            .description(
                "one group commit in storage, from its start until MySQL's COMMIT returned")
            .register(registry);
    this.quorum =
        new QuorumWait(ctx, settings, rules, clock, registry, quorumLatency, () -> this.term);
    this.batcher =
        new GroupCommitBatcher(
            ctx,
            store,
            settings,
            rules,
            clock,
            () -> this.term,
            quorum,
            this::abandon,
            () -> running,
            batchSizes,
            queueLatency,
            commitLatency);
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
    PrimaryTerm serving = term;
    if (serving != null && standsDown(serving)) {
      // Rule 11, check-quorum: no majority answered this epoch for a lease period. The change is
      // refused before anything is written (the router retries it, with its request id, on the
      // primary the operator elects, or here once a majority answers again).
      throw ShardException.unavailable(
          "not primary: "
              + ctx.name()
              + " stood down at epoch "
              + serving.epoch
              + ": no majority of its replicas answered for "
              + settings.leasePeriod().toMillis()
              + " ms; nothing was written, retry");
    }
    long stopped = abandonedEpoch;
    if (stopped >= 0 && term == null && stopped == ctx.view().epoch()) {
      throw ShardException.conflict(
          "not primary: "
              + ctx.name()
              + " stopped serving epoch "
              + stopped
              + " (its log does not hold entries it sent to its secondaries, overlap-commit, or"
              + " holds entries that term cannot explain); a new primary is to be elected");
    }
    return batcher.enqueue(change);
  }

  /** Waits (bounded) for a change queued by {@link #enqueue}, as {@link #submitAcked} does. */
  public Acked await(CompletableFuture<Acked> done) {
    long wait = ackWaitMillis();
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

  /** How long a caller waits for a queued change's acknowledgement before answering 503. */
  public long ackWaitMillis() {
    return settings.quorumTimeout().toMillis() * 2 + 5000;
  }

  /**
   * Runs a role change (persist, then switch) with no group commit in flight, so that no batch of
   * the old role commits or advances after it (rule 6).
   */
  public <T> T whileNoCommit(Supplier<T> change) {
    return batcher.whileNoCommit(change);
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
    becomePrimary(learners, false);
  }

  /**
   * As {@link #becomePrimary(List)}; {@code formerLeaseHandedOver}: the primary of the epoch before
   * handed its lease over at this epoch's fence (the role's {@code leaseHandedOver}, a planned
   * switch-over), so this term serves lease reads and timestamps without waiting one lease period
   * (rule 9, {@code LeaseRules}). The role sent again at the same epoch (learners or addresses
   * changed) keeps the term's promotion time: the wait is for primaries of earlier epochs, whose
   * leases ran from before the first promotion at this epoch.
   */
  public synchronized void becomePrimary(List<Peer> learners, boolean formerLeaseHandedOver) {
    closeTerm(ShardException.conflict("not primary: the role of " + ctx.name() + " changed"));
    ReplicaContext.View v = ctx.view();
    if (!resumable(v, learners)) {
      return;
    }
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
            v.appliedLsn(),
            v.quorum() == WriteQuorum.Cabinet);
    long epoch = v.epoch();
    PrimaryTerm sameEpoch = lastClosed != null && lastClosed.epoch == epoch ? lastClosed : null;
    long promotedAt = clock.nanos();
    long leaseWaitFrom = sameEpoch != null ? sameEpoch.leaseWaitFromNanos : promotedAt;
    boolean handedOver =
        formerLeaseHandedOver || (sameEpoch != null && sameEpoch.formerLeaseHandedOver);
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
              rules,
              () -> commitLsnForBoundedReads(epoch, tracker, leaseWaitFrom, handedOver)));
    }
    PrimaryTerm next =
        new PrimaryTerm(
            epoch,
            tracker,
            List.copyOf(links),
            promotedAt,
            leaseWaitFrom,
            handedOver,
            replicas,
            learning);
    PrimaryTerm before = lastClosed;
    if (before != null && before.epoch == epoch && before.shippedLsn > v.appliedLsn()) {
      // A term of this epoch sent entries past the log and ended before it knew whether its commit
      // wrote them (the role was sent again meanwhile): the new term reads storage back first,
      // and stops serving if storage lacks them (rule 4).
      next.shippedLsn = before.shippedLsn;
      next.positionUnknown = true;
    }
    term = next;
    servedEpoch = epoch;
    if (rules.startsTermWithNoOp()) {
      batcher.enqueue(null);
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

  /**
   * Whether a term may start at the view's epoch (rule 4 with {@code overlap-commit}). Not for an
   * epoch this process stopped serving ({@link #abandon}). Nor, with {@code overlap-commit} on, for
   * an epoch whose entries the log already holds while this process never served it: an earlier
   * process was its primary and may have sent entries it never committed (the term's first batch is
   * never sent early, so an epoch with no entry in the log sent nothing), and a term planning at
   * their LSNs would give them other content — the replica stops serving that epoch instead, and
   * the operator elects a new primary. Switching the setting off therefore needs a switch-over or
   * failover of each primary, not a restart in place.
   */
  private boolean resumable(ReplicaContext.View v, List<Peer> learners) {
    long epoch = v.epoch();
    if (rules instanceof ReassignsShippedEntries) {
      return true;
    }
    if (epoch == abandonedEpoch) {
      LOG.warn(
          "{} does not serve epoch {} again: it stopped serving it (entries it sent were never"
              + " committed here)",
          ctx.name(),
          epoch);
      return false;
    }
    if (settings.overlapCommit() && servedEpoch != epoch && v.lastEntryEpoch() == epoch) {
      abandonedEpoch = epoch;
      abandonedLearners = List.copyOf(learners);
      LOG.warn(
          "{} does not resume epoch {}: its log holds entries of that epoch written by an earlier"
              + " process, which may have sent entries past lsn {} that it never committed"
              + " (overlap-commit); a new primary must be elected",
          ctx.name(),
          epoch,
          v.appliedLsn());
      return false;
    }
    return true;
  }

  /**
   * The batcher's way out when term {@code t} sent entries that its own storage does not hold
   * (overlap-commit), or when its storage holds entries the term cannot explain (rule 15: an
   * earlier epoch's replay that committed while this replica lost the reply): the term ends with
   * {@code reason}, and this process serves that epoch no more; its heartbeat says so ({@link
   * #abandonedQuorumState}), so the operator elects a new primary (rule 11) instead of reading a
   * primary without a term as an older shard-server.
   */
  synchronized void abandon(PrimaryTerm t, ShardException reason) {
    abandonedEpoch = t.epoch;
    abandonedLearners = t.learners;
    if (term == t) {
      closeTerm(reason);
    }
  }

  /**
   * Whether this process stopped serving {@code epoch} for good ({@link #abandon}, or an epoch it
   * would not resume): it then answers no follower's {@code /log} or {@code /snapshot} pull ({@code
   * PrimaryIdentity.answers}), since its log may end before entries they hold.
   */
  public boolean stoppedServing(long epoch) {
    return epoch >= 0 && epoch == abandonedEpoch;
  }

  /** The learners this primary replicates to without counting them (empty when not primary). */
  public List<Peer> learners() {
    PrimaryTerm t = term;
    return t == null ? List.of() : t.learners;
  }

  /** Stops acting as primary; waiting writes fail with {@code reason}. */
  public synchronized void stepDown(ShardException reason) {
    closeTerm(reason);
  }

  /** A secondary told us (via {@code /log}) that it holds every entry up to {@code lsn}. */
  public void peerHolds(String replica, long lsn) {
    PrimaryTerm t = term;
    if (t != null) {
      t.tracker.peerHolds(replica, lsn, clock.nanos());
    }
  }

  /**
   * The highest LSN of this primary's log that a quorum holds in its current term, once the term's
   * no-op is on a quorum (every entry up to it survives any failover, rules 2-3); -1 when not
   * primary or not yet. What a move may export (rule 13). Read-only.
   */
  public long committedLsn() {
    return PrimaryTerm.committedLsn(term);
  }

  /**
   * This primary's write quorum as it stands, for its heartbeat (rules 11 and 12), or null when it
   * is not primary.
   */
  public QuorumState quorumState() {
    PrimaryTerm t = term;
    if (t == null) {
      return abandonedQuorumState();
    }
    return t.quorumState(clock, this::committedLsn, standsDown(t), ctx.name());
  }

  /**
   * Rule 11, check-quorum ({@code Rulebook.standsDown}): whether term {@code t} has had no majority
   * answer any request of its epoch for a lease period. Such a primary takes no new write and its
   * heartbeat says it stood down, so the operator elects without waiting; it keeps its epoch and
   * log, and serves again as soon as a majority answers (its pings go on).
   */
  private boolean standsDown(PrimaryTerm t) {
    long now = clock.nanos();
    return rules.standsDown(
        now,
        t.tracker.majorityAnsweredAtNanos(now, t.promotedAtNanos),
        settings.leasePeriod().toNanos());
  }

  /**
   * A replica still Primary of an epoch it stopped serving ({@link #abandon}) reports that no
   * majority acknowledged it for {@link #ABANDONED_MAJORITY_AGE_MILLIS}, so the operator treats it
   * as unavailable, fences and elects without it (rule 11); null otherwise. It does not report a
   * check-quorum stand-down: its secondaries may still answer it, and the operator's path for it
   * stays the one before issue 47 item 6 (with the stand-down reported here, the overlap-commit
   * simulator's seed 250 failed its liveness probe).
   */
  private QuorumState abandonedQuorumState() {
    ReplicaContext.View v = ctx.view();
    if (abandonedEpoch < 0 || v.epoch() != abandonedEpoch || v.role() != Role.Primary) {
      return null;
    }
    List<String> learning = abandonedLearners.stream().map(Peer::name).toList();
    List<String> voters =
        v.peers().stream()
            .map(Peer::name)
            .filter(n -> !n.equals(ctx.name()) && !learning.contains(n))
            .toList();
    return new QuorumState(
        v.replicasForQuorum(), voters, false, ABANDONED_MAJORITY_AGE_MILLIS, learning, -1, false);
  }

  /**
   * Rule 9, asked as a fence is taken (before it is): whether this replica hands its lease over
   * ({@code Rulebook.handsOverLease}) — as the unfenced primary of its epoch with a term, past its
   * wait after promotion (once fenced its term is closed: it serves no lease read nor timestamp
   * again); as any other replica, having heard from no primary for {@code sinceContactNanos}, a
   * lease period or more.
   */
  public boolean handsOverLease(long sinceContactNanos) {
    PrimaryTerm t = term;
    ReplicaContext.View v = ctx.view();
    boolean unfencedPrimary =
        t != null && v.role() == Role.Primary && !v.fenced() && t.epoch == v.epoch();
    return rules.handsOverLease(
        unfencedPrimary, lease(), sinceContactNanos, settings.leasePeriod().toNanos());
  }

  /** Whether this primary may serve a {@code primary} read now (rule 9). */
  public LeaseRules.Lease lease() {
    PrimaryTerm t = term;
    if (t == null) {
      return LeaseRules.Lease.EXPIRED;
    }
    return rules.primaryLease(
        clock.nanos(),
        t.leaseWaitFromNanos,
        settings.leasePeriod().toNanos(),
        settings.leaseDrift().toNanos(),
        t.formerLeaseHandedOver,
        t.tracker.required(),
        t.tracker.ackSentNanos());
  }

  /**
   * Rule 9, bounded reads: the {@code commitLsn} a request of the term of {@code epoch} carries —
   * this primary's last applied entry (every write it acknowledged is at or below it, and, by rule
   * 2, every write an earlier primary acknowledged), read as the request is sent — only while it is
   * still that term's primary and holds its lease (no newer primary can have acknowledged anything
   * it lacks); null otherwise.
   */
  private Long commitLsnForBoundedReads(
      long epoch, QuorumTracker tracker, long leaseWaitFrom, boolean handedOver) {
    ReplicaContext.View v = ctx.view();
    if (v.role() != Role.Primary || v.epoch() != epoch || v.fenced()) {
      return null;
    }
    LeaseRules.Lease lease =
        rules.primaryLease(
            clock.nanos(),
            leaseWaitFrom,
            settings.leasePeriod().toNanos(),
            settings.leaseDrift().toNanos(),
            handedOver,
            tracker.required(),
            tracker.ackSentNanos());
    return lease == LeaseRules.Lease.HELD ? v.appliedLsn() : null;
  }

  /**
   * Whether a majority of the shard (this primary included) acknowledged this term's epoch in
   * requests sent at or after {@code sinceNanos} of {@link #nanos()}. A replica fenced by a newer
   * epoch acknowledges no older one, so then no newer primary had fenced a majority — nor committed
   * anything — before that moment. A restore point's resume asks it (docs/backup.md).
   */
  public boolean epochConfirmedSince(long sinceNanos) {
    PrimaryTerm t = term;
    return t != null && t.tracker.majorityAckedAtNanos(clock.nanos(), Long.MIN_VALUE) >= sinceNanos;
  }

  /** Now on this replica's monotonic clock, the one acknowledgements are timed by. */
  public long nanos() {
    return clock.nanos();
  }

  /**
   * Pings every secondary now (a request each, when none is in flight), as the lease's timer does.
   */
  public void pingNow() {
    pingQuietly();
  }

  /**
   * Rule 9, read index: the LSN a {@code primary} read must see held by a quorum before it is
   * answered — every entry whose rows it may have read (the applied LSN, or the last LSN of a group
   * commit in flight, whose rows may be visible before the applied LSN advances). Call it after
   * reading the rows.
   */
  public long readIndexLsn() {
    return quorum.readIndexLsn();
  }

  /**
   * Rule 9, read index (Raft §6.4): completes once this primary's quorum-committed LSN ({@link
   * #committedLsn}) reaches {@code readLsn}, as {@link Rulebook#readIndexReached} decides; fails
   * with a 503 {@link ShardException} when it does not within {@code waitMillis} or this replica is
   * no longer primary of the same term. Never blocks: the quorum tracker completes it, a timer of
   * the replica's clock bounds it.
   */
  public CompletableFuture<Void> awaitReadIndex(long readLsn, long waitMillis) {
    return quorum.awaitReadIndex(readLsn, waitMillis);
  }

  private void onHigherEpoch(long termEpoch, long seenEpoch) {
    boolean fenced =
        whileNoCommit(
            () -> {
              PrimaryTerm t = term;
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
    PrimaryTerm t = term;
    term = null;
    if (t != null) {
      lastClosed = t;
      t.close(reason);
    }
  }

  private void pingQuietly() {
    try {
      PrimaryTerm t = term;
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

  @PreDestroy
  @Override
  public void close() {
    running = false;
    stepDown(ShardException.unavailable("shard-server " + ctx.name() + " is shutting down"));
    batcher.shutdown();
  }
}
