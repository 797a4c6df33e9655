package io.shardeddb.simulation;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.routing.FailoverRetry;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.routing.RouterTime;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.shard.CoalescedWrites;
import io.shardeddb.router.shard.ShardDataCalls;
import io.shardeddb.router.shard.ShardReadCalls;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * One router process of {@link MoveSimulation}: the production {@link WritePath}, {@link ReadPath},
 * {@link ReplicaHealth}, {@link FailoverRetry}, {@link TopologyHolder} and {@link CoalescedWrites}
 * (writes to one primary that arrive while one is in flight go together as one {@code
 * /write/batch}) over the simulated network and time. Its layout source reads the published layout
 * and each shard's status every {@code refreshMillis} and installs a new routing table when they
 * changed (as the Kubernetes source does on a status change); its health polls every replica's
 * {@code /heartbeat} each second, which picks the replicas of {@code session} and {@code any}
 * reads. Its wire ({@link CoalescedWrites.Wire}: {@code /write}, {@code /write/batch}, {@code
 * /update}, {@code /del}) is messages to the primary's node, answered by {@link SimReplica} as the
 * shard-server's controllers answer; a call with no answer within {@link #CALL_DEADLINE} ms fails
 * as a broken connection does ({@link ShardServerException#UNREACHABLE}). Its delays run on the
 * simulation's {@link io.shardeddb.simulation.Scheduler}; while the router is paused (a frozen
 * process), nothing of it runs and answers to it wait, as a stopped process's threads and sockets
 * do. Request ids come from the seeded random, so a seed runs the same way every time.
 *
 * <p>Why this file is over 450 lines: it is the router's adapter in one place, like {@link
 * SimReplica}'s for the shard-server — the wiring of the production classes (with the mutations
 * that subclass them), the layout source, the wire that turns each call into a message and each
 * answer back into the call waiting for it, and Reactor's scheduler over the simulation's — and
 * every part of it runs through the one pause rule ({@code live}), so a paused router is frozen
 * whole, as a stopped process is. The Reactor scheduler is the part that could live apart, taking
 * {@code live} with it as a dependency.
 */
final class SimRouter implements CoalescedWrites.Wire, ShardReadCalls {
  /** Coalesced requests in flight per shard-server over the data stream (its default). */
  static final int STREAM_WINDOW = 4;

  /** Coalesced requests in flight per shard-server over HTTP (the stream not up, or refused). */
  static final int HTTP_WINDOW = 1;

  /** How long a call waits for its answer before it fails as unreachable. */
  static final long CALL_DEADLINE = 1_000;

  private static final long PAUSE_POLL = 10;

  private final String name;
  private final io.shardeddb.simulation.Scheduler scheduler;
  private final Network network;
  private final Supplier<Map<String, PointRange>> published;
  private final LongSupplier layoutGeneration;

  /** Each shard's session floor, as the published layout carries it. */
  private final Supplier<Map<String, LogPosition>> floors;

  private long generationSeen;
  private final Function<String, ShardStatus> statusOf;
  private final long refreshMillis;
  private final Sharding sharding;
  private final TopologyHolder topology = new TopologyHolder("sim");
  private final FailoverRetry retry;
  private final WritePath writes;
  private final ReadPath reads;
  private final Map<String, MonoSink<ShardReadResponse>> readsPending = new HashMap<>();
  private final Map<String, MonoSink<Heartbeat>> heartbeats = new HashMap<>();
  private final ReplicaHealth health;
  private boolean polling;
  private long asks;
  private final Map<String, MonoSink<ShardWriteResponse>> pending = new HashMap<>();
  private final Map<String, MonoSink<ShardWriteBatchResponse>> batches = new HashMap<>();
  private String lastIssued;
  private long batchesSent;
  private long batchedItems;
  private Map<String, PointRange> layoutSeen = Map.of();
  private Map<String, LogPosition> floorsSeen = Map.of();
  private Map<String, ShardStatus> statusSeen = Map.of();
  private long calls;
  private boolean started;

