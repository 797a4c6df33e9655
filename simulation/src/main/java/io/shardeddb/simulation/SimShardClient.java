package io.shardeddb.simulation;

import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
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
 * The operator's {@link ShardServerClient} over the simulated network, so that the production
 * {@code ShardActuator} (the shard pass, through {@link SimOperator}) and {@code Resharder} drive
 * the simulated shards. A read ({@code /heartbeat}, {@code /checksum}, {@code GET /import}) and the
 * import's start and stop are answered at once by the replica at the address when the network lets
 * the exchange through, else fail as a call without an answer (status 0) — as {@link SimTransport}
 * answers a log pull. {@code /role}, {@code /config} and {@code /resync} are messages, answered at
 * once as accepted (the simulated replica sends no answer; what it refused shows in the next
 * heartbeats). A {@code /fence}, a long-poll {@code /heartbeat} and a range change ({@code
 * /ranges/fence|adopt|purge}, ordered through the replica's production write path and answered once
 * a write quorum holds it) take simulated time: the call blocks the caller's simulated thread
 * ({@link Scheduler#runUntil(long, BooleanSupplier)}) until the answer or the call's deadline, as a
 * blocking HTTP call holds the operator's pass; no answer by then (or a reply the network drops) is
 * status 0, "unknown" — the change may still take effect. A call reaches whoever serves the address
 * now ({@link #holder}), as a TCP connection to an IP does.
 */
final class SimShardClient implements ShardServerClient {
  /** Thrown when the operator process that made the call died while it waited: the pass is gone. */
  static final class CallerDied extends RuntimeException {
    CallerDied() {
      super("the operator died during the call", null, false, false);
    }
  }

  private static final Duration PURGE_DEADLINE = Duration.ofSeconds(10);

  /** A call's deadline for a fence (the HTTP client's, scaled as the simulated pass). */
  static final Duration CALL_DEADLINE = Duration.ofMillis(150);

  /** Fence answers that arrived, by replica and epoch, until the call waiting for one takes it. */
  private final java.util.Map<String, Messages.FenceAck> fenceAnswers = new java.util.HashMap<>();

  /** Who serves an address now (a replica's first address is its own until a schedule moves it). */
  Function<String, String> holder = SimShardClient::nameOf;

  /** What a {@code /config} says the shard owns (null: the bring-up's ranges). */
  java.util.function.Supplier<java.util.List<io.shardeddb.protocol.topology.PointRange>> owned =
      () -> null;

  /** A scripted fault: a role request it holds is lost on the way (the network drops it). */
  java.util.function.Predicate<RoleRequest> losesRole = r -> false;

  /** A scripted fault's hook, told of every role request just after it is sent. */
  java.util.function.Consumer<RoleRequest> afterRole = r -> {};

  private final String name;
  private final Scheduler scheduler;
  private final Network network;
  private final Function<String, SimReplica> directory;
  private BooleanSupplier alive = () -> true;

  /** A scripted fault run once, just before the first adopt is sent (null: none). */
  Runnable beforeFirstAdopt;

  /**
   * Faults armed on the next range fence ({@code FaultTargets.Mover.beforeNextRangeFence}): each
   * runs once, with the name of the replica the fence is sent to, before it is sent.
   */
  private final java.util.List<java.util.function.Consumer<String>> beforeNextFence =
      new java.util.ArrayList<>();

  void beforeNextRangeFence(java.util.function.Consumer<String> act) {
    beforeNextFence.add(act);
  }

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
    String to = to(url);
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

  /**
   * {@code POST /config}: sent to whoever serves the address; answered at once as accepted (the
   * simulated replica answers no /config: a lost one is sent again by a later pass's repair). Its
   * ranges are {@link #owned}'s, the published layout's.
   */
  @Override
  public void configure(String baseUrl, ShardConfigRequest request) {
    network.send(name, to(baseUrl), new Messages.Configure(owned.get()));
  }

  /**
   * {@code POST /fence}: the fence goes to whoever serves the address and the call waits, running
   * the world on, for its answer, at most {@link #CALL_DEADLINE} (the HTTP client's deadline); no
   * answer (lost, refused for a higher epoch, the replica down or cut off) is status 0.
   */
  @Override
  public TimedFence fence(String baseUrl, FenceRequest request) {
    String to = to(baseUrl);
    String key = to + "@" + request.epoch();
    long sent = scheduler.now();
    fenceAnswers.remove(key);
    network.send(name, to, new Messages.Fence(request.epoch()));
    scheduler.runUntil(
        sent + CALL_DEADLINE.toMillis(),
        () -> fenceAnswers.containsKey(key) || !alive.getAsBoolean());
    if (!alive.getAsBoolean()) {
      throw new CallerDied();
    }
    Messages.FenceAck a = fenceAnswers.remove(key);
    if (a == null) {
      throw new ShardServerException(
          "no fence answer from " + to + " within the deadline", 0, null);
    }
    return new TimedFence(
        new FenceResponse(
            a.name(), a.epoch(), a.lastEntryEpoch(), a.lastLsn(), a.state(), a.handsOverLease()),
        Duration.ofMillis(scheduler.now() - sent));
  }

  /** A fence's answer arrived at the node this client calls from. */
  void fenceAnswered(Messages.FenceAck a) {
    fenceAnswers.put(a.name() + "@" + a.epoch(), a);
  }

  /**
   * {@code POST /role}: sent to whoever serves the address, answered at once as accepted (the
   * simulated replica answers no /role; one it refuses is seen in the next pass's heartbeats).
   */
  @Override
  public void assignRole(String baseUrl, RoleRequest r) {
    if (losesRole.test(r)) {
      afterRole.accept(r);
      return;
    }
    network.send(
        name,
        to(baseUrl),
        new Messages.Role(
            r.epoch(),
            r.role() == io.shardeddb.protocol.topology.Role.Primary,
            r.primary().name(),
            r.replicas(),
            r.chosenAt(),
            r.peers().stream().map(p -> p.name()).toList(),
            r.learners().stream().map(p -> p.name()).toList(),
            urls(r),
            r.leaseHandedOver(),
            r.writeQuorum()));
    afterRole.accept(r);
  }

  /** {@code POST /resync}: sent to whoever serves the address, answered at once as accepted. */
  @Override
  public void resync(String baseUrl) {
    network.send(name, to(baseUrl), new Messages.Resync());
  }

  /**
   * {@code GET /checksum}: the row count and digest of the replica at the address, read directly
   * when it is up and not cut off from the caller (a short synchronous call), else status 0.
   */
  @Override
  public ChecksumResponse checksum(String baseUrl) {
    String to = to(baseUrl);
    SimReplica r = directory.apply(to);
    if (r == null
        || network.liveness(name) != Network.Liveness.UP
        || network.liveness(to) != Network.Liveness.UP
        || network.partitioned(name, to)) {
      throw new ShardServerException("no checksum from " + to, 0, null);
    }
    SimDisk d = r.disk();
    return new ChecksumResponse(
        r.heartbeat().shard(), d.rows.size(), d.rows.toString(), d.lastLsn());
  }

  /**
   * {@code GET /heartbeat?appliedLsn=&waitMillis=}, the long-poll: the world runs on until the
   * replica at the address has applied {@code appliedLsn} or {@code wait} has passed; then its
   * heartbeat if the exchange gets through, else status 0.
   */
  @Override
  public TimedHeartbeat heartbeat(String baseUrl, long appliedLsn, Duration wait) {
    long asked = scheduler.now();
    String to = to(baseUrl);
    scheduler.runUntil(
        asked + wait.toMillis(),
        () -> {
          SimReplica r = directory.apply(to);
          return !alive.getAsBoolean()
              || (r != null
                  && network.liveness(to) == Network.Liveness.UP
                  && r.disk().lastLsn() >= appliedLsn);
        });
    if (!alive.getAsBoolean()) {
      throw new CallerDied();
    }
    return new TimedHeartbeat(
        reach(baseUrl).heartbeat(), Duration.ofMillis(Math.max(1, scheduler.now() - asked)));
  }

  /** Whom a call to {@code baseUrl} reaches now; connection refused when nobody serves it. */
  private String to(String baseUrl) {
    if (!alive.getAsBoolean()) {
      throw new CallerDied();
    }
    String to = holder.apply(baseUrl);
    if (to == null) {
      throw new ShardServerException("connection refused: " + baseUrl, 0, null);
    }
    return to;
  }

  /** Every address a role request names: its primary's, its peers' and its learners'. */
  private static java.util.Map<String, String> urls(RoleRequest request) {
    java.util.Map<String, String> urls = new java.util.HashMap<>();
    if (request.primary() != null) {
      urls.put(request.primary().name(), request.primary().url());
    }
    request.peers().forEach(p -> urls.put(p.name(), p.url()));
    request.learners().forEach(p -> urls.put(p.name(), p.url()));
    return java.util.Map.copyOf(urls);
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
    if (op == Operation.Fence && !beforeNextFence.isEmpty()) {
      java.util.List<java.util.function.Consumer<String>> armed =
          java.util.List.copyOf(beforeNextFence);
      beforeNextFence.clear();
      armed.forEach(act -> act.accept(to(baseUrl)));
    }
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
