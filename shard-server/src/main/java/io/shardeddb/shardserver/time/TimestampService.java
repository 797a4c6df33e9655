package io.shardeddb.shardserver.time;

import io.shardeddb.protocol.time.TimestampOracle;
import io.shardeddb.protocol.time.TimestampOracle.Granted;
import io.shardeddb.protocol.time.TimestampOracle.NeedsWindow;
import io.shardeddb.protocol.time.TimestampResponse;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ReadGuards;
import io.shardeddb.shardserver.replication.ReplicaClock;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The timestamp oracle (DESIGN §11, docs/timestamps.md), served by the primary of the database's
 * oracle shard: the allocation is {@link TimestampOracle}'s (pure); this class does its I/O.
 *
 * <ul>
 *   <li><b>Persisted before handed out.</b> No slot at or above the window is handed out before a
 *       {@code Clock} entry raising the window is acknowledged by the shard's write quorum, like a
 *       write. Every copy keeps the highest window in its config (in its log order), so the primary
 *       elected next — which holds every acknowledged entry (rule 2) — starts above everything
 *       handed out before, across restarts and failovers.
 *   <li><b>One oracle at a time.</b> Slots are handed out only while this primary holds its lease
 *       (rule 9), checked after the allocation: a new primary serves nothing until the old one's
 *       lease has run out, so a timestamp handed out later is always the larger.
 *   <li><b>A new term starts afresh</b> from the window its config holds.
 * </ul>
 */
@Singleton
public class TimestampService {
  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ReadGuards guards;
  private final ReplicaClock clock;
  private final Rulebook rules;

  private TimestampOracle oracle;
  private long oracleEpoch = -1;

  /** The window entry in flight, shared by the calls that need it (null when none). */
  private CompletableFuture<WriteCoordinator.Acked> pendingWindow;

  public TimestampService(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      ReadGuards guards,
      ReplicaClock clock,
      Rulebook rules) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.guards = guards;
    this.clock = clock;
    this.rules = rules;
  }

  /**
   * The epoch its oracle serves (-1: none yet), under its lock: the lock watchdog asks it to see
   * that the lock is free ({@code LockWatchdog}).
   */
  public synchronized long oracleEpoch() {
    return oracleEpoch;
  }

  /**
   * {@code count} consecutive slots, waiting (as a write does) for a window entry when one is
   * needed; 409/503 when this replica may not hand them out.
   */
  public TimestampResponse allocate(int count) {
    try {
      return allocateAsync(count).get(coordinator.ackWaitMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw ShardException.unavailable("timestamp oracle: " + e.getCause());
    } catch (TimeoutException e) {
      throw ShardException.unavailable("timestamp oracle: the window entry was not acknowledged");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("timestamp oracle: interrupted");
    }
  }

  /**
   * {@code count} consecutive slots, without blocking: granted at once inside the persisted window,
   * else once a {@code Clock} entry raising it is acknowledged by the write quorum (the simulator's
   * replicas call this; the controller waits on it). The entry is queued outside this object's
   * lock, and concurrent calls share one entry.
   */
  public CompletableFuture<TimestampResponse> allocateAsync(int count) {
    CompletableFuture<WriteCoordinator.Acked> window;
    long epoch;
    long until;
    boolean queue = false;
    synchronized (this) {
      guards.requireLease();
      epoch = ctx.view().epoch();
      if (oracle == null || oracleEpoch != epoch) {
        oracle =
            TimestampOracle.startingAt(
                rules.oracleStartsAt(ctx.requireConfig().timestampWindowOrZero()));
        oracleEpoch = epoch;
        pendingWindow = null;
      }
      TimestampOracle.Grant grant = oracle.allocate(count, clock.wallMillis());
      if (grant instanceof Granted g) {
        return CompletableFuture.completedFuture(handOut(g, epoch));
      }
      until = ((NeedsWindow) grant).until();
      if (pendingWindow == null) {
        pendingWindow = new CompletableFuture<>();
        queue = true;
      }
      window = pendingWindow;
    }
    if (queue) {
      try {
        coordinator
            .enqueue(ClientChange.clock(until))
            .whenComplete(
                (acked, err) -> {
                  if (err != null) {
                    window.completeExceptionally(err);
                  } else {
                    window.complete(acked);
                  }
                });
      } catch (RuntimeException e) {
        window.completeExceptionally(e);
      }
    }
    long term = epoch;
    return window.handle((acked, err) -> afterWindow(window, count, term, acked, err));
  }

  /** Once the window entry {@code window} is acknowledged (or failed): the slots, or why none. */
  private synchronized TimestampResponse afterWindow(
      CompletableFuture<WriteCoordinator.Acked> window,
      int count,
      long epoch,
      WriteCoordinator.Acked acked,
      Throwable err) {
    if (pendingWindow == window) {
      pendingWindow = null;
    }
    if (err != null) {
      Throwable cause = err instanceof CompletionException c ? c.getCause() : err;
      throw cause instanceof RuntimeException r
          ? r
          : ShardException.unavailable("timestamp oracle: " + cause);
    }
    long persisted = ctx.requireConfig().timestampWindowOrZero();
    if (ctx.view().epoch() != epoch || oracleEpoch != epoch) {
      throw ShardException.unavailable(
          "timestamp oracle: window written at lsn "
              + acked.lsn()
              + " but "
              + ctx.name()
              + " is at epoch "
              + ctx.view().epoch()
              + " with window "
              + persisted);
    }
    oracle.windowPersisted(persisted);
    TimestampOracle.Grant grant = oracle.allocate(count, clock.wallMillis());
    if (!(grant instanceof Granted g)) {
      throw ShardException.unavailable(
          "timestamp oracle: the window persisted at epoch " + epoch + " did not cover the clock");
    }
    return handOut(g, epoch);
  }

  /** The slots, handed out only if this primary still holds its lease after the allocation. */
  private TimestampResponse handOut(Granted g, long epoch) {
    guards.requireLease();
    if (ctx.view().epoch() != epoch) {
      throw ShardException.conflict(
          "timestamp oracle: " + ctx.name() + " left epoch " + epoch + " while allocating");
    }
    return new TimestampResponse(g.first(), g.count(), epoch);
  }
}
