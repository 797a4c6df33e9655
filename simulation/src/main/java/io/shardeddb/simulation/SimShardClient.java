package io.shardeddb.simulation;

import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The operator's {@link ShardServerClient} for resharding over the simulated network, so that the
 * production {@code Resharder} drives the simulated shards. A read ({@code /heartbeat}, {@code GET
 * /import}) and the import's start and stop are answered at once by the replica at the address when
 * the network lets the exchange through, else fail as a call without an answer (status 0) — as
 * {@link SimTransport} answers a log pull. A range change ({@code /ranges/fence|adopt|purge}) is
 * ordered through the replica's production write path and answered once a write quorum holds it,
 * which takes simulated time: the call runs the world on ({@link Scheduler#runUntil(long,
 * BooleanSupplier)}) until the answer or the call's deadline, as a blocking HTTP call holds the
 * operator's pass; no answer by then (or a reply the network drops) is status 0, "unknown" — the
 * change may still take effect.
 */
final class SimShardClient implements ShardServerClient {
  /** Thrown when the operator process that made the call died while it waited: the pass is gone. */
  static final class CallerDied extends RuntimeException {
    CallerDied() {
      super("the operator died during the call", null, false, false);
    }
  }

  private static final Duration PURGE_DEADLINE = Duration.ofSeconds(10);

  private final String name;
  private final Scheduler scheduler;
  private final Network network;
  private final Function<String, SimReplica> directory;
  private BooleanSupplier alive = () -> true;

  /** A scripted fault run once, just before the first adopt is sent (null: none). */
  Runnable beforeFirstAdopt;

  /**
   * Rule 14 broken on purpose ({@code BrokenMoveRulesAreCaughtTest}): an adopt is answered as soon
   * as the destination's primary has applied it, with the ranges its heartbeat then owns, before a
   * quorum holds it — what publishing from the destination's heartbeat did (review 2026-11-23 item
   * 2).
   */
  boolean adoptAnsweredBeforeQuorum;

  /**
   * Move rule broken on purpose ({@code BrokenMoveRulesAreCaughtTest}): the destination's import
   * reports it has applied the source's log 1,000 entries further than it has, so the cut-over
   * starts, and the adopt follows the fence, before the destination holds the source's last writes
   * to the range (the catch-up rule: adopt only once applied through the fence's LSN).
   */
  boolean importOverReportsProgress;

  SimShardClient(
      String name, Scheduler scheduler, Network network, Function<String, SimReplica> directory) {
    this.name = name;
    this.scheduler = scheduler;
    this.network = network;
    this.directory = directory;
  }

  /** Whether the pass making calls is still the running operator's (checked after each wait). */
  void caller(BooleanSupplier alive) {
    this.alive = alive;
  }

  static String nameOf(String url) {
    return url.substring(url.indexOf("://") + 3);
  }

  /** The replica at {@code url} if this exchange gets through now. */
  private SimReplica reach(String url) {
    String to = nameOf(url);
    if (network.liveness(name) != Network.Liveness.UP || !network.reaches(name, to)) {
      throw new ShardServerException("no answer from " + to + " within the deadline", 0, null);
    }
    SimReplica r = directory.apply(to);
    if (r == null) {
      throw new ShardServerException("no replica at " + url, 0, null);
    }
    return r;
  }

  private static ShardServerException refused(RuntimeException e) {
    int status = e instanceof ShardException s ? s.status() : 400;
    return new ShardServerException(e.getMessage(), status, e);
  }

  @Override
  public TimedHeartbeat heartbeat(String baseUrl) {
    return new TimedHeartbeat(reach(baseUrl).heartbeat(), Duration.ofMillis(1));
  }

  @Override
  public void configure(String baseUrl, ShardConfigRequest request) {
    throw new ShardServerException("not simulated: /config", 0, null);
  }

  @Override
  public TimedFence fence(String baseUrl, FenceRequest request) {
    throw new ShardServerException("not simulated: /fence (the shard loop sends it)", 0, null);
  }