  /** Which of the production request-id rules this router breaks on purpose (none: production). */
  enum Mutation {
    NONE,
    /** A part routed again after a 421 gets a fresh request id. */
    FRESH_ID_ON_REROUTE,
    /** A failover retry gets a fresh request id. */
    FRESH_ID_ON_RETRY,
    /** A read carries no {@code X-Shard-Owned}: a shard whose ranges moved still answers it. */
    READ_WITHOUT_OWNED,
    /**
     * A session read asks for none of its token's entries: its replicas are picked as for {@code
     * any} and asked for nothing.
     */
    SESSION_WITHOUT_ENTRY,
    /**
     * A session read asks for no session floor: a replica cut off while a range moved away from its
     * shard and back owns it by its older log and answers it.
     */
    SESSION_WITHOUT_FLOOR,
    /**
     * The router's layouts carry no generation (0, as before safety review 2026-11-26 #5's fix), so
     * its session tokens name none and {@code ReadPath.knows} never finds a token ahead of a layout
     * that still gives a moved range to its old owner.
     */
    SESSION_WITHOUT_LAYOUT_GENERATION
  }

  private final Mutation mutation;

  SimRouter(
      String name,
      io.shardeddb.simulation.Scheduler scheduler,
      Network network,
      Supplier<Map<String, PointRange>> published,
      LongSupplier layoutGeneration,
      Supplier<Map<String, LogPosition>> floors,
      Function<String, ShardStatus> statusOf,
      long refreshMillis,
      Sharding sharding,
      Duration retryTimeout,
      Mutation mutation,
      int window) {
    this.name = name;
    this.scheduler = scheduler;
    this.network = network;
    this.published = published;
    this.layoutGeneration = layoutGeneration;
    this.mutation = mutation;
    this.floors = floors;
    this.statusOf = statusOf;
    this.refreshMillis = refreshMillis;
    this.sharding = sharding;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RouterMetrics metrics = new RouterMetrics(meters);
    // shardeddb.router.coalesce.*'s defaults, with {@code window} requests in flight per
    // shard-server: STREAM_WINDOW as while a shard-server's data stream is up (the default
    // transport since 2026-11-25: several batches to one primary in flight at once, answered in
    // any order, the simulated network reorders them), HTTP_WINDOW as over HTTP.
    ShardDataCalls calls =
        new CoalescedWrites(
            this,
            new RouterSettings.Coalesce(true, 64, HTTP_WINDOW),
            url -> window,
            scheduler::nanos,
            meters);
    Time time = new Time();
    // Polled every second (shardeddb.router.heartbeat.interval's default) once started: session
    // and any reads pick their replicas by it.
    this.health = new ReplicaHealth(topology, this, time);
    this.retry =
        new FailoverRetry(
            topology,
            health,
            metrics,
            retryTimeout,
            // shardeddb.router.moved-retry-timeout's default.
            Duration.ofSeconds(10),
            time);
    this.reads =
        switch (mutation) {
          case READ_WITHOUT_OWNED ->
              new ReadPath(this, health, retry, metrics) {
                @Override
                protected String ownedHeader(RoutingTable planned, String shardId) {
                  return null;
                }
              };
          case SESSION_WITHOUT_ENTRY ->
              new ReadPath(this, health, retry, metrics) {
                @Override
                protected SessionToken.Position sessionEntry(SessionToken session, String shard) {
                  return new SessionToken.Position(0, 0);
                }
              };
          case SESSION_WITHOUT_FLOOR ->
              new ReadPath(this, health, retry, metrics) {
                @Override
                protected LogPosition sessionFloor(ShardTopology shard) {
                  return null;
                }
              };
          default -> new ReadPath(this, health, retry, metrics);
        };
    this.writes =
        switch (mutation) {
          case NONE,
              READ_WITHOUT_OWNED,
              SESSION_WITHOUT_ENTRY,
              SESSION_WITHOUT_FLOOR,
              SESSION_WITHOUT_LAYOUT_GENERATION ->
              new WritePath(calls, retry, metrics);
          case FRESH_ID_ON_REROUTE ->
              new WritePath(calls, retry, metrics) {
                @Override
                protected String reroutedId(String requestId) {
                  return fresh();
                }
              };
          case FRESH_ID_ON_RETRY ->
              new WritePath(calls, retry, metrics) {
                @Override
                protected String retriedId(String requestId) {
                  return fresh();
                }
              };
        };
  }

  String name() {
    return name;
  }

  /**
   * Starts the layout source (once): reads the layout now and every {@code refreshMillis}; and the
   * replicas' health, polled every {@link #HEARTBEAT_INTERVAL} ms.
   */
  void start() {
    if (!started) {
      started = true;
      refresh();
      live(HEARTBEAT_INTERVAL, this::pollHealth);
    }
  }

  /** {@code shardeddb.router.heartbeat.interval}'s default. */
  static final long HEARTBEAT_INTERVAL = 1_000;

