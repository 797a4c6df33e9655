package io.shardeddb.simulation;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.operator.reshard.MoveRecorder;
import io.shardeddb.operator.reshard.Resharder;
import io.shardeddb.operator.reshard.ShardEndpoint;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One seeded schedule of two shards and a move between them (docs/resharding.md): shards {@code
 * sh1} (replicas a0–a2) and {@code sh2} (b0–b2), each the production replica classes ({@link
 * SimReplica}: write path, replication, re-copy, and the destination's production {@code
 * ImportService}) with its own shard loop ({@link SimOperator}: the production {@code
 * ShardPlanner}'s failovers); the operator's production {@link Resharder} (with {@code MoveStep})
 * over {@link SimShardClient}; clients that route by the layout the resharder publishes. At 3 s the
 * spec asks for a split-like boundary move one way or the other, or a merge of sh1 into sh2 (one
 * schedule in four reverts the spec later: the move aborts, or a move back follows); the seed's
 * {@link FaultPlan} runs until {@link ShardSimulation#FAULTY} (the {@link FaultInjector} both
 * worlds share): crashes and restarts (primaries of the source and destination among them), pauses,
 * partitions (within and across shards, replicas from their shard loop, the resharder from
 * replicas, routers from replicas), lost volumes, restarts of the shard loops and of the resharder,
 * storage faults, message loss, duplication and delay; then everything heals and the world gets
 * {@link ShardSimulation#SETTLE} ms. Checked: the move ended (Done or Aborted), the published
 * layout covers the key space once, each shard's replicas own exactly what it gives them and hold
 * no row outside it, and the {@link Judge}'s checks on each shard: no acknowledged change lost or
 * applied again (each key's final value on every replica of its owner is its last acknowledged
 * change or one sent after it), no request id twice in a replica's log, the replicas converged.
 *
 * <p>Why this file is over 450 lines: the two shards, the resharder and the clients share one
 * scheduler and history, and each scripted schedule must reach exact points of a move (before the
 * adopt, after the import read past a log end) that only this world sees together.
 */
public final class MoveSimulation {
  /** Keys (= points, range sharding) in the key space: sh1 owns [0, 1000), sh2 [1000, 2000). */
  static final int KEYS = 2_000;

  static final String MOVER = "resharder";
  private static final int CLIENTS = 8;
  private static final long PASS = 250;

  /** The outcome of one schedule. */
  public record Result(
      long seed,
      List<String> violations,
      String move,
      MovePhase phase,
      long acknowledged,
      long unknown,
      long failovers,
      long[] storageFaultsStruck,
      List<String> faults,
      long[] batches,
      long[] reads,
      int resizes) {
    public boolean ok() {
      return violations.isEmpty();
    }
  }

  private final long seed;
  private final Sharding sharding;
  private final long space;
  private final Scheduler scheduler;
  private final Network network;
  private final Map<String, SimReplica> byName = new HashMap<>();

  /** Every ordinal each shard may have (five); its pods are the first {@link #podCount} of them. */
  private final Map<String, List<SimReplica>> shards = new LinkedHashMap<>();

  /** How many pods each shard's StatefulSet has now. */
  private final Map<String, Integer> podCount = new HashMap<>();

  /** Replicas with a volume claim (created once, kept after a scale-down when volumes are kept). */
  private final Set<String> claimed = new HashSet<>();

  /** Each shard's replica count at bring-up. */
  private static final int REPLICAS = 3;

  /** Whether a scale-down keeps the removed pods' claims (the StatefulSet's default: Retain). */
  private boolean keepsVolumes;

  /** Replica-count changes the schedule made. */
  private int resizes;

  private final Map<String, SimOperator> loops = new LinkedHashMap<>();
  private final List<SimRouter> routers = new ArrayList<>();
  private final List<MoveClient> clients = new ArrayList<>();
  private final Map<Long, List<MoveClient.Change>> history = new TreeMap<>();
  private final List<MoveClient.Read> reads = new ArrayList<>();
  private final List<Long> recentlyChanged = new ArrayList<>();
  private final List<String> faultLog = new ArrayList<>();
  private final SimShardClient shardClient;

  /** Strikes the seed's {@link FaultPlan} on this world. */
  private final FaultInjector faults;

  private final Resharder resharder;
  private final Map<String, PointRange> initial = new LinkedHashMap<>();
  private Map<String, PointRange> published;

  /**
   * The status's applied spec as the operator keeps it ({@code status.applied}), through the
   * production {@link AppliedSpec#withLayout}: the published layout's generation, raised at each
   * change of {@link #published} (the routers' layouts carry it, and so do the session tokens of
   * the writes they route), and each shard's session floor (the position of its last acknowledged
   * adopt, which session reads of it ask for).
   */
  private AppliedSpec applied;

  /** Whether clients read their sessions through the other router as well (a session moving). */
  private boolean sessionsAcrossRouters;

  private Map<String, PointRange> target;
  private MoveStatus inFlight;
  private int moverIncarnation;
  private SimRouter.Mutation routerMutation = SimRouter.Mutation.NONE;

  /** {@code shardeddb.router.retry.timeout}'s default. */
  private static final Duration DEFAULT_RETRY = Duration.ofSeconds(10);

  public MoveSimulation(long seed) {
    this(seed, new Rulebook());
  }

  MoveSimulation(long seed, Rulebook rules) {
    this(seed, rules, Sharding.Range);
  }

  /**
   * A schedule over {@code sharding}: {@code Range} (keys are points, the space [0, {@link #KEYS}))
   * or {@code Hash} (a key's point is its production hash, the space [0, 2^32)); the layouts and
   * moves are the same fractions of the space either way.
   */
  public MoveSimulation(long seed, Sharding sharding) {
    this(seed, new Rulebook(), sharding);
  }

  MoveSimulation(long seed, Rulebook rules, Sharding sharding) {
    this(seed, rules, sharding, false, false, false);
  }

  /**
   * A schedule whose database also has a second table ({@link ShardSimulation#ORDERS}, created on
   * both shards before the move, as the operator creates a table on every shard), whose rows a
   * writer inserts through each key's owner while the range moves (issue 46): the move must carry
   * them with the first table's.
   */
  static MoveSimulation withTables(long seed, Sharding sharding) {
    return new MoveSimulation(seed, new Rulebook(), sharding, true, false, false);
  }

  /**
   * A {@link #withTables} schedule on a {@code Hash}-sharded database that also has a String-keyed
   * table ({@link ShardSimulation#ACCOUNTS}, issue 46), whose rows — keys with trailing spaces,
   * other cases, accents and emoji ({@link #accountKey}) — a writer inserts through each key's
   * owner (the production {@code Sharding.point} of the key: the hash of its UTF-8 bytes) while the
   * range moves, under {@code rules}.
   */
  static MoveSimulation withStringKeys(long seed, Rulebook rules) {
    return new MoveSimulation(seed, rules, Sharding.Hash, true, true, false);
  }

  /**
   * A {@link #withTables} schedule whose database also has a table with a composite primary key
   * ({@link ShardSimulation#LINES}: {@code PRIMARY KEY (order_id, line_no)}, four rows per order,
   * {@link #lineKey}), under {@code Range} sharding for odd seeds and {@code Hash} for even ones
   * (where the String-keyed {@code accounts} is there too). A {@link KeyedTableWriter} per table
   * inserts, updates and deletes rows by their whole key through the owner of the key's point (a
   * tuple's: its order's) while ranges split and merge under the faults, under {@code rules}.
   */
  static MoveSimulation withCompositeKeys(long seed, Rulebook rules) {
    Sharding sharding = seed % 2 == 1 ? Sharding.Range : Sharding.Hash;
    return new MoveSimulation(seed, rules, sharding, true, sharding == Sharding.Hash, true);
  }

  /**
   * The {@code i}-th key the lines writer inserts: the tuple (order_id, line_no), four lines of
   * each order one after the other (so one shard key has several rows), line numbers spelled so
   * code-point order is not numeric order ('1' &lt; '10' &lt; '2' &lt; 'A' &lt; 'a').
   */
  static List<Object> lineKey(int i) {
    long order = ((i / 4) * 7919L + 13) % KEYS;
    String line =
        switch (i % 4) {
          case 0 -> "1";
          case 1 -> "10";
          case 2 -> "2";
          default -> (i / 4) % 2 == 0 ? "A" : "a";
        };
    return List.of(order, line);
  }

  /** Whether the database has the second table and its writer ({@link #withTables}). */
  private final boolean tables;

  /** Whether it also has the String-keyed table and its writer ({@link #withStringKeys}). */
  private final boolean stringKeys;

  /** Orders rows acknowledged: key to the shard that acknowledged it. */
  private final Map<Long, String> ordersAcked = new HashMap<>();

  private int ordersSent;

  /**
   * Accounts rows acknowledged ({@link #withStringKeys}): key to the shard that acknowledged it.
   */
  private final Map<String, String> accountsAcked = new HashMap<>();

  private int accountsSent;

  /**
   * The writers by whole key of {@link #withCompositeKeys}: {@code lines}, and {@code accounts}
   * under Hash (instead of its insert-only writer); empty otherwise.
   */
  private final List<KeyedTableWriter> keyedWriters = new ArrayList<>();

  private MoveSimulation(
      long seed,
      Rulebook rules,
      Sharding sharding,
      boolean tables,
      boolean stringKeys,
      boolean compositeKeys) {
    if (stringKeys && sharding != Sharding.Hash) {
      throw new IllegalArgumentException("a String key needs sharding: Hash");
    }
    this.tables = tables;
    this.stringKeys = stringKeys;
    if (compositeKeys) {
      keyedWriters.add(new KeyedTableWriter("lines", 400, MoveSimulation::lineKey));
      if (stringKeys) {
        keyedWriters.add(new KeyedTableWriter("accounts", 400, MoveSimulation::accountKey));
      }
    }
    this.seed = seed;
    this.sharding = sharding;
    this.space = sharding == Sharding.Hash ? Sharding.HASH_SPACE : KEYS;
    this.scheduler = new Scheduler(seed);
    this.network = new Network(scheduler);
    initial.put("sh1", new PointRange(0, space / 2));
    initial.put("sh2", new PointRange(space / 2, space / 2));
    published = Map.copyOf(initial);
    applied =
        new AppliedSpec(null, appliedShards(initial), null, null, null, null, null, null, 1L, null);
    target = published;
    for (Map.Entry<String, PointRange> shard : initial.entrySet()) {
      String id = shard.getKey();
      String prefix = id.equals("sh1") ? "a" : "b";
      List<String> names = List.of(prefix + 0, prefix + 1, prefix + 2, prefix + 3, prefix + 4);
      ShardConfig config =
          new ShardConfig(
              id,
              SimStorage.CONFIG.schema(),
              shard.getValue().low(),
              shard.getValue().size(),
              sharding,
              List.of(shard.getValue()));
      if (tables) {
        config = config.withTable(ShardSimulation.ORDERS, 2);
      }
      if (stringKeys) {
        config = config.withTable(ShardSimulation.ACCOUNTS, 3);
      }
      if (compositeKeys) {
        config = config.withTable(ShardSimulation.LINES, 4);
      }
      List<SimReplica> reps = new ArrayList<>();
      for (String n : names) {
        SimReplica r = new SimReplica(n, scheduler, network, rules, byName::get, config);
        reps.add(r);
        byName.put(n, r);
        network.attach(n, r::receive);
        if (reps.size() <= REPLICAS) {
          claimed.add(n);
        } else {
          r.crash(); // no pod yet
        }
      }
      shards.put(id, reps);
      podCount.put(id, REPLICAS);
      SimOperator loop =
          SimOperator.forShard(
              "operator-" + id,
              id,
              names,
              REPLICAS,
              scheduler,
              network,
              byName,
              size -> scale(id, size),
              () -> {
                PointRange owns = published.get(id);
                return owns == null ? List.of() : List.of(owns);
              });
      loops.put(id, loop);
      network.attach("operator-" + id, loop::receive);
    }
    shardClient = new SimShardClient(MOVER, scheduler, network, byName::get);
    faults = new FaultInjector(scheduler, network, new Targets());
    resharder = new Resharder(shardClient, Resharder.CUTOVER_TIMEOUT, scheduler::nanos);
    network.attach(MOVER, (from, m) -> {});
    for (int r = 0; r < 2; r++) {
      SimRouter router = router("r" + r, r == 0 ? 150 : 900, DEFAULT_RETRY);
      routers.add(router);
      network.attach(router.name(), router::receive);
    }
    // Four clients behind each router, so writes to one primary meet in its coalescing queue.
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(
          new MoveClient(
              "c" + i, i, CLIENTS, scheduler, routers.get(i % 2), history, reads, recentlyChanged));
    }
  }

  /**
   * A router process: layout refresh every {@code refreshMillis} (r0 150 ms, r1 900 ms: two routers
   * on different layouts), failover retries for {@code retryTimeout}; r0 keeps one coalesced
   * request in flight per shard-server (as over HTTP), the others four (as over the data stream,
   * the default transport), so every schedule runs both windows.
   */
  private SimRouter router(String name, long refreshMillis, Duration retryTimeout) {
    return new SimRouter(
        name,
        scheduler,
        network,
        () -> published,
        () -> applied.layoutGenerationOrZero(),
        this::floors,
        shard -> loops.get(shard).status(),
        refreshMillis,
        sharding,
        retryTimeout,
        routerMutation,
        name.equals("r0") ? SimRouter.HTTP_WINDOW : SimRouter.STREAM_WINDOW);
  }

  /**
   * Client {@code i} alone behind a router of its own that retries for {@code retryTimeout} (the
   * scripted schedules freeze or cut off that router).
   */
  private MoveClient patientClient(int i, Duration retryTimeout) {
    MoveClient c = clients.get(i);
    SimRouter own = router("p" + i, 150, retryTimeout);
    network.attach(own.name(), own::receive);
    c.useRouter(own);
    return c;
  }

  /**
   * Clients also read their sessions through the other router (every other session read): a session
   * that moves between a router with a fresh layout and one whose layout is behind (safety review
   * 2026-11-26 #5).
   */
  MoveSimulation sessionsAcrossRouters() {
    sessionsAcrossRouters = true;
    wireSessions();
    return this;
  }

  private void wireSessions() {
    for (int i = 0; i < clients.size(); i++) {
      clients
          .get(i)
          .readSessionsAlsoThrough(sessionsAcrossRouters ? routers.get((i + 1) % 2) : null);
    }
  }

  /** Every router breaks {@code mutation}'s request-id rule on purpose. */
  MoveSimulation routersBreaking(SimRouter.Mutation mutation) {
    routerMutation = mutation;
    for (int r = 0; r < routers.size(); r++) {
      SimRouter router = router("r" + r, r == 0 ? 150 : 900, DEFAULT_RETRY);
      routers.set(r, router);
      network.attach(router.name(), router::receive);
    }
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).useRouter(routers.get(i % 2));
    }
    wireSessions();
    return this;
  }

  /** The replica named {@code name} (for tests that look at one). */
  SimReplica replica(String name) {
    return byName.get(name);
  }

  /** Every change the clients sent, by key (for scripted tests that look at one). */
  Map<Long, List<MoveClient.Change>> history() {
    return history;
  }

  /** Runs the schedule and checks it. */
  /**
   * About one snapshot in four (a re-copy's or the move's range snapshot) breaks mid-stream, chosen
   * by the seed ({@link SnapshotCuts}). Before {@link #run}.
   */
  MoveSimulation withSnapshotCuts() {
    network.snapshotCuts(SnapshotCuts.bySeed(seed, 0.25));
    return this;
  }

  /** Snapshot streams cut so far. */
  long snapshotCuts() {
    return network.snapshotCuts().cuts();
  }

  public Result run() {
    FaultPlan plan = FaultPlan.draw(seed, shape());
    byName.values().forEach(rep -> rep.trimLog(plan.trim()));
    Random r = scheduler.random();
    Map<String, PointRange> wanted =
        switch (r.nextInt(3)) {
          case 0 ->
              Map.of(
                  "sh1",
                  new PointRange(0, space / 4),
                  "sh2",
                  new PointRange(space / 4, space - space / 4));
          case 1 ->
              Map.of(
                  "sh1",
                  new PointRange(0, space - space / 4),
                  "sh2",
                  new PointRange(space - space / 4, space / 4));
          default -> Map.of("sh2", new PointRange(0, space));
        };
    // One schedule in four reverts the spec mid-move: an abort before the adopt, else a move back.
    long revertAt = r.nextInt(4) == 0 ? 3_500 + r.nextInt(6_000) : -1;
    // One schedule in three grows a shard's replica count 3 -> 5 mid-move, half of them shrinking
    // it back to 3 later; the removed pods' volumes are kept in half of the schedules.
    String resized = r.nextInt(3) == 0 ? (r.nextBoolean() ? "sh1" : "sh2") : null;
    long growAt = 2_500 + r.nextInt(7_000);
    long shrinkAt = r.nextBoolean() ? growAt + 2_000 + r.nextInt(6_000) : -1;
    keepsVolumes = r.nextBoolean();
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    // Bring-up on a quiet network: a lost first Primary role leaves a new shard waiting for good
    // (ShardPlanner: no replica holds data yet, so no election), which is not what this tests.
    scheduler.runUntil(2_000);
    network.faults(plan.network());
    clients.forEach(MoveClient::start);
    if (tables) {
      Random orders = new Random(seed ^ 0x0DE25L);
      scheduler.after(500, () -> writeOrders(orders));
    }
    if (stringKeys && keyedWriters.isEmpty()) {
      Random accounts = new Random(seed ^ 0xACC0L);
      scheduler.after(500, () -> writeAccounts(accounts));
    }
    for (KeyedTableWriter w : keyedWriters) {
      Random byKey = new Random(seed ^ 0x11E5L ^ keyedWriters.indexOf(w));
      scheduler.after(500, () -> writeByKey(w, byKey));
    }
    startMover();
    scheduler.after(
        1_000,
        () -> {
          target = wanted;
          log(scheduler.now(), "spec asks for " + new TreeMap<>(wanted));
        });
    if (resized != null) {
      scheduler.after(growAt - scheduler.now(), () -> resize(resized, 5));
      if (shrinkAt > 0) {
        scheduler.after(shrinkAt - scheduler.now(), () -> resize(resized, REPLICAS));
      }
    }
    if (revertAt > 0) {
      scheduler.after(
          revertAt - scheduler.now(),
          () -> {
            target = Map.copyOf(initial);
            log(scheduler.now(), "spec reverted to " + new TreeMap<>(initial));
          });
    }
    faults.schedule(plan);
    scheduler.runUntil(ShardSimulation.FAULTY);
    healEverything();
    clients.forEach(MoveClient::stopWriting);
    scheduler.runUntil(ShardSimulation.FAULTY + ShardSimulation.SETTLE);
    probeLiveness();
    return judge();
  }

  /** Each shard's liveness probe: an insert of a key it owns, sent once the world settled. */
  private final Map<String, MoveClient.Change> probes = new TreeMap<>();

  /**
   * The promise's liveness, per shard: once every fault healed and the world settled, every shard
   * of the published layout takes writes again. A client behind a router of its own inserts one new
   * key the shard owns; the world gets {@link ShardSimulation#PROBE} ms twice (the write, then a
   * settle) before the checkers judge (the probe's inserts are part of the history).
   */
  private void probeLiveness() {
    for (Map.Entry<String, PointRange> e : new TreeMap<>(published).entrySet()) {
      long key = unusedKeyIn(e.getValue());
      if (key < 0) {
        continue;
      }
      MoveClient probe =
          new MoveClient(
              "probe-" + e.getKey(), 0, 1, scheduler, null, history, reads, recentlyChanged);
      SimRouter own = router("probe-" + e.getKey(), 150, DEFAULT_RETRY);
      network.attach(own.name(), own::receive);
      probe.useRouter(own);
      probes.put(e.getKey(), probe.insertOnce(key));
    }
    scheduler.runUntil(scheduler.now() + ShardSimulation.PROBE);
    scheduler.runUntil(scheduler.now() + ShardSimulation.PROBE);
  }

  /** A key no client ever sent whose point lies in {@code range}, or -1. */
  private long unusedKeyIn(PointRange range) {
    for (long key = 0; key < 1_000_000; key++) {
      if (!history.containsKey(key) && range.contains(sharding.point(key))) {
        return key;
      }
    }
    return -1;
  }

  /** Shards whose probe insert was not acknowledged (see {@link #probeLiveness}). */
  private List<String> livenessViolations() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, MoveClient.Change> p : probes.entrySet()) {
      MoveClient.Change c = p.getValue();
      if (c.outcome != MoveClient.Outcome.OK) {
        out.add(
            "liveness: after every fault healed and the world settled, "
                + p.getKey()
                + " did not acknowledge the probe's insert of key "
                + c.key
                + " within "
                + 2 * ShardSimulation.PROBE
                + " ms ("
                + c.outcome
                + (c.failure == null ? "" : ": " + c.failure)
                + ")");
      }
    }
    return out;
  }

  /**
   * DESIGN §5 rule 13 (review 2026-11-23 item 1) as a scripted schedule, on a quiet network and
   * with no other writers: the move of [500, 1000) from sh1 to sh2 reaches CatchingUp; sh1's
   * primary P is cut off from its secondaries (the destination, the resharder and a client still
   * reach it) and the client inserts key 777 (in the range) there: P commits it alone, it is never
   * acknowledged. Once the destination's import has read past P's log end (or 2 s later), P crashes
   * and the client is cut off from the rest of sh1, so its retries (same request id) reach no
   * source primary before the cut-over; sh1 fails over without the insert, the import starts over,
   * the move completes, and the retry lands on sh2. An import that copied P's unacknowledged tail
   * kept the insert's request id through its restart's purge, so the retry is answered 200 from it
   * while the row exists nowhere.
   */
  public Result runUnacknowledgedTail() {
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    scheduler.runUntil(2_000);
    startMover();
    target = Map.of("sh1", new PointRange(0, 500), "sh2", new PointRange(500, 1_500));
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    long deadline = scheduler.now() + 10_000;
    scheduler.runUntil(
        deadline, () -> inFlight != null && inFlight.phase() == MovePhase.CatchingUp);
    String primary = loops.get("sh1").primary();
    if (primary == null || inFlight == null || inFlight.phase() != MovePhase.CatchingUp) {
      return judge();
    }
    SimReplica p = byName.get(primary);
    for (SimReplica o : pods("sh1")) {
      if (o != p) {
        network.partition(p.name(), o.name());
      }
    }
    log(scheduler.now(), "cut " + p.name() + " off from its secondaries; c0 inserts key 777 there");
    // Its router retries for a minute (shardeddb.router.retry.timeout), past the cut-over.
    MoveClient writer = patientClient(0, Duration.ofSeconds(60));
    writer.insertOnce(777);
    long sentAt = scheduler.now();
    scheduler.runUntil(
        sentAt + 2_000,
        () -> {
          long tail = p.disk().lastLsn();
          String dest = loops.get("sh2").primary();
          io.shardeddb.protocol.shard.ImportProgress ip =
              dest == null ? null : byName.get(dest).imports().get();
          return scheduler.now() > sentAt + 100 && ip != null && ip.sourceLsn() >= tail;
        });
    log(scheduler.now(), "crash " + p.name() + "; cut c0 off from the rest of sh1");
    p.crash();
    for (SimReplica o : pods("sh1")) {
      if (o != p) {
        network.partition(writer.router().name(), o.name());
      }
    }
    scheduler.runUntil(scheduler.now() + 15_000, () -> inFlight.phase().finished());
    healEverything();
    scheduler.runUntil(scheduler.now() + ShardSimulation.SETTLE);
    return judge();
  }

  /**
   * Liveness, scripted (fault matrix 2026-11-28): one of sh1's secondaries stops answering sh2's
   * replicas (down or cut off, as the importer sees it), then the move [500, 1000) from sh1 to sh2
   * runs under the clients' steady writes. On a real network each call to it costs the caller its
   * request deadline (5 s), which the simulation does not charge: {@link
   * #unansweredCallsToTheCutOffReplica} counts them. An importer that asks every source replica
   * after each page paid one deadline per page, fell behind steady writes for good, and every
   * cut-over's fence timed out.
   */
  public Result runSourceReplicaCutOffFromTheImporter() {
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    scheduler.runUntil(2_000);
    clients.forEach(MoveClient::start);
    String primary = loops.get("sh1").primary();
    if (primary == null) {
      return judge();
    }
    cutOff =
        pods("sh1").stream()
            .map(SimReplica::name)
            .filter(n -> !n.equals(primary))
            .findFirst()
            .get();
    pods("sh2").forEach(d -> network.partition(d.name(), cutOff));
    log(scheduler.now(), "cut " + cutOff + " off from sh2's replicas");
    startMover();
    target = Map.of("sh1", new PointRange(0, 500), "sh2", new PointRange(500, 1_500));
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    scheduler.runUntil(
        scheduler.now() + 20_000, () -> inFlight != null && inFlight.phase().finished());
    healEverything();
    clients.forEach(MoveClient::stopWriting);
    scheduler.runUntil(scheduler.now() + ShardSimulation.SETTLE);
    return judge();
  }

  /** The source replica {@link #runSourceReplicaCutOffFromTheImporter} cut off (null before). */
  private String cutOff;

  /** Calls sh2's replicas made to {@link #cutOff} that it did not answer. */
  int unansweredCallsToTheCutOffReplica() {
    return cutOff == null
        ? 0
        : pods("sh2").stream().mapToInt(d -> network.unansweredCalls(d.name(), cutOff)).sum();
  }

  /**
   * Rule 14, scripted (review 2026-11-23 item 2): the move [500, 1000) sh1 → sh2; just before the
   * cut-over's adopt is sent, the destination's primary is cut off from its secondaries, so the
   * adopt it orders reaches no quorum; 3 s later it crashes for 8 s and its secondaries elect a
   * primary without the adopt. A layout published on that adopt leaves the range owned by nobody;
   * with the rule kept the adopt is unknown, nothing is published, and the cut-over is done again
   * on the new primary.
   */
  public Result runAdoptWithoutQuorum() {
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    scheduler.runUntil(2_000);
    long[] crashAt = {Long.MAX_VALUE};
    shardClient.beforeFirstAdopt =
        () -> {
          String primary = loops.get("sh2").primary();
          if (primary == null) {
            return;
          }
          SimReplica p = byName.get(primary);
          for (SimReplica o : pods("sh2")) {
            if (o != p) {
              network.partition(p.name(), o.name());
            }
          }
          log(scheduler.now(), "cut " + p.name() + " off from its secondaries before the adopt");
          crashAt[0] = scheduler.now() + 3_000;
          scheduler.after(
              3_000,
              () -> {
                log(scheduler.now(), "crash " + p.name() + " for 8000");
                p.crash();
                scheduler.after(8_000, p::start);
              });
        };
    startMover();
    target = Map.of("sh1", new PointRange(0, 500), "sh2", new PointRange(500, 1_500));
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    // Healed only once the move ended and sh2 has failed over (its secondaries elect without the
    // cut-off primary), so an adopt only that primary held cannot reach them by the heal.
    scheduler.runUntil(
        scheduler.now() + 30_000,
        () ->
            inFlight != null
                && inFlight.phase().finished()
                && scheduler.now() >= crashAt[0] + 4_000);
    healEverything();
    scheduler.runUntil(scheduler.now() + ShardSimulation.SETTLE);
    return judge();
  }

  /** The session reads {@link #runMovedAwayAndBack} made. */
  final List<MoveClient.Read> awayAndBackReads = new ArrayList<>();

  /**
   * What held when {@link #runMovedAwayAndBack} sent its read: the cut-off secondary's name, that
   * it was in sync and owned the key, its last entry and sh1's session floor (empty before).
   */
  final List<String> awayAndBackPreconditions = new ArrayList<>();

  /**
   * Rule 9's session floor, scripted (issue 47 item 7, safety review 2026-11-26 #5's open half), on
   * a quiet network: c0 inserts key 777 on sh1 and one of sh1's secondaries, S, is cut off from its
   * peers once it holds the insert; [500, 1000) moves to sh2, c0 updates 777 there (acknowledged:
   * its token names sh2's entry), and the range moves back to sh1. S saw neither move: its log
   * still gives sh1 [0, 1000) and holds the insert's value, and c0's token names no sh1 entry after
   * it. c0's router is then cut off from sh1's other secondaries, so its session reads of 777 go to
   * S or to the primary. Without the floor S answers the insert's value (read-your-writes broken);
   * with it S refuses (its log ends before the adopt that gave sh1 the range back) and the primary
   * answers.
   */
  public Result runMovedAwayAndBack() {
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    scheduler.runUntil(2_000);
    MoveClient c0 = patientClient(0, DEFAULT_RETRY);
    MoveClient.Change insert = c0.insertOnce(777);
    scheduler.runUntil(scheduler.now() + 5_000, c0::idle);
    String first = loops.get("sh1").primary();
    SimReplica cut =
        pods("sh1").stream()
            .filter(p -> !p.name().equals(first))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("sh1 has no secondary"));
    scheduler.runUntil(scheduler.now() + 5_000, () -> cut.disk().rids.containsKey(insert.rid));
    for (SimReplica o : pods("sh1")) {
      if (o != cut) {
        network.partition(cut.name(), o.name());
      }
    }
    log(scheduler.now(), "cut " + cut.name() + " off from the other replicas of sh1");
    startMover();
    Map<String, PointRange> away =
        Map.of("sh1", new PointRange(0, 500), "sh2", new PointRange(500, 1_500));
    target = away;
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    scheduler.runUntil(scheduler.now() + 30_000, () -> movedTo(away));
    // c0's router refreshes its layout every 150 ms: the update goes to sh2.
    scheduler.runUntil(scheduler.now() + 500);
    c0.updateOnce(777, SimStorage.updateValue(777, 1));
    scheduler.runUntil(scheduler.now() + 5_000, c0::idle);
    Map<String, PointRange> back = Map.copyOf(initial);
    target = back;
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    scheduler.runUntil(scheduler.now() + 30_000, () -> movedTo(back));
    scheduler.runUntil(scheduler.now() + 500);
    String primary = loops.get("sh1").primary();
    for (SimReplica o : pods("sh1")) {
      if (o != cut && !o.name().equals(primary)) {
        network.partition(c0.router().name(), o.name());
      }
    }
    log(
        scheduler.now(),
        "cut " + c0.router().name() + " off from sh1's secondaries but " + cut.name());
    // Heartbeats every second: the cut-off ones are unhealthy after a few.
    scheduler.runUntil(scheduler.now() + 3_000);
    io.shardeddb.protocol.shard.Heartbeat h = cut.heartbeat();
    awayAndBackPreconditions.add("replica " + cut.name());
    awayAndBackPreconditions.add("state " + h.state());
    awayAndBackPreconditions.add("owns " + h.owned());
    awayAndBackPreconditions.add(
        "last entry " + new LogPosition(h.lastEntryEpoch(), h.appliedLsn()));
    awayAndBackPreconditions.add("floor " + floors().get("sh1"));
    // The router picks among the primary and the replicas it finds healthy and caught up by a
    // random point on its ring: eight reads, so that one without the floor reaches S.
    for (int i = 0; i < 8; i++) {
      MoveClient.Read rd = c0.readOnce(777, ReadConsistency.SESSION);
      scheduler.runUntil(scheduler.now() + 5_000, c0::idle);
      awayAndBackReads.add(rd);
      log(scheduler.now(), "read: " + rd);
    }
    healEverything();
    scheduler.runUntil(scheduler.now() + ShardSimulation.SETTLE);
    return judge();
  }

  /** Whether the move to {@code layout} finished and published it. */
  private boolean movedTo(Map<String, PointRange> layout) {
    return published.equals(layout) && inFlight != null && inFlight.phase() == MovePhase.Done;
  }

  /**
   * Rule 13's hand-over of request outcomes, scripted (review 2026-11-23 item 4), on a quiet
   * network: c0 inserts key 777 (acknowledged) and sends update U1 of it, which sh1 commits on a
   * quorum; c0's router freezes before it reads the answer (a long pause), and its connections to
   * sh1 break meanwhile. The merge of sh1 into sh2 completes, c1 updates 777 on sh2 (U2,
   * acknowledged), and c0's router resumes: its call timed out, the layout no longer has sh1, so
   * the production router routes the retry of U1 (same request id) to sh2. sh2 must answer it from
   * the outcome the import handed over, leaving U2's value; a destination without that outcome
   * applies U1 a second time, after the newer U2 (reads see v1, v2, v1). (A split would not show
   * it: the router retries on the shard it planned, and the source answers a request it applied
   * from its own outcome, owned or not.)
   */
  public Result runRetryOfAChangeFromBeforeTheMove() {
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    scheduler.runUntil(2_000);
    // c0's router retries for a minute (shardeddb.router.retry.timeout), past its freeze.
    MoveClient first = patientClient(0, Duration.ofSeconds(60));
    MoveClient second = clients.get(1);
    first.insertOnce(777);
    scheduler.runUntil(scheduler.now() + 5_000, first::idle);
    MoveClient.Change u1 = first.updateOnce(777, SimStorage.updateValue(777, 1));
    // c0's router freezes right after sending U1: the answer waits in its socket, its timers wait.
    network.liveness(first.router().name(), Network.Liveness.PAUSED);
    // Until every replica of sh1 holds U1 (a quorum would do; all of them keep it simple).
    scheduler.runUntil(
        scheduler.now() + 5_000,
        () -> pods("sh1").stream().allMatch(rep -> rep.disk().rids.containsKey(u1.rid)));
    // Its connections to sh1 break while it is frozen: the answer is lost.
    for (SimReplica o : pods("sh1")) {
      network.partition(first.router().name(), o.name());
    }
    log(scheduler.now(), "sh1 holds " + u1.rid + "; c0 froze before reading its answer");
    startMover();
    target = Map.of("sh2", new PointRange(0, KEYS));
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    scheduler.runUntil(
        scheduler.now() + 20_000, () -> inFlight != null && inFlight.phase().finished());
    // The move is recorded finished a moment before the layout is; let every router see it.
    scheduler.runUntil(scheduler.now() + 1_000);
    second.updateOnce(777, SimStorage.updateValue(777, 2));
    scheduler.runUntil(scheduler.now() + 5_000, second::idle);
    log(scheduler.now(), "c1's update of 777 answered; c0 resumes and retries " + u1.rid);
    for (SimReplica o : pods("sh1")) {
      network.heal(first.router().name(), o.name());
    }
    network.liveness(first.router().name(), Network.Liveness.UP);
    scheduler.runUntil(scheduler.now() + 15_000, first::idle);
    scheduler.runUntil(scheduler.now() + ShardSimulation.SETTLE);
    return judge();
  }

  /**
   * Found by seed 290 of the seeded moves (2026-11-25): on a shard nobody writes to, the primary
   * crashes while the other replicas' database connections are being reset; the replica elected
   * appends its term's no-op, whose commit fails ("Connection reset": nothing written). Nothing
   * else wakes the batcher, so the term is never confirmed on a quorum, the primary's committed
   * position stays unknown and it serves no range snapshot ("the snapshot at lsn 3 is not on a
   * quorum yet"): a move of its range stays in Copying for good. The connections heal 4 s after the
   * crash; the old primary comes back 6 s after it; then the move [1000, 1500) sh2 → sh1 must
   * complete.
   */
  public Result runNoOpLostToAStorageError() {
    allPods().forEach(SimReplica::start);
    loops.values().forEach(SimOperator::start);
    scheduler.runUntil(2_000);
    SimReplica old = byName.get(loops.get("sh2").primary());
    for (SimReplica o : pods("sh2")) {
      if (o != old) {
        o.storageFaults().resetFor(4_000);
      }
    }
    log(
        scheduler.now(),
        "crash " + old.name() + "; the database connections of sh2's others reset");
    old.crash();
    scheduler.after(6_000, old::start);
    scheduler.runUntil(
        scheduler.now() + 4_000,
        () -> {
          String p = loops.get("sh2").primary();
          return p != null && !p.equals(old.name());
        });
    log(scheduler.now(), "sh2 elected " + loops.get("sh2").primary());
    startMover();
    target = Map.of("sh1", new PointRange(0, 1_500), "sh2", new PointRange(1_500, 500));
    log(scheduler.now(), "spec asks for " + new TreeMap<>(target));
    scheduler.runUntil(
        scheduler.now() + 30_000, () -> inFlight != null && inFlight.phase().finished());
    healEverything();
    scheduler.runUntil(scheduler.now() + ShardSimulation.SETTLE);
    return judge();
  }

  /** The catch-up rule broken on purpose: the import over-reports how far it has applied. */
  MoveSimulation overReportingImportProgress() {
    shardClient.importOverReportsProgress = true;
    return this;
  }

  /**
   * Rule 14 broken on purpose: adopts are answered before a quorum of the destination holds them.
   */
  MoveSimulation answeringAdoptsBeforeQuorum() {
    shardClient.adoptAnsweredBeforeQuorum = true;
    return this;
  }

  // --- the resharder: the production Resharder, one pass at a time ----------------------------

  private void startMover() {
    moverIncarnation++;
    network.liveness(MOVER, Network.Liveness.UP);
    int inc = moverIncarnation;
    scheduler.spawn(0, () -> moverPass(inc));
  }

  private void crashMover() {
    moverIncarnation++;
    network.liveness(MOVER, Network.Liveness.DOWN);
  }

  private boolean moverAlive(int inc) {
    return inc == moverIncarnation && network.liveness(MOVER) == Network.Liveness.UP;
  }

  private void moverPass(int inc) {
    if (!moverAlive(inc)) {
      return;
    }
    shardClient.caller(() -> moverAlive(inc));
    Resharder.Outcome out;
    try {
      out =
          resharder.step(
              new Resharder.View(1, published, target, inFlight, endpoints()), recorder(inc));
    } catch (SimShardClient.CallerDied e) {
      return;
    }
    if (!moverAlive(inc)) {
      return;
    }
    // The status written at the end of the reconciler's pass.
    publishLayout(out.published(), out.floors());
    if (out.move() != null) {
      inFlight = out.move();
    }
    scheduler.spawn(
        out.fenceHeld() ? Resharder.FENCE_RECHECK.toMillis() : PASS, () -> moverPass(inc));
  }

  /**
   * Publishes {@code layout} with the session floors {@code adopted} as the operator's status does
   * ({@link AppliedSpec#withLayout}): a different layout gets the next generation, and each shard
   * keeps the later of its floors.
   */
  private void publishLayout(Map<String, PointRange> layout, Map<String, LogPosition> adopted) {
    applied = applied.withLayout(appliedShards(layout), applied, layout.keySet(), adopted);
    published = Map.copyOf(layout);
  }

  /** {@code Layouts.toApplied}: a layout as {@code status.applied.shards}. */
  private static List<AppliedSpec.AppliedShard> appliedShards(Map<String, PointRange> layout) {
    return new TreeMap<>(layout)
        .entrySet().stream()
            .map(
                e ->
                    new AppliedSpec.AppliedShard(
                        e.getKey(), e.getValue().low(), e.getValue().size()))
            .toList();
  }

  /** Each published shard's session floor (none: absent). */
  private Map<String, LogPosition> floors() {
    Map<String, LogPosition> out = new HashMap<>();
    for (AppliedSpec.AppliedShard s : applied.shardsOrEmpty()) {
      if (s.floor() != null) {
        out.put(s.id(), s.floor());
      }
    }
    return out;
  }

  /** The status as the move recorder: written at once (the reconciler's status writes). */
  private MoveRecorder recorder(int inc) {
    return new MoveRecorder() {
      @Override
      public void record(MoveStatus move) {
        if (!moverAlive(inc)) {
          throw new SimShardClient.CallerDied();
        }
        inFlight = move;
        trace("records " + move.id() + " " + move.phase() + ": " + move.message());
      }

      @Override
      public void publish(
          Map<String, PointRange> basis,
          Map<String, PointRange> layout,
          MoveStatus move,
          LogPosition adopted) {
        if (!moverAlive(inc)) {
          throw new SimShardClient.CallerDied();
        }
        if (!basis.equals(published)) {
          throw new ShardServerException("the published layout changed", 409, null);
        }
        publishLayout(layout, Map.of(move.destination(), adopted));
        inFlight = move;
        log(scheduler.now(), "published " + new TreeMap<>(layout));
      }
    };
  }

  /** How to reach each shard, from its shard loop's status: primary first. */
  private Map<String, ShardEndpoint> endpoints() {
    Map<String, ShardEndpoint> out = new HashMap<>();
    for (Map.Entry<String, List<SimReplica>> s : shards.entrySet()) {
      String primary = loops.get(s.getKey()).primary();
      List<String> urls = new ArrayList<>();
      if (primary != null) {
        urls.add(url(primary));
      }
      pods(s.getKey()).stream()
          .map(SimReplica::name)
          .filter(n -> !n.equals(primary))
          .forEach(n -> urls.add(url(n)));
      out.put(
          s.getKey(),
          new ShardEndpoint(
              primary == null ? null : url(primary), List.copyOf(urls), primary != null));
    }
    return out;
  }

  private static String url(String replica) {
    return "sim://" + replica;
  }

  // --- faults -------------------------------------------------------------------------------

  /**
   * What this world offers a {@link FaultPlan}: two shards, two routers, the resharder; faults from
   * t=2.5 s (after a quiet bring-up) until {@link ShardSimulation#FAULTY}.
   */
  private static final FaultPlan.Shape SHAPE =
      new FaultPlan.Shape(2, 2, true, 2_500, ShardSimulation.FAULTY, false);

  /** Whether the plan also restarts replicas' databases under their live processes. */
  private boolean databaseRestarts;

  /**
   * The plan also restarts replicas' databases under their live processes ({@link
   * FaultPlan.Shape#withDatabaseRestarts}). Before {@link #run}.
   */
  MoveSimulation withDatabaseRestarts() {
    databaseRestarts = true;
    return this;
  }

  /** Whether the replicas trim their logs ({@link #withLogTrims}). */
  private boolean logTrims;

  /**
   * The replicas trim their logs as the plan says ({@link FaultPlan.LogTrim}), so a replica behind
   * by more than the retention re-copies and a move's import may find its source's log trimmed
   * (410: it starts over). Before {@link #run}.
   */
  MoveSimulation withLogTrims() {
    logTrims = true;
    return this;
  }

  /** {@code /log} requests answered 410 (their entries trimmed) in this schedule. */
  long logGone() {
    return byName.values().stream().mapToLong(SimReplica::logGone).sum();
  }

  /** Log ranges the replicas trimmed in this schedule. */
  long logTrimsDone() {
    return byName.values().stream().mapToLong(rep -> rep.trimmed().size()).sum();
  }

  /**
   * Whether the plan also aims faults at finding 7's window ({@link #withFaultsAimedAtSessions}).
   */
  private boolean aimedAtSessions;

  /**
   * The plan also aims two faults at finding 7's window ({@link Fault.CutOffThroughACutOver}: at
   * the resharder's next range fence, a secondary of the source cut off from its primary while a
   * router keeps its layout). Before {@link #run}.
   */
  MoveSimulation withFaultsAimedAtSessions() {
    aimedAtSessions = true;
    return this;
  }

  /** The fault plan's shape for this world's options. */
  private FaultPlan.Shape shape() {
    FaultPlan.Shape shape = databaseRestarts ? SHAPE.withDatabaseRestarts() : SHAPE;
    shape = logTrims ? shape.withLogTrims() : shape;
    return aimedAtSessions ? shape.withFaultsAimedAtSessions() : shape;
  }

  /** This world's shards, their operators, the routers and the resharder as a plan's targets. */
  private final class Targets implements FaultTargets {
    @Override
    public List<SimReplica> pods() {
      return allPods();
    }

    @Override
    public List<SimReplica> replicas() {
      List<SimReplica> out = new ArrayList<>();
      shards.values().forEach(out::addAll);
      return out;
    }

    @Override
    public List<String> shards() {
      return List.copyOf(shards.keySet());
    }

    @Override
    public String shardOf(SimReplica replica) {
      return MoveSimulation.this.shardOf(replica);
    }

    @Override
    public List<SimReplica> podsOf(String shard) {
      return MoveSimulation.this.pods(shard);
    }

    @Override
    public SimReplica primaryOf(String shard) {
      String p = loops.get(shard).primary();
      return p == null ? null : byName.get(p);
    }

    @Override
    public SimOperator operatorOf(String shard) {
      return loops.get(shard);
    }

    /**
     * Three, the bring-up's count, whatever the spec says now: this world exempts no shard left
     * without a quorum holding data, so no fault takes data from more than one replica of a shard.
     */
    @Override
    public int minorityBase(String shard) {
      return REPLICAS;
    }

    @Override
    public void restart(SimReplica replica) {
      startIfPod(replica);
    }

    @Override
    public List<String> clientSides() {
      return routers.stream().map(SimRouter::name).toList();
    }

    /** This world keeps no backup store: nothing to take down. */
    @Override
    public boolean storeOutage(long length) {
      return false;
    }

    @Override
    public void freezeLayout(String side, long length) {
      routers.stream()
          .filter(r -> r.name().equals(side))
          .forEach(r -> r.freezeLayout(scheduler.now() + length));
    }

    @Override
    public Mover mover() {
      return new Mover() {
        @Override
        public String name() {
          return MOVER;
        }

        @Override
        public void crash() {
          crashMover();
        }

        @Override
        public void start() {
          startMover();
        }

        @Override
        public void beforeNextRangeFence(java.util.function.Consumer<String> act) {
          shardClient.beforeNextRangeFence(act);
        }
      };
    }

    @Override
    public void log(String what) {
      MoveSimulation.this.log(scheduler.now(), what);
    }
  }

  private String shardOf(SimReplica r) {
    return r.name().startsWith("a") ? "sh1" : "sh2";
  }

  /** The pods of shard {@code id} now: its first {@link #podCount} ordinals. */
  private List<SimReplica> pods(String id) {
    return shards.get(id).subList(0, podCount.get(id));
  }

  /** Every pod of every shard. */
  private List<SimReplica> allPods() {
    List<SimReplica> out = new ArrayList<>();
    shards.keySet().forEach(id -> out.addAll(pods(id)));
    return out;
  }

  /** Starts {@code r} again unless its StatefulSet removed its pod meanwhile. */
  private void startIfPod(SimReplica r) {
    if (pods(shardOf(r)).contains(r)) {
      r.start();
    }
  }

  /** The spec's replica count of shard {@code id} becomes {@code count}. */
  private void resize(String id, int count) {
    resizes++;
    log(scheduler.now(), "spec: " + id + " replicas " + loops.get(id).desired() + " -> " + count);
    loops.get(id).resize(count);
  }

  /**
   * The StatefulSet controller of shard {@code id} (as {@code ShardSimulation.scale}): removes the
   * pods past {@code size} at once (stopped; their volume deleted unless the schedule keeps the
   * claims) and creates the missing ones, which start 300 ms later on a new empty volume or their
   * kept claim.
   */
  private void scale(String id, int size) {
    List<SimReplica> all = shards.get(id);
    while (podCount.get(id) > size) {
      SimReplica gone = all.get(podCount.get(id) - 1);
      podCount.merge(id, -1, Integer::sum);
      log(
          scheduler.now(),
          "StatefulSet removes "
              + gone.name()
              + (keepsVolumes ? " (its volume claim kept)" : " and its volume"));
      gone.crash();
      if (!keepsVolumes) {
        gone.wipe();
        claimed.remove(gone.name());
      }
    }
    while (podCount.get(id) < size) {
      SimReplica fresh = all.get(podCount.get(id));
      podCount.merge(id, 1, Integer::sum);
      boolean kept = claimed.contains(fresh.name());
      log(
          scheduler.now(),
          "StatefulSet creates " + fresh.name() + (kept ? " on its kept volume" : " (empty)"));
      fresh.crash();
      if (!kept) {
        fresh.wipe();
        claimed.add(fresh.name());
      }
      scheduler.after(
          300,
          () -> {
            if (pods(id).contains(fresh)
                && network.liveness(fresh.name()) == Network.Liveness.DOWN) {
              fresh.start();
            }
          });
    }
  }

  private void healEverything() {
    faults.healEverything();
  }

  // --- the checks ---------------------------------------------------------------------------

  /**
   * Inserts the next orders row through the primary of its key's owner in the published layout (a
   * row refused — a fenced range, no primary — is not sent again), then schedules the next.
   */
  private void writeOrders(Random r) {
    if (scheduler.now() >= ShardSimulation.FAULTY || ordersSent >= 400) {
      return;
    }
    scheduler.after(20 + r.nextInt(20), () -> writeOrders(r));
    long key = (ordersSent++ * 7919L) % KEYS;
    String owner = MoveClient.ownerOf(published, sharding.point(key));
    String primary = owner == null ? null : loops.get(owner).primary();
    SimReplica p = primary == null ? null : byName.get(primary);
    if (p == null) {
      return;
    }
    try {
      p.tableWrite("orders", key, "orders-" + key)
          .whenComplete(
              (acked, error) -> {
                if (error == null) {
                  ordersAcked.put(key, owner);
                }
              });
    } catch (RuntimeException e) {
      // Not the primary any more, or not configured: this row is not sent.
    }
  }

  /**
   * The {@code i}-th key the accounts writer inserts: six spellings of each number that a store
   * must keep apart — a trailing space ('a' and 'a ' are two keys: NO PAD), upper case, an accent
   * and an emoji (a supplementary character, which Java's UTF-16 {@code compareTo} orders before
   * U+FF21 while code points order it after), Japanese, and a full-width letter.
   */
  static String accountKey(int i) {
    int n = i / 6;
    return switch (i % 6) {
      case 0 -> "user-" + n;
      case 1 -> "user-" + n + " ";
      case 2 -> "USER-" + n;
      case 3 -> "us\u00e9r-\ud83d\ude00-" + n;
      case 4 -> "\u30e6\u30fc\u30b6-" + n;
      default -> "\uff21-" + n;
    };
  }

  /**
   * Inserts the next accounts row ({@link #accountKey}) through the primary of its key's owner in
   * the published layout — the owner of the key's production point, the hash of its UTF-8 bytes —
   * then schedules the next, as {@link #writeOrders}.
   */
  private void writeAccounts(Random r) {
    if (scheduler.now() >= ShardSimulation.FAULTY || accountsSent >= 400) {
      return;
    }
    scheduler.after(20 + r.nextInt(20), () -> writeAccounts(r));
    int i = accountsSent++;
    String key = accountKey(i);
    String owner = MoveClient.ownerOf(published, sharding.point(key));
    String primary = owner == null ? null : loops.get(owner).primary();
    SimReplica p = primary == null ? null : byName.get(primary);
    if (p == null) {
      return;
    }
    try {
      p.tableWrite("accounts", key, 1_000L + i, "accounts-" + i)
          .whenComplete(
              (acked, error) -> {
                if (error == null) {
                  accountsAcked.put(key, owner);
                }
              });
    } catch (RuntimeException e) {
      // Not the primary any more, or not configured: this row is not sent.
    }
  }

  /**
   * Sends {@code w}'s next change through the primary of its key's owner in the published layout
   * ({@link KeyedTableWriter#writeNext}), then schedules the next, until the faults end.
   */
  private void writeByKey(KeyedTableWriter w, Random r) {
    if (scheduler.now() >= ShardSimulation.FAULTY) {
      return;
    }
    scheduler.after(10 + r.nextInt(15), () -> writeByKey(w, r));
    w.writeNext(
        r,
        scheduler.now(),
        key ->
            !Objects.equals(
                MoveClient.ownerOf(published, sharding.point(key)),
                MoveClient.ownerOf(target, sharding.point(key))),
        key -> MoveClient.ownerOf(published, sharding.point(key)),
        owner -> {
          String primary = loops.get(owner).primary();
          return primary == null ? null : byName.get(primary);
        });
  }

  /**
   * With {@link #withTables}: every acknowledged orders row is on every replica holding data of its
   * owner in the final layout, no other shard's replica holds it once the move finished, and each
   * shard's replicas hold the same orders rows.
   */
  private List<String> tableViolations() {
    if (!tables) {
      return List.of();
    }
    List<String> out = new ArrayList<>(tableViolations("orders", ordersAcked));
    if (stringKeys && keyedWriters.isEmpty()) {
      out.addAll(tableViolations("accounts", accountsAcked));
      out.addAll(unownedRows("accounts"));
    }
    for (KeyedTableWriter w : keyedWriters) {
      out.addAll(
          w.violations(key -> MoveClient.ownerOf(published, sharding.point(key)), this::pods));
      out.addAll(unownedRows(w.table()));
      out.addAll(divergence(w.table()));
    }
    return out;
  }

  /**
   * {@link #tableViolations()} of one table: every row of {@code acked} (key to the shard that
   * acknowledged it) is on every replica holding data of its owner in the final layout, no other
   * shard's replica holds it once the move finished, and each shard's replicas hold the same rows.
   */
  private List<String> tableViolations(String table, Map<?, String> acked) {
    List<String> out = new ArrayList<>();
    boolean finished = inFlight != null && inFlight.phase() != null && inFlight.phase().finished();
    for (Map.Entry<?, String> a : acked.entrySet()) {
      String owner = MoveClient.ownerOf(published, sharding.point(a.getKey()));
      for (Map.Entry<String, List<SimReplica>> s : shards.entrySet()) {
        for (SimReplica rep : pods(s.getKey())) {
          if (rep.holdsNoData()) {
            continue;
          }
          boolean holds = rep.disk().valuesOf(table).containsKey(a.getKey());
          if (s.getKey().equals(owner) && !holds) {
            out.add(
                "acknowledged "
                    + table
                    + " row "
                    + quoted(a.getKey())
                    + " (by "
                    + a.getValue()
                    + ") is missing on "
                    + rep.name()
                    + " of its owner "
                    + owner);
          } else if (!s.getKey().equals(owner) && holds && finished) {
            out.add(
                rep.name()
                    + " of "
                    + s.getKey()
                    + " still holds "
                    + table
                    + " row "
                    + quoted(a.getKey())
                    + ", which it does not own (not purged)");
          }
        }
      }
    }
    out.addAll(divergence(table));
    return out;
  }

  /**
   * Each shard's replicas holding data hold the same rows of {@code table}, with one value each.
   */
  private List<String> divergence(String table) {
    List<String> out = new ArrayList<>();
    for (String shard : shards.keySet()) {
      List<SimReplica> holding = pods(shard).stream().filter(x -> !x.holdsNoData()).toList();
      for (int i = 1; i < holding.size(); i++) {
        if (!holding.get(i).disk().valuesOf(table).equals(holding.get(0).disk().valuesOf(table))) {
          out.add(
              shard
                  + ": "
                  + holding.get(i).name()
                  + " and "
                  + holding.get(0).name()
                  + " did not converge on the same "
                  + table
                  + " rows");
        }
      }
    }
    return out;
  }

  /**
   * Once the move finished, no replica holding data holds a row of {@code table} whose key's point
   * (production {@code Sharding.point}) its shard does not own in the published layout,
   * acknowledged or not (as the first table's check).
   */
  private List<String> unownedRows(String table) {
    List<String> out = new ArrayList<>();
    if (inFlight == null || inFlight.phase() == null || !inFlight.phase().finished()) {
      return out;
    }
    for (String shard : shards.keySet()) {
      PointRange owns = published.get(shard);
      for (SimReplica rep : pods(shard)) {
        if (rep.holdsNoData()) {
          continue;
        }
        for (Object key : rep.disk().valuesOf(table).keySet()) {
          if (owns == null || !owns.contains(sharding.point(key))) {
            out.add(
                rep.name()
                    + " of "
                    + shard
                    + " still holds "
                    + table
                    + " key "
                    + quoted(key)
                    + " (point "
                    + sharding.point(key)
                    + "), which it does not own (not purged)");
            break;
          }
        }
      }
    }
    return out;
  }

  /**
   * A key as a violation names it: a String in quotes (its trailing spaces visible), a tuple in
   * parentheses.
   */
  private static String quoted(Object key) {
    return KeyedTableWriter.quoted(key);
  }

  /** The mutation of {@link SimDisk#exportsFirstTableOnly} on every replica. */
  MoveSimulation exportingTheFirstTableOnly() {
    allPods().forEach(rep -> rep.disk().exportsFirstTableOnly = true);
    return this;
  }

  /** How many orders rows were acknowledged ({@link #withTables}). */
  int ordersAcknowledged() {
    return ordersAcked.size();
  }

  /**
   * How many changes of {@code kind} to table {@code table} were acknowledged ({@link
   * #withCompositeKeys}: {@code lines}, or {@code accounts} under Hash; 0 for another table).
   */
  long acknowledged(String table, KeyedTableWriter.Kind kind) {
    return keyedWriters.stream()
        .filter(w -> w.table().equals(table))
        .mapToLong(w -> w.acknowledged(kind))
        .sum();
  }

  /** The sharding of this schedule's database. */
  Sharding sharding() {
    return sharding;
  }

  /** How many accounts rows (String keys) were acknowledged ({@link #withStringKeys}). */
  int accountsAcknowledged() {
    return accountsAcked.size();
  }

  private Result judge() {
    List<String> violations = new ArrayList<>();
    MovePhase phase = inFlight == null ? null : inFlight.phase();
    // No move at all is right only when the spec was reverted before one was planned.
    boolean noneNeeded = inFlight == null && published.equals(target);
    if (!noneNeeded && (inFlight == null || !phase.finished())) {
      violations.add(
          "the move did not end: "
              + (inFlight == null ? "never started" : phase + " (" + inFlight.message() + ")"));
    }
    violations.addAll(layoutViolations());
    for (Map.Entry<String, List<SimReplica>> s : shards.entrySet()) {
      SimOperator loop = loops.get(s.getKey());
      if (podCount.get(s.getKey()) != loop.desired() || loop.recordedVoters() != loop.desired()) {
        violations.add(
            s.getKey()
                + " has "
                + podCount.get(s.getKey())
                + " pods and "
                + loop.recordedVoters()
                + " voters at the end; the spec asks for "
                + loop.desired());
      }
      List<SimReplica> holding = pods(s.getKey()).stream().filter(x -> !x.holdsNoData()).toList();
      if (holding.size() <= pods(s.getKey()).size() / 2) {
        violations.add(
            s.getKey() + ": more than a minority of its replicas hold no data at the end");
      }
      PointRange owns = published.get(s.getKey());
      for (SimReplica rep : holding) {
        SimDisk d = rep.disk();
        List<PointRange> owned = d.config.ownedRanges();
        List<PointRange> expected = owns == null ? List.of() : List.of(owns);
        if (!Objects.equals(owned == null ? null : PointRange.normalize(owned), expected)) {
          violations.add(
              rep.name()
                  + " of "
                  + s.getKey()
                  + " owns "
                  + owned
                  + ", the published layout gives it "
                  + expected);
        }
        if (inFlight != null && phase != null && phase.finished()) {
          for (long key : d.values.keySet()) {
            if (owns == null || !owns.contains(sharding.point(key))) {
              violations.add(
                  rep.name()
                      + " of "
                      + s.getKey()
                      + " still holds key "
                      + key
                      + ", which it does not own (not purged)");
              break;
            }
          }
        }
      }
      violations.addAll(
          Judge.verdict(
              s.getKey(),
              holding.stream().map(Judge.Replica::of).toList(),
              changesOwnedBy(s.getKey()),
              null));
    }
    if (!clients.stream().allMatch(MoveClient::idle)) {
      violations.add("clients still waiting for an answer after the world settled");
    }
    violations.addAll(tableViolations());
    violations.addAll(readViolations());
    violations.addAll(livenessViolations());
    long acked =
        history.values().stream()
            .flatMap(List::stream)
            .filter(c -> c.outcome == MoveClient.Outcome.OK)
            .count();
    long unknown =
        history.values().stream()
            .flatMap(List::stream)
            .filter(c -> c.outcome == MoveClient.Outcome.UNKNOWN)
            .count();
    long failovers = loops.values().stream().mapToLong(SimOperator::failovers).sum();
    return new Result(
        seed,
        violations.size() > 20 ? violations.subList(0, 20) : violations,
        inFlight == null ? null : inFlight.id(),
        phase,
        acked,
        unknown,
        failovers,
        storageFaultsStruck(),
        List.copyOf(faultLog),
        batches(),
        readCounts(),
        resizes);
  }

  /**
   * Reads answered at {primary, session, any}, reads that failed, and answered reads served by a
   * replica other than the layout's primary.
   */
  private long[] readCounts() {
    long[] n = new long[5];
    for (MoveClient.Read rd : reads) {
      if (!rd.ok) {
        n[3]++;
        continue;
      }
      n[rd.level.ordinal()]++;
      n[4] += rd.fromSecondary ? 1 : 0;
    }
    return n;
  }

  /** The {@code /write/batch} requests the routers' coalescing sent, and the items they carried. */
  private long[] batches() {
    long[] sum = new long[2];
    java.util.Set<SimRouter> all = new java.util.LinkedHashSet<>(routers);
    clients.forEach(c -> all.add(c.router()));
    for (SimRouter router : all) {
      long[] b = router.batches();
      sum[0] += b[0];
      sum[1] += b[1];
    }
    return sum;
  }

  /**
   * How often each storage fault struck, over every replica: {lost replies, resets, slow, database
   * restarts, restarts that cut a transaction mid-COMMIT}.
   */
  private long[] storageFaultsStruck() {
    long[] sum = new long[5];
    for (SimReplica rep : byName.values()) {
      long[] s = rep.storageFaults().struck();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += s[i];
      }
    }
    return sum;
  }

  /** The published layout covers the space once; it is the spec's once the move is Done. */
  private List<String> layoutViolations() {
    List<String> out = new ArrayList<>();
    List<PointRange> all = new ArrayList<>(published.values());
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        if (all.get(i).overlaps(all.get(j))) {
          out.add("the published layout " + published + " gives a range to two shards");
        }
      }
    }
    if (!PointRange.normalize(all).equals(List.of(new PointRange(0, space)))) {
      out.add("the published layout " + published + " does not cover [0, " + space + ") once");
    }
    if (inFlight != null && inFlight.phase() == MovePhase.Done && !published.equals(target)) {
      out.add(
          "the move is Done but the published layout "
              + published
              + " is not the spec's "
              + target);
    }
    return out;
  }

  /**
   * The changes of the keys {@code shard} owns in the published layout, each key's in the order
   * they were sent, as the {@link Judge} takes them (a change still pending counts as unknown: the
   * clients' idleness is judged apart).
   */
  private Map<Long, List<RegisterChecker.Change>> changesOwnedBy(String shard) {
    Map<Long, List<RegisterChecker.Change>> out = new TreeMap<>();
    for (Map.Entry<Long, List<MoveClient.Change>> e : history.entrySet()) {
      if (!shard.equals(MoveClient.ownerOf(published, sharding.point(e.getKey())))) {
        continue;
      }
      out.put(
          e.getKey(),
          e.getValue().stream()
              .map(
                  c ->
                      new RegisterChecker.Change(
                          c.rid,
                          c.key,
                          c.delete ? null : c.value,
                          c.sentAt,
                          c.answeredAt,
                          switch (c.outcome) {
                            case OK -> RegisterChecker.Outcome.OK;
                            case REFUSED -> RegisterChecker.Outcome.REFUSED;
                            case PENDING, UNKNOWN -> RegisterChecker.Outcome.UNKNOWN;
                          }))
              .toList());
    }
    return out;
  }

  /**
   * Each {@code primary} and {@code session} read answered: it saw the value of the key's last
   * change acknowledged before it was sent, or of a change after that one (sent before the read
   * ended: another client's may be under way) that was not refused, or of one whose outcome stayed
   * unknown (absent for a delete) — never an older value, across moves and failovers. A primary
   * read promises that for any client's changes; a session read is of the reader's own key, whose
   * every acknowledged change its token holds (read your writes). An {@code any} read may be stale,
   * but only with a value some change of the key wrote: never a refused change's, never one not yet
   * sent.
   */
  private List<String> readViolations() {
    List<String> out = new ArrayList<>();
    for (MoveClient.Read rd : reads) {
      if (!rd.ok) {
        continue;
      }
      if (rd.level == ReadConsistency.ANY) {
        Set<Long> written = new HashSet<>();
        written.add(null);
        for (MoveClient.Change c : history.getOrDefault(rd.key, List.of())) {
          if (c.sentAt <= rd.end && c.outcome != MoveClient.Outcome.REFUSED && !c.delete) {
            written.add(c.value);
          }
        }
        if (!written.contains(rd.value)) {
          out.add(
              "an "
                  + rd
                  + ", a value no change of the key that was not refused wrote; its changes: "
                  + history.get(rd.key));
        }
        continue;
      }
      // Changes sent before the read ended: another client's may be under way while it reads.
      List<MoveClient.Change> changes =
          history.getOrDefault(rd.key, List.of()).stream().filter(c -> c.sentAt <= rd.end).toList();
      int lastAck = -1;
      for (int i = 0; i < changes.size(); i++) {
        if (changes.get(i).outcome == MoveClient.Outcome.OK
            && changes.get(i).answeredAt <= rd.start) {
          lastAck = i;
        }
      }
      Set<Long> allowed = new HashSet<>();
      for (int i = 0; i < changes.size(); i++) {
        MoveClient.Change c = changes.get(i);
        if ((i >= lastAck && c.outcome != MoveClient.Outcome.REFUSED)
            || c.outcome == MoveClient.Outcome.UNKNOWN) {
          allowed.add(c.delete ? null : c.value);
        }
      }
      if (lastAck < 0) {
        allowed.add(null);
      }
      if (!allowed.contains(rd.value)) {
        out.add(
            "a "
                + rd
                + ", not its last acknowledged change or a later one; its changes: "
                + changes);
      }
    }
    return out;
  }

  private void log(long now, String what) {
    faultLog.add("t=" + now + " " + what);
    trace(what);
  }

  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " resharder: " + what);
    }
  }
}