  @Override
  public void assignRole(String baseUrl, RoleRequest request) {
    throw new ShardServerException("not simulated: /role (the shard loop sends it)", 0, null);
  }

  @Override
  public void resync(String baseUrl) {
    throw new ShardServerException("not simulated: /resync", 0, null);
  }

  @Override
  public ChecksumResponse checksum(String baseUrl) {
    throw new ShardServerException("not simulated: /checksum", 0, null);
  }

  @Override
  public RangeChangeResponse fenceRange(String baseUrl, RangeChange change, Duration deadline) {
    return rangeChange(baseUrl, Operation.Fence, change, deadline);
  }

  @Override
  public RangeChangeResponse adoptRange(String baseUrl, RangeChange change, Duration deadline) {
    return rangeChange(baseUrl, Operation.Adopt, change, deadline);
  }

  @Override
  public RangeChangeResponse purgeRange(String baseUrl, RangeChange change) {
    return rangeChange(baseUrl, Operation.Purge, change, PURGE_DEADLINE);
  }

  /** {@code RangeController.apply}: ordered now, answered once a quorum holds it, or unknown. */
  private RangeChangeResponse rangeChange(
      String baseUrl, Operation op, RangeChange change, Duration deadline) {
    if (op == Operation.Adopt && beforeFirstAdopt != null) {
      Runnable fault = beforeFirstAdopt;
      beforeFirstAdopt = null;
      fault.run();
    }
    SimReplica r = reach(baseUrl);
    int incarnation = r.incarnation();
    long epoch = r.epoch();
    CompletableFuture<WriteCoordinator.Acked> done;
    try {
      done = r.rangeChange(op, change);
    } catch (ShardException | InvalidRequestException e) {
      throw refused(e);
    }
    if (op == Operation.Adopt && adoptAnsweredBeforeQuorum) {
      scheduler.runUntil(
          scheduler.now() + deadline.toMillis(),
          () ->
              io.shardeddb.operator.reshard.MoveRules.owns(r.heartbeat().owned(), change.range()));
      return new RangeChangeResponse(epoch, -1, r.heartbeat().owned(), 0);
    }
    // A crash of the replica resets the connection: the call fails at once, as unknown.
    scheduler.runUntil(
        scheduler.now() + deadline.toMillis(),
        () -> done.isDone() || r.incarnation() != incarnation);
    if (!alive.getAsBoolean()) {
      throw new CallerDied();
    }
    if (!done.isDone()
        || r.incarnation() != incarnation
        || network.liveness(name) != Network.Liveness.UP
        || !network.reaches(name, r.name())) {
      throw new ShardServerException(
          op + " of " + change.range() + " on " + r.name() + ": no answer within " + deadline,
          0,
          null);
    }
    WriteCoordinator.Acked acked;
    try {
      acked = done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw refused(cause);
      }
      throw new ShardServerException(String.valueOf(e.getCause()), 503, e);
    }
    WriteCoordinator.RangeOutcome ro = acked.range();
    return new RangeChangeResponse(epoch, acked.lsn(), ro.owned(), ro.rows());
  }

  @Override
  public void startImport(String baseUrl, ImportRequest request) {
    SimReplica r = reach(baseUrl);
    try {
      r.imports().start(request);
    } catch (ShardException | InvalidRequestException e) {
      throw refused(e);
    }
  }

  /** {@code GET /import}: the import's progress, null on 404 (none). */
  @Override
  public ImportProgress importProgress(String baseUrl, String moveId) {
    ImportProgress p = reach(baseUrl).imports().get();
    if (importOverReportsProgress && p != null) {
      return new ImportProgress(
          p.moveId(),
          p.state(),
          p.rowsCopied(),
          p.sourceEpoch(),
          p.sourceLsn() + 1_000,
          p.message());
    }
    return p;
  }

  @Override
  public void stopImport(String baseUrl, String moveId) {
    ImportProgress p = reach(baseUrl).imports().stop(moveId);
    if (p == null) {
      throw new ShardServerException("no import on " + nameOf(baseUrl), 404, null);
    }
  }
}
