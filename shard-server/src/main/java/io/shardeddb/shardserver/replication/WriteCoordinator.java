package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Why one file (~580 lines): group commit, the quorum wait, the new term's no-op entry and the
 * role-change hand-off are one state machine around one batcher thread; the rules that make an
 * acknowledgement safe (3, 6) are checked by reading these transitions together.
 */
@Singleton
public class WriteCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);

  /** A client change, or (change == null) a wake-up that makes the batcher append the no-op. */
  private record Pending(ClientChange change, CompletableFuture<Acked> done) {}

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
    volatile long noopLsn = -1;

    Term(
        long epoch,
        QuorumTracker tracker,
        List<PeerLink> links,
        long promotedAtNanos,
        int replicas) {
      this.epoch = epoch;
      this.tracker = tracker;
      this.links = links;
      this.promotedAtNanos = promotedAtNanos;
      this.replicas = replicas;
    }
  }

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final PeerClient client;
  private final ReplicationSettings settings;
  private final RoleStore roleStore;
  private final ShardConfigService configs;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final ReentrantLock commitLock = new ReentrantLock();
  private final DistributionSummary batchSizes;
  private final Timer replicationLatency;
  private final Timer quorumLatency;
  private final MeterRegistry registry;
  private final ScheduledExecutorService pinger;
  private volatile Term term;
  private volatile boolean running = true;
  private Thread batcher;

  public WriteCoordinator(
      ReplicaContext ctx,
      ShardStore store,
      PeerClient client,
      ReplicationSettings settings,
      RoleStore roleStore,
      ShardConfigService configs,
      MeterRegistry registry) {
    this.configs = configs;
    this.ctx = ctx;
    this.store = store;
    this.client = client;
    this.settings = settings;
    this.roleStore = roleStore;
    this.registry = registry;
    this.batchSizes =
        DistributionSummary.builder("shardeddb.write.batch.size")
            .description("client changes committed together in one group commit")
            .publishPercentileHistogram()
            .register(registry);
    this.replicationLatency =
        Timer.builder("shardeddb.replication.latency")
            .description("round trip of one /replicate request to a secondary")
            .publishPercentileHistogram()
            .register(registry);
    this.quorumLatency =
        Timer.builder("shardeddb.write.quorum.latency")
            .description("from local commit until writeQuorum replicas hold the entry")
            .publishPercentileHistogram()
            .register(registry);
    this.pinger =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("primary-ping-" + ctx.name()).factory());
  }

  @PostConstruct
  void start() {
    batcher = Thread.ofPlatform().daemon().name("write-batcher-" + ctx.name()).start(this::loop);
    // Empty /replicate requests keep the lease (rule 9) and tell idle secondaries where the log
    // ends; a few per lease period so one lost round trip does not cost the lease.
    long period = Math.max(50, settings.leaseWindow().toMillis() / 4);
    pinger.scheduleWithFixedDelay(this::pingQuietly, period, period, TimeUnit.MILLISECONDS);
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
    Pending p = new Pending(change, new CompletableFuture<>());
    queue.add(p);
    return p.done;
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
  public synchronized void becomePrimary() {
    closeTerm(ShardException.conflict("not primary: the role of " + ctx.name() + " changed"));
    ReplicaContext.View v = ctx.view();
    List<Peer> others = v.peers().stream().filter(p -> !p.name().equals(ctx.name())).toList();
    int replicas = v.replicasForQuorum();
    QuorumTracker tracker =
        new QuorumTracker(
            v.quorum().required(replicas),
            others.stream().map(Peer::name).toList(),
            v.appliedLsn());
    long epoch = v.epoch();
    List<PeerLink> links = new ArrayList<>();
    for (Peer p : others) {
      links.add(
          new PeerLink(
              p,
              epoch,
              ctx.name(),
              client,
              tracker,
              seen -> onHigherEpoch(epoch, seen),
              replicationLatency));
    }
    term = new Term(epoch, tracker, List.copyOf(links), System.nanoTime(), replicas);
    queue.add(new Pending(null, new CompletableFuture<>()));
    LOG.info(
        "{} is primary for epoch {} with {} secondaries, quorum {} of {} (spec)",
        ctx.name(),
        epoch,
        others.size(),
        tracker.required(),
        replicas);
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
   * This primary's write quorum as it stands, for its heartbeat (rules 11 and 12), or null when it
   * is not primary.
   */
  public QuorumState quorumState() {
    Term t = term;
    if (t == null) {
      return null;
    }
    List<String> voters = t.links.stream().map(PeerLink::peerName).toList();
    boolean committed = t.noopLsn >= 0 && t.tracker.holders(t.noopLsn) >= t.tracker.required();
    long now = System.nanoTime();
    // The (required - 1)-th most recent acknowledgement among the secondaries, with the primary's
    // own: when that many secondaries last acknowledged, a majority had.
    long[] acks = t.tracker.ackSentNanos();
    java.util.Arrays.sort(acks);
    int needed = t.tracker.required() - 1;
    long since;
    if (needed <= 0) {
      since = now;
    } else if (acks.length < needed || acks[acks.length - needed] == Long.MIN_VALUE) {
      since = t.promotedAtNanos;
    } else {
      since = Math.max(acks[acks.length - needed], t.promotedAtNanos);
    }
    return new QuorumState(t.replicas, voters, committed, Math.max(0, (now - since) / 1_000_000));
  }

  /** Whether this primary may serve a {@code primary} read now (rule 9). */
  public LeaseRules.Lease lease() {
    Term t = term;
    if (t == null) {
      return LeaseRules.Lease.EXPIRED;
    }
    return LeaseRules.primaryLease(
        System.nanoTime(),
        t.promotedAtNanos,
        settings.leasePeriod().toNanos(),
        settings.leaseDrift().toNanos(),
        t.tracker.required(),
        t.tracker.ackSentNanos());
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

  private void loop() {
    while (running) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, settings.maxBatch() - 1);
        process(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("write batcher of {} failed; continuing", ctx.name(), e);
      }
    }
  }

  private void process(List<Pending> batch) {
    commitLock.lock();
    try {
      processLocked(batch);
    } finally {
      commitLock.unlock();
    }
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
    boolean needNoop = t.noopLsn < 0;
    if (!needNoop && batch.stream().allMatch(p -> p.change() == null)) {
      batch.forEach(p -> p.done.complete(new Acked(0, 0, t.replicas)));
      return;
    }
    long prevLsn = v.appliedLsn();
    long prevEpoch = v.lastEntryEpoch();
    Object[] outcomes = new Object[batch.size()];
    List<LogEntry> entries = new ArrayList<>();
    ShardConfig before = ctx.config();
    ShardConfig[] after = {before};
    try {
      store.inTransaction(
          c ->
              applyBatch(
                  c, table, t.epoch, needNoop, prevLsn, prevEpoch, batch, outcomes, entries,
                  after));
    } catch (RuntimeException e) {
      if (e instanceof ShardException se && se.status() == 409) {
        // Demoted or fenced while committing: the transaction rolled back, nothing was written.
        batch.forEach(p -> p.done.completeExceptionally(se));
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
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      if (after[0] != before) {
        // Under the commit lock: the next batch checks keys against the new ownership.
        ctx.updateOwned(after[0]);
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
    long committedAt = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      if (p.change() == null) {
        p.done.complete(new Acked(0, 0, t.replicas));
        continue;
      }
      if (outcomes[i] instanceof RuntimeException e) {
        p.done.completeExceptionally(e);
        continue;
      }
      long lsn;
      // A new entry of this batch carries the term's epoch; an earlier one's is looked up later.
      long entryEpoch = t.epoch;
      RangeOutcome rangeOutcome = null;
      if (outcomes[i] instanceof RangeOutcome ro) {
        rangeOutcome = ro;
        lsn = ro.lsn();
        registry.counter("shardeddb.writes", "op", p.change().op().name()).increment();
      } else if (outcomes[i] instanceof RequestOutcome earlier) {
        if (!earlier.applied()) {
          p.done.completeExceptionally(new ShardException(earlier.status(), earlier.message()));
          continue;
        }
        lsn = earlier.lsn();
        entryEpoch = 0;
      } else {
        lsn = (Long) outcomes[i];
        registry.counter("shardeddb.writes", "op", p.change().op().name()).increment();
      }
      // Nothing is acknowledged before this term's no-op is on a quorum (rule 3).
      long needed = Math.max(lsn, t.noopLsn);
      RangeOutcome ranged = rangeOutcome;
      long knownEpoch = entryEpoch;
      t.tracker
          .await(needed)
          .orTimeout(settings.quorumTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ok, err) -> {
                if (err == null) {
                  quorumLatency.record(System.nanoTime() - committedAt, TimeUnit.NANOSECONDS);
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

  /**
   * Applies the batch in order inside the open transaction and assigns LSNs. Request ids and
   * existing keys are looked up in one query and inserts are gathered, so a batch of inserts costs
   * three round trips to the database however many changes it holds (lookup, one folded write,
   * COMMIT; docs/shard-server.md); pending inserts are flushed before any update or delete so the
   * result equals applying the changes one by one. Request outcomes are recorded in the same
   * transaction (rule 8), and the commit goes through only if the persisted epoch and role are
   * still this term's (rule 6): otherwise a 409 rolls everything back.
   */
  private Void applyBatch(
      Connection c,
      UserTable table,
      long epoch,
      boolean needNoop,
      long prevLsn,
      long prevEpoch,
      List<Pending> batch,
      Object[] outcomes,
      List<LogEntry> entries,
      ShardConfig[] config)
      throws SQLException {
    String key = table.schema().shardKey();
    ShardConfig initial = config[0];
    List<String> requestIds = new ArrayList<>();
    List<Long> writeKeys = new ArrayList<>();
    for (Pending p : batch) {
      ClientChange ch = p.change();
      if (ch == null) {
        continue;
      }
      if (ch.requestId() != null && !ch.internal()) {
        requestIds.add(ch.requestId());
      }
      if (ch.op() == Operation.Write) {
        ch.rows().forEach(r -> writeKeys.add((Long) r.get(key)));
      }
    }
    ShardStore.Known known = store.lookUp(c, table, requestIds, writeKeys);
    Map<String, RequestOutcome> seen = new HashMap<>(known.outcomes());
    Set<Long> present = new HashSet<>(known.present());
    List<Map<String, Object>> inserts = new ArrayList<>();
    List<RequestOutcome> records = new ArrayList<>();
    long lsn = prevLsn;
    if (needNoop) {
      lsn++;
      entries.add(new LogEntry(lsn, epoch, Operation.Noop, null, null, null));
    }
    for (int i = 0; i < batch.size(); i++) {
      ClientChange ch = batch.get(i).change();
      if (ch == null) {
        continue;
      }
      String rid = ch.requestId();
      if (rid != null && !ch.internal() && seen.containsKey(rid)) {
        outcomes[i] = seen.get(rid);
        continue;
      }
      RangeOutcome ranged = null;
      try {
        if (!ch.internal() && !RangeRules.isRangeOp(ch.op())) {
          requireOwned(config[0], ch, key);
        }
        if (ch.internal()) {
          // An import's copy of the source's data: upsert, tolerate missing rows (docs above).
          flush(c, table, inserts);
          switch (ch.op()) {
            case Write -> {
              table.upsert(c, ch.rows());
              ch.rows().forEach(r -> present.add((Long) r.get(key)));
            }
            case Update -> table.update(c, ch.key(), ch.rows().get(0));
            case Delete -> {
              table.delete(c, ch.key());
              present.remove(ch.key());
            }
            default -> throw new IllegalStateException("an import never sends " + ch.op());
          }
        } else if (RangeRules.isRangeOp(ch.op())) {
          flush(c, table, inserts);
          ranged = applyRange(c, table, config, ch, lsn + 1);
          if (ch.op() == Operation.Purge) {
            // The purged keys are gone: a later insert of one in this batch must not conflict.
            present.clear();
            present.addAll(table.existingKeys(c, writeKeys));
          }
        } else {
          switch (ch.op()) {
            case Write -> {
              for (Map<String, Object> r : ch.rows()) {
                if (present.contains((Long) r.get(key))) {
                  throw ShardException.conflict(
                      "Data entry with " + key + ":" + r.get(key) + " already exists");
                }
              }
              ch.rows().forEach(r -> present.add((Long) r.get(key)));
              inserts.addAll(ch.rows());
            }
            case Update -> {
              flush(c, table, inserts);
              if (table.update(c, ch.key(), ch.rows().get(0)) == 0) {
                throw ShardException.notFound("No data entry with " + key + ":" + ch.key());
              }
            }
            case Delete -> {
              flush(c, table, inserts);
              if (table.delete(c, ch.key()) == 0) {
                throw ShardException.notFound("No data entry with " + key + ":" + ch.key());
              }
              present.remove(ch.key());
            }
            default -> throw new IllegalStateException("a client change is never " + ch.op());
          }
        }
      } catch (ShardException e) {
        outcomes[i] = e;
        if (rid != null && e.status() != ShardEndpoints.NOT_OWNED) {
          RequestOutcome failed = new RequestOutcome(rid, lsn, e.status(), e.getMessage());
          records.add(failed);
          seen.put(rid, failed);
        }
        continue;
      } catch (InvalidRequestException e) {
        outcomes[i] = e;
        continue;
      }
      lsn++;
      entries.add(new LogEntry(lsn, epoch, ch.op(), wire(table, ch), ch.key(), rid));
      outcomes[i] = ranged != null ? ranged : lsn;
      if (rid != null) {
        RequestOutcome applied = new RequestOutcome(rid, lsn, RequestOutcome.APPLIED, null);
        records.add(applied);
        seen.put(rid, applied);
      }
    }
    // The last inserts, the outcomes, the config, the log and the epoch re-check go out
    // together; the re-check is the last statement and its row count decides (rule 6).
    String configJson = config[0] != initial ? configs.write(config[0]) : null;
    if (!store.commitAsPrimary(
        c, table, inserts, records, configJson, entries, epoch, prevLsn, prevEpoch)) {
      throw ShardException.conflict(
          "not primary: "
              + ctx.name()
              + " was fenced or demoted from epoch "
              + epoch
              + " while committing; nothing was written");
    }
    return null;
  }

  private static void flush(Connection c, UserTable table, List<Map<String, Object>> inserts)
      throws SQLException {
    table.insert(c, inserts);
    inserts.clear();
  }

  private static List<Map<String, Object>> wire(UserTable table, ClientChange ch) {
    if (RangeRules.isRangeOp(ch.op())) {
      return RangeRules.payload(ch.range(), ch.moveId());
    }
    return ch.op() == Operation.Delete ? null : ch.rows().stream().map(table::toWire).toList();
  }

  /**
   * Refuses (421) a client change of a key this shard does not own as of this point of the log:
   * checked here, inside the commit, and not only when the request arrived, so a write queued
   * behind a fence cannot land in the fenced range after the fence's LSN.
   */
  private static void requireOwned(ShardConfig config, ClientChange ch, String key) {
    if (ch.op() == Operation.Write) {
      for (Map<String, Object> r : ch.rows()) {
        config.requireOwns((Long) r.get(key));
      }
    } else if (ch.key() != null) {
      config.requireOwns(ch.key());
    }
  }

  /** Applies a fence, adopt or purge at {@code lsn}; {@code config[0]} follows the change. */
  private static RangeOutcome applyRange(
      Connection c, UserTable table, ShardConfig[] config, ClientChange ch, long lsn)
      throws SQLException {
    List<PointRange> owned = config[0].ownedRanges();
    if (owned == null) {
      throw ShardException.conflict(
          "shard "
              + config[0].shardId()
              + " owns every key (configured without a range); configure low/size or ranges to"
              + " reshard it");
    }
    if (ch.op() == Operation.Purge) {
      String refusal = RangeRules.purgeRefusal(owned, ch.range());
      if (refusal != null) {
        throw ShardException.conflict(refusal);
      }
      long rows = table.deletePoints(c, config[0].pointsBy(), ch.range());
      return new RangeOutcome(lsn, owned, rows);
    }
    List<PointRange> next = RangeRules.ownedAfter(owned, ch.op(), ch.range());
    config[0] = config[0].withOwned(next);
    return new RangeOutcome(lsn, next, 0);
  }

  @PreDestroy
  @Override
  public void close() {
    running = false;
    pinger.shutdownNow();
    stepDown(ShardException.unavailable("shard-server " + ctx.name() + " is shutting down"));
    if (batcher != null) {
      batcher.interrupt();
      try {
        batcher.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    queue.forEach(p -> p.done.completeExceptionally(ShardException.unavailable("shutting down")));
  }
}