  /** {@code ReplicaHealth.pollAll}: a round, unless the one before still waits for answers. */
  private void pollHealth() {
    if (!polling) {
      polling = true;
      health.poll().doFinally(s -> polling = false).subscribe();
    }
    live(HEARTBEAT_INTERVAL, this::pollHealth);
  }

  WritePath writes() {
    return writes;
  }

  ReadPath reads() {
    return reads;
  }

  /** Until when this router keeps the layout it has ({@link #freezeLayout}). */
  private long frozenUntil = -1;

  /**
   * The router keeps the layout and statuses it has until {@code until} (simulated ms), as one
   * whose informer lost its watch of the resource and must relist: a fault ({@code
   * Fault.CutOffThroughACutOver}).
   */
  void freezeLayout(long until) {
    frozenUntil = Math.max(frozenUntil, until);
  }

  /** The routing table the router routes a new request by. */
  RoutingTable table() {
    return topology.current();
  }

  /** The request id the router issued last (a request's, as its write path assembles it). */
  String lastIssued() {
    return lastIssued;
  }

  /** Requests sent: {@code /write} and {@code /update} alone, and {@code /write/batch}. */
  long calls() {
    return calls;
  }

  /** {@code /write/batch} requests sent, and the items they carried. */
  long[] batches() {
    return new long[] {batchesSent, batchedItems};
  }

  /**
   * Installs a new routing table when the published layout or a shard's status changed, built as
   * {@code ShardedDatabaseTopology.from} builds it: each shard's epoch, primary and replicas (with
   * their roles) from its status, its session floor from the published layout; a replica's url is
   * its node's name.
   */
  private void refresh() {
    if (scheduler.now() < frozenUntil) {
      live(refreshMillis, this::refresh);
      return;
    }
    Map<String, PointRange> layout = new TreeMap<>(published.get());
    long generation =
        mutation == Mutation.SESSION_WITHOUT_LAYOUT_GENERATION ? 0 : layoutGeneration.getAsLong();
    Map<String, LogPosition> floorsNow = Map.copyOf(floors.get());
    Map<String, ShardStatus> statuses = new TreeMap<>();
    layout.keySet().forEach(s -> statuses.put(s, statusOf.apply(s)));
    if (!layout.equals(layoutSeen)
        || !statuses.equals(statusSeen)
        || generation != generationSeen
        || !floorsNow.equals(floorsSeen)) {
      layoutSeen = layout;
      floorsSeen = floorsNow;
      statusSeen = statuses;
      generationSeen = generation;
      List<ShardTopology> shards = new ArrayList<>();
      layout.forEach(
          (id, range) -> {
            ShardStatus st = statuses.get(id);
            List<Replica> replicas = new ArrayList<>();
            for (ReplicaStatus r : st.replicasOrEmpty()) {
              if (r.pod() != null) {
                replicas.add(
                    new Replica(r.pod(), r.pod(), r.role() == null ? Role.None : r.role()));
              }
            }
            shards.add(
                new ShardTopology(
                    id,
                    range.low(),
                    range.size(),
                    st.epochOrZero(),
                    st.primary(),
                    replicas,
                    floorsNow.get(id)));
          });
      topology.publish(
          t ->
              new Topology(
                  "sim",
                  0,
                  SimStorage.CONFIG.schema(),
                  WriteQuorum.Majority,
                  shards,
                  Map.of(),
                  sharding,
                  generation));
    }
    live(refreshMillis, this::refresh);
  }

  // --- the wire: the simulated network ------------------------------------------------------

  @Override
  public Mono<ShardWriteResponse> write(String url, String owned, ShardWriteRequest request) {
    if (request.data().size() != 1) {
      return Mono.error(
          new IllegalStateException("the simulated clients write one row per request"));
    }
    Map<String, Object> row = request.data().get(0);
    return call(
        url,
        request.requestId(),
        new Messages.OwnedChange(
            request.requestId(),
            SimStorage.key(row),
            SimStorage.value(row),
            Messages.Op.INSERT,
            ShardEndpoints.parseOwnedHeader(owned)));
  }

  @Override
  public Mono<ShardWriteBatchResponse> writeBatch(
      String url, String owned, ShardWriteBatchRequest batch) {
    List<Messages.OwnedChange> items = new ArrayList<>();
    List<io.shardeddb.protocol.topology.PointRange> expected =
        ShardEndpoints.parseOwnedHeader(owned);
    for (ShardWriteRequest w : batch.writes()) {
      if (w.data().size() != 1) {
        return Mono.error(
            new IllegalStateException("the simulated clients write one row per request"));
      }
      Map<String, Object> row = w.data().get(0);
      items.add(
          new Messages.OwnedChange(
              w.requestId(),
              SimStorage.key(row),
              SimStorage.value(row),
              Messages.Op.INSERT,
              expected));
    }
    String id = "batch-" + calls;
    batchesSent++;
    batchedItems += items.size();
    return exchange(url, id, batches, new Messages.OwnedBatch(id, items, expected));
  }

