package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a write is acknowledged. On the primary, client changes queue up; one batcher thread takes
 * everything that arrived meanwhile (group commit), applies it and appends its log entries in ONE
 * transaction, hands the entries to every secondary's {@link PeerLink} (one round trip each), and
 * completes each change once {@code writeQuorum} replicas hold its LSN, or fails it with 503 after
 * the quorum timeout.
 */
@Singleton
public class WriteCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);

  private record Pending(ClientChange change, CompletableFuture<Long> done) {}

  private record Term(long epoch, QuorumTracker tracker, List<PeerLink> links) {}

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final PeerClient client;
  private final ReplicationSettings settings;
  private final RoleStore roleStore;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final DistributionSummary batchSizes;
  private final Timer replicationLatency;
  private final Timer quorumLatency;
  private final MeterRegistry registry;
  private volatile Term term;
  private volatile boolean running = true;
  private Thread batcher;

  public WriteCoordinator(
      ReplicaContext ctx,
      ShardStore store,
      PeerClient client,
      ReplicationSettings settings,
      RoleStore roleStore,
      MeterRegistry registry) {
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
  }

  @PostConstruct
  void start() {
    batcher = Thread.ofPlatform().daemon().name("write-batcher-" + ctx.name()).start(this::loop);
  }

  /**
   * Orders one change and waits until it is acknowledged: returns its LSN (or the LSN of the
   * earlier entry with the same request id). Fails with 409 when this replica is not the primary,
   * 404/409/400 when the change does not apply, 503 when the quorum is not reached in time.
   */
  public long submit(ClientChange change) {
    ctx.requirePrimary();
    Pending p = new Pending(change, new CompletableFuture<>());
    queue.add(p);
    long wait = settings.quorumTimeout().toMillis() * 2 + 5000;
    try {
      return p.done.get(wait, TimeUnit.MILLISECONDS);
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

  /** Starts ordering writes for the current epoch, replicating to every other peer. */
  public synchronized void becomePrimary() {
    closeTerm(ShardException.conflict("not primary: the role of " + ctx.name() + " changed"));
    ReplicaContext.View v = ctx.view();
    List<Peer> others = v.peers().stream().filter(p -> !p.name().equals(ctx.name())).toList();
    int replicas = Math.max(1, others.size() + 1);
    QuorumTracker tracker =
        new QuorumTracker(
            v.quorum().required(replicas),
            others.stream().map(Peer::name).toList(),
            v.appliedLsn());
    List<PeerLink> links = new ArrayList<>();
    for (Peer p : others) {
      links.add(
          new PeerLink(
              p, v.epoch(), ctx.name(), client, tracker, this::onHigherEpoch, replicationLatency));
    }
    term = new Term(v.epoch(), tracker, List.copyOf(links));
    LOG.info(
        "{} is primary for epoch {} with {} secondaries, quorum {} of {}",
        ctx.name(),
        v.epoch(),
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
      t.tracker().peerHolds(replica, lsn);
    }
  }

  private void onHigherEpoch(long seenEpoch) {
    synchronized (this) {
      if (term == null) {
        return;
      }
    }
    LOG.warn("{} learned of epoch {} from a peer: fenced, refusing writes", ctx.name(), seenEpoch);
    roleStore.fence(seenEpoch);
    stepDown(
        ShardException.conflict(
            "not primary: " + ctx.name() + " was fenced by epoch " + seenEpoch));
  }

  private void closeTerm(ShardException reason) {
    Term t = term;
    term = null;
    if (t != null) {
      t.links().forEach(PeerLink::close);
      t.tracker().failAll(reason);
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
    Term t = term;
    ReplicaContext.View v = ctx.view();
    UserTable table;
    try {
      if (t == null || v.role() != Role.Primary || v.fenced() || t.epoch() != v.epoch()) {
        ctx.requirePrimary();
        throw ShardException.conflict("not primary: " + ctx.name() + " is changing role");
      }
      table = ctx.requireTable();
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done.completeExceptionally(e));
      return;
    }
    Object[] outcomes = new Object[batch.size()];
    List<LogEntry> entries = new ArrayList<>();
    try {
      store.inTransaction(c -> applyBatch(c, table, t.epoch(), batch, outcomes, entries));
    } catch (RuntimeException e) {
      if (batch.size() > 1) {
        // The combined statements failed; apply one change per transaction so that one bad
        // change cannot fail the others.
        LOG.warn(
            "group commit of {} changes failed ({}); retrying one by one",
            batch.size(),
            e.toString());
        batch.forEach(p -> process(List.of(p)));
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
      ctx.advance(last.lsn(), last.epoch());
      t.tracker().selfHolds(last.lsn());
      t.links().forEach(l -> l.offer(entries));
    }
    long committedAt = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      if (outcomes[i] instanceof RuntimeException e) {
        p.done.completeExceptionally(e);
        continue;
      }
      long lsn = (Long) outcomes[i];
      registry.counter("shardeddb.writes", "op", p.change().op().name()).increment();
      t.tracker()
          .await(lsn)
          .orTimeout(settings.quorumTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ok, err) -> {
                if (err == null) {
                  quorumLatency.record(System.nanoTime() - committedAt, TimeUnit.NANOSECONDS);
                  p.done.complete(lsn);
                } else if (err instanceof TimeoutException) {
                  p.done.completeExceptionally(
                      ShardException.unavailable(
                          "write quorum not reached: lsn "
                              + lsn
                              + " is held by "
                              + t.tracker().holders(lsn)
                              + " of the "
                              + t.tracker().required()
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
   * Applies the batch in order inside the open transaction and assigns LSNs. Inserts are gathered
   * into one statement and existence is checked with one query, so a batch costs a handful of round
   * trips to the database however many changes it holds; pending inserts are flushed before any
   * update or delete so the result equals applying the changes one by one.
   */
  private Void applyBatch(
      Connection c,
      UserTable table,
      long epoch,
      List<Pending> batch,
      Object[] outcomes,
      List<LogEntry> entries)
      throws SQLException {
    String key = table.schema().shardKey();
    List<String> requestIds = new ArrayList<>();
    List<Long> writeKeys = new ArrayList<>();
    for (Pending p : batch) {
      ClientChange ch = p.change();
      if (ch.requestId() != null) {
        requestIds.add(ch.requestId());
      }
      if (ch.op() == Operation.Write) {
        ch.rows().forEach(r -> writeKeys.add((Long) r.get(key)));
      }
    }
    Map<String, Long> seen = new HashMap<>(store.lsnsOfRequests(requestIds));
    Set<Long> present = new HashSet<>(table.existingKeys(c, writeKeys));
    List<Map<String, Object>> inserts = new ArrayList<>();
    long lsn = ctx.appliedLsn();
    for (int i = 0; i < batch.size(); i++) {
      ClientChange ch = batch.get(i).change();
      String rid = ch.requestId();
      if (rid != null && seen.containsKey(rid)) {
        outcomes[i] = seen.get(rid);
        continue;
      }
      try {
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
        }
      } catch (ShardException | InvalidRequestException e) {
        outcomes[i] = e;
        continue;
      }
      lsn++;
      entries.add(new LogEntry(lsn, epoch, ch.op(), wire(table, ch), ch.key(), rid));
      outcomes[i] = lsn;
      if (rid != null) {
        seen.put(rid, lsn);
      }
    }
    flush(c, table, inserts);
    store.appendLog(entries);
    return null;
  }

  private static void flush(Connection c, UserTable table, List<Map<String, Object>> inserts)
      throws SQLException {
    table.insert(c, inserts);
    inserts.clear();
  }

  private static List<Map<String, Object>> wire(UserTable table, ClientChange ch) {
    return ch.op() == Operation.Delete ? null : ch.rows().stream().map(table::toWire).toList();
  }

  @PreDestroy
  @Override
  public void close() {
    running = false;
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