  @Override
  public Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp) {
    return call(
        url,
        requestId,
        new Messages.OwnedChange(
            requestId,
            (Long) key,
            ((Number) row.get(SimStorage.VALUE)).longValue(),
            Messages.Op.UPDATE,
            ShardEndpoints.parseOwnedHeader(owned)));
  }

  @Override
  public Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp) {
    return call(
        url,
        requestId,
        new Messages.OwnedChange(
            requestId, (Long) key, 0, Messages.Op.DELETE, ShardEndpoints.parseOwnedHeader(owned)));
  }

  /**
   * Sends {@code change} to the replica at {@code url} (a node name); completes with its answer, or
   * fails as unreachable after {@link #CALL_DEADLINE}. Answers are matched by replica and request
   * id: a late answer of an earlier call with the same id from the same replica answers the same
   * request, so taking it is what a retry would have got.
   */
  private Mono<ShardWriteResponse> call(String url, String rid, Messages.OwnedChange change) {
    return exchange(url, rid, pending, change);
  }

  /**
   * Sends {@code message} to {@code url} and waits in {@code waiting} (under {@code url} and {@code
   * id}, as the answer names them) for its answer, or fails as unreachable after {@link
   * #CALL_DEADLINE}; a cancelled call stops waiting.
   */
  private <T> Mono<T> exchange(
      String url, String id, Map<String, MonoSink<T>> waiting, Object message) {
    return Mono.create(
        sink -> {
          String key = url + "\n" + id;
          if (!(message instanceof Messages.HeartbeatAsk)) {
            calls++;
          }
          waiting.put(key, sink);
          boolean[] over = {false};
          sink.onDispose(
              () -> {
                over[0] = true;
                waiting.remove(key, sink);
              });
          network.send(name, url, message);
          live(
              CALL_DEADLINE,
              () -> {
                if (!over[0] && waiting.remove(key, sink)) {
                  sink.error(
                      new ShardServerException(
                          url,
                          ShardServerException.UNREACHABLE,
                          "shard-server "
                              + url
                              + " unreachable: no answer within "
                              + CALL_DEADLINE
                              + " ms"));
                }
              });
        });
  }

  @Override
  public Mono<ShardReadResponse> read(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      LogPosition floor,
      long maxStalenessMs,
      ReadFilter filter,
      boolean count) {
    // The simulated table's keys are Numbers.
    if (!(low instanceof Long) || !low.equals(high) || filter != null || count) {
      return Mono.error(new IllegalStateException("the simulated clients read one key"));
    }
    if (consistency == ReadConsistency.BOUNDED) {
      // Not modelled yet (docs/safety.md): no simulated client reads at bounded.
      return Mono.error(new IllegalStateException("the simulator does not model bounded reads"));
    }
    String id = "read-" + ++asks;
    // As ShardServerClient: minLsn only when positive, minEpoch with it only when positive.
    long lsn = minLsn != null && minLsn > 0 ? minLsn : -1;
    long epoch = lsn > 0 && minEpoch != null && minEpoch > 0 ? minEpoch : 0;
    return exchange(
        url,
        id,
        readsPending,
        new Messages.OwnedRead(
            id,
            (Long) low,
            owned == null ? null : ShardEndpoints.parseOwnedHeader(owned),
            consistency == ReadConsistency.PRIMARY,
            consistency == ReadConsistency.SESSION,
            epoch,
            lsn,
            consistency == ReadConsistency.SESSION ? floor : null));
  }

  @Override
  public Mono<Heartbeat> heartbeat(String url) {
    String id = "hb-" + ++asks;
    return exchange(url, id, heartbeats, new Messages.HeartbeatAsk(id));
  }

  /** An answer from a replica: completes the call waiting for it, if any. */
  void receive(String from, Object m) {
    if (m instanceof Messages.HeartbeatReply h) {
      MonoSink<Heartbeat> sink = heartbeats.remove(from + "\n" + h.id());
      if (sink != null) {
        sink.success(h.heartbeat());
      }
      return;
    }
    if (m instanceof Messages.OwnedReadReply r) {
      MonoSink<ShardReadResponse> sink = readsPending.remove(from + "\n" + r.id());
      if (sink == null) {
        return;
      }
      if (r.status() != 200) {
        sink.error(new ShardServerException(from, r.status(), r.message()));
        return;
      }
      List<Map<String, Object>> rows =
          r.value() == null ? List.of() : List.of(SimStorage.row(r.key(), r.value()));
      sink.success(new ShardReadResponse(rows, "success", null, null, null, null));
      return;
    }
    if (m instanceof Messages.BatchReply b) {
      MonoSink<ShardWriteBatchResponse> sink = batches.remove(from + "\n" + b.id());
      if (sink == null) {
        return;
      }
      if (b.status() != 200) {
        sink.error(new ShardServerException(from, b.status(), b.message()));
        return;
      }
      List<ShardWriteBatchResponse.Result> results = new ArrayList<>();
      for (Messages.WriteReply r : b.results()) {
        results.add(
            r.status() == 200
                ? ShardWriteBatchResponse.Result.ok(response(r))
                : ShardWriteBatchResponse.Result.failed(r.status(), message(r)));
      }
      sink.success(new ShardWriteBatchResponse(results));
      return;
    }
    if (!(m instanceof Messages.WriteReply reply)) {
      return;
    }
    MonoSink<ShardWriteResponse> sink = pending.remove(from + "\n" + reply.rid());
    if (sink == null) {
      return;
    }
    if (reply.status() == 200) {
      sink.success(response(reply));
    } else {
      sink.error(new ShardServerException(from, reply.status(), message(reply)));
    }
  }

  private static ShardWriteResponse response(Messages.WriteReply r) {
    return new ShardWriteResponse("ok", null, "success", r.lsn(), r.entryEpoch(), null, null);
  }

  private static String message(Messages.WriteReply r) {
    return r.notPrimaryBecause() == null ? "status " + r.status() : r.notPrimaryBecause();
  }

  private String fresh() {
    return new UUID(scheduler.random().nextLong(), scheduler.random().nextLong()).toString();
  }

  /** A request's id, remembered as the last one issued. */
  private String issue() {
    lastIssued = fresh();
    return lastIssued;
  }

  /**
   * Runs {@code task} after {@code delay} ms of simulated time, later while the router is paused.
   */
  private void live(long delay, Runnable task) {
    scheduler.after(delay, () -> runLive(task));
  }

  private void runLive(Runnable task) {
    if (network.liveness(name) == Network.Liveness.PAUSED) {
      scheduler.after(PAUSE_POLL, () -> runLive(task));
      return;
    }
    task.run();
  }

  /** The router's clock, chance and scheduler: the simulation's. */
  private final class Time implements RouterTime {
    private final Scheduler reactor = new ReactorScheduler();

    @Override
    public long nanos() {
      return scheduler.nanos();
    }

    @Override
    public double random() {
      return scheduler.random().nextDouble();
    }

    @Override
    public Scheduler scheduler() {
      return reactor;
    }

    @Override
    public String requestId() {
      return issue();
    }
  }

  /**
   * Reactor's delays ({@code Mono.delay}) as events of the simulation's scheduler, on its one
   * thread; a disposed task never runs.
   */
  private final class ReactorScheduler implements Scheduler {
    @Override
    public Disposable schedule(Runnable task) {
      return schedule(task, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
      boolean[] disposed = {false};
      long millis = (unit.toNanos(delay) + 999_999) / 1_000_000;
      live(
          millis,
          () -> {
            if (!disposed[0]) {
              task.run();
            }
          });
      return () -> disposed[0] = true;
    }

    @Override
    public Disposable schedulePeriodically(
        Runnable task, long initialDelay, long period, TimeUnit unit) {
      throw new RejectedExecutionException("no periodic tasks in the simulation");
    }

    @Override
    public long now(TimeUnit unit) {
      return unit.convert(scheduler.nanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Worker createWorker() {
      List<Disposable> tasks = new ArrayList<>();
      boolean[] workerDisposed = {false};
      return new Worker() {
        @Override
        public Disposable schedule(Runnable task) {
          return schedule(task, 0, TimeUnit.MILLISECONDS);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
          if (workerDisposed[0]) {
            throw new RejectedExecutionException("worker disposed");
          }
          Disposable d = ReactorScheduler.this.schedule(task, delay, unit);
          tasks.add(d);
          return d;
        }

        @Override
        public void dispose() {
          workerDisposed[0] = true;
          tasks.forEach(Disposable::dispose);
          tasks.clear();
        }

        @Override
        public boolean isDisposed() {
          return workerDisposed[0];
        }
      };
    }
  }
}
