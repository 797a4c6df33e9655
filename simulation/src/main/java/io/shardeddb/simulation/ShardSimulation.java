package io.shardeddb.simulation;

import io.shardeddb.planner.pass.PassRules;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One seeded schedule of one shard: N replicas, the operator and clients behind two routers, under
 * the seed's {@link FaultPlan} (crashes, restarts, pauses, partitions, disk wipes, operator
 * restarts, storage faults, message loss, duplication and reordering, struck by the {@link
 * FaultInjector} both worlds share) for {@link #FAULTY} ms; then every fault heals and the shard
 * gets {@link #SETTLE} ms to converge, a probe client checks that it takes writes again ({@link
 * #PROBE}), and the {@link Checker}, the {@link RegisterChecker} and the {@link Judge} judge the
 * history. Everything runs on one thread from the seed: a seed reproduces its schedule exactly.
 *
 * <p>Why this file is over 450 lines: one schedule's world — the fault injection, the scripted
 * schedules and the switches the mutation tests turn — shares the scheduler, the replicas and the
 * history, and a scripted schedule must reach the exact points the random ones fault at.
 */
public final class ShardSimulation {
  /** Read-lease period (ms). */
  static final long LEASE = 400;

  /**
   * Replicate requests a primary keeps in flight to each secondary unless {@link #withWindow} says
   * otherwise: the shard-server's default of 1 ({@code -Dsim.window=N} sets it for a run), so the
   * seeds found with it keep their schedules.
   */
  static final int DEFAULT_WINDOW = Integer.getInteger("sim.window", 1);

  /** How long the primary may be unanswering before the operator fails over (ms). */
  static final long UNAVAILABLE = 1_000;

  static final boolean TRACE = Boolean.getBoolean("sim.trace");

  static final long FAULTY = 15_000;
  static final long SETTLE = 25_000;

  /** The outcome of one schedule. */
  public record Result(
      long seed,
      List<String> violations,
      long acknowledged,
      long unknown,
      long failovers,
      List<String> faults,
      long events,
      boolean stuck,
      long[] storageFaults,
      int archiveGaps) {
    public boolean ok() {
      return violations.isEmpty();
    }
  }

  private final long seed;
  private final int replicaCount;
  private final Scheduler scheduler;
  private final Network network;

  /** Every replica the world may have, by ordinal; the first {@code live.size()} are pods. */
  private final List<SimReplica> replicas = new ArrayList<>();

  /** The pods of the StatefulSet (a prefix of the ordinals), as the clients see the replicas. */
  private final List<String> live = new ArrayList<>();

  /** Spec changes of the replica count chosen by the seed: {time, count} (rule 12). */
  private final List<long[]> resizes = new ArrayList<>();

  /** Pods moved to another address, chosen by the seed: {time, ordinal, reuse (1), downtime}. */
  private final List<long[]> podMoves = new ArrayList<>();

  /** Whether a removed pod's volume claim is kept (the StatefulSet's default) or deleted. */
  private boolean keepsVolumes;

  /** Replicas that ever had a volume (a re-created ordinal finds its kept claim). */
  private final java.util.Set<String> claimed = new java.util.HashSet<>();

  private final SimOperator operator;

  /** Strikes the seed's {@link FaultPlan} on this world. */
  private final FaultInjector faults;

  /** The pods' addresses, shared by the operator's listing and every replica's transport. */
  private final Addresses addresses = new Addresses();

  private final List<SimClient> clients = new ArrayList<>();
  private final History history = new History();
  private final List<String> faultLog = new ArrayList<>();

  public ShardSimulation(long seed, int replicaCount) {
    this(seed, replicaCount, new Rulebook());
  }

  ShardSimulation(long seed, int replicaCount, Rulebook rules) {
    this(seed, replicaCount, rules, Membership.FIXED);
  }

  /** Whether the spec's replica count changes in a schedule (rule 12, issue 24). */
  enum Membership {
    /** Never (the world before issue 24; the regression seeds replay it). */
    FIXED,
    /** In about one schedule of four, chosen by the seed. */
    BY_SEED,
    /** In every schedule (the seed chooses how). */
    ALWAYS,
    /** Only by a scripted schedule: room for five replicas, no change chosen by the seed. */
    SCRIPTED
  }

  /**
   * A schedule whose spec's replica count may change mid-run, chosen by the seed (a fault kind of
   * its own, drawn from a second {@code Random} of the seed so the other faults stay as they were):
   * 3 → 5, 4 → 3 or 5, 5 → 3, there and back, or reverted half-way (within 800 ms).
   */
  public static ShardSimulation withMembershipChanges(long seed, int replicaCount) {
    return new ShardSimulation(seed, replicaCount, new Rulebook(), Membership.BY_SEED);
  }

  /** As {@link #withMembershipChanges(long, int)}, the replicas asking {@code rules}. */
  static ShardSimulation withMembershipChanges(long seed, int replicaCount, Rulebook rules) {
    return new ShardSimulation(seed, replicaCount, rules, Membership.BY_SEED);
  }

  ShardSimulation(long seed, int replicaCount, Rulebook rules, Membership membership) {
    this.seed = seed;
    this.replicaCount = replicaCount;
    this.scheduler = new Scheduler(seed);
    this.network = new Network(scheduler);
    int most = membership == Membership.SCRIPTED ? 5 : replicaCount;
    if (membership == Membership.BY_SEED || membership == Membership.ALWAYS) {
      Random m = new Random(seed * 0x9E3779B97F4A7C15L + 24);
      if (membership == Membership.ALWAYS || m.nextInt(4) == 0) {
        int other = replicaCount == 5 ? 3 : replicaCount == 3 ? 5 : m.nextBoolean() ? 3 : 5;
        long at = 3_000 + m.nextInt(7_000);
        resizes.add(new long[] {at, other});
        switch (m.nextInt(3)) {
          case 1 -> resizes.add(new long[] {at + 2_000 + m.nextInt(3_000), replicaCount});
          case 2 -> resizes.add(new long[] {at + m.nextInt(800), replicaCount});
          default -> {}
        }
        keepsVolumes = m.nextBoolean();
        most = Math.max(replicaCount, other);
      }
      drawPodMoves(most, membership == Membership.ALWAYS);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < most; i++) {
      names.add("r" + i);
    }
    Map<String, SimReplica> byName = new java.util.HashMap<>();
    for (String n : names) {
      SimReplica r = new SimReplica(n, scheduler, network, rules, byName::get, DEFAULT_WINDOW);
      replicas.add(r);
      byName.put(n, r);
      network.attach(n, r::receive);
      r.restartsAfterAFailedStart = () -> live.contains(n);
      if (replicas.size() <= replicaCount) {
        live.add(n);
        claimed.add(n);
      } else {
        r.crash(); // no pod yet
      }
    }
    operator = new SimOperator(names, replicaCount, scheduler, network, byName, this::scale);
    operator.addresses = addresses;
    replicas.forEach(r -> r.addresses = addresses);
    network.attach(SimOperator.NAME, operator::receive);
    faults = new FaultInjector(scheduler, network, new Targets());
    // Two routers that refresh their view of the status at different rates.
    for (int i = 0; i < 4; i++) {
      clients.add(
          new SimClient(
              "c" + i,
              scheduler,
              network,
              operator::primary,
              i % 2 == 0 ? 150 : 900,
              history,
              (i + 1) * 1_000_000L,
              live));
    }
  }

  /** Runs the schedule and checks it. */
  public Result run() {
    FaultPlan plan = FaultPlan.draw(seed, shape());
    network.faults(plan.network());
    replicas.forEach(rep -> rep.trimLog(plan.trim()));
    pods().forEach(SimReplica::start);
    operator.start();
    for (long[] change : resizes) {
      int count = (int) change[1];
      scheduler.after(
          change[0],
          () -> {
            log(scheduler.now(), "spec: replicas " + operator.desired() + " -> " + count);
            operator.resize(count);
          });
    }
    for (long[] move : podMoves) {
      scheduler.after(move[0], () -> movePod((int) move[1], move[2] == 1, move[3]));
    }
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    if (timestamps) {
      // Two routers' oracle calls, their views of the status refreshed at different rates.
      for (int i = 0; i < 2; i++) {
        new SimTimestampClient(
                "ts" + i,
                scheduler,
                network,
                operator::primary,
                i == 0 ? 150 : 900,
                seed * 31 + i,
                timestampGrants)
            .start(FAULTY + 5_000);
      }
    }
    if (!schemaChanges.isEmpty()) {
      // Its own random: the faults of a seed stay the ones it has without the change.
      long at = 2_500 + new java.util.Random(seed ^ 0x5C4E3A).nextInt((int) FAULTY - 5_000);
      scheduler.after(at - scheduler.now(), () -> changeSchema(0));
    }
    if (switchovers) {
      // Their own random, as the schema change's: a seed keeps its faults.
      java.util.Random sw = new java.util.Random(seed ^ 0x5717C40L);
      for (long t = 2_500 + sw.nextInt(1_000); t < FAULTY; t += 1_000 + sw.nextInt(2_000)) {
        int ordinal = sw.nextInt(replicaCount);
        scheduler.after(
            t - scheduler.now(),
            () -> {
              if (ordinal < live.size()) {
                String target = live.get(ordinal);
                log(scheduler.now(), "switch-over to " + target + " requested");
                operator.requestSwitchover(target);
              }
            });
      }
    }
    faults.schedule(plan);
    return healSettleAndJudge();
  }

  /**
   * What this world offers a {@link FaultPlan}: one shard, its clients, no resharder; faults from
   * t=2 s (the clients' start) until {@link #FAULTY}.
   */
  private FaultPlan.Shape shape() {
    FaultPlan.Shape shape = new FaultPlan.Shape(1, clients.size(), false, 2_000, FAULTY, false);
    shape = databaseRestarts ? shape.withDatabaseRestarts() : shape;
    shape = logTrims ? shape.withLogTrims() : shape;
    shape = storeOutages ? shape.withStoreOutages() : shape;
    return aimedAtCopies ? shape.withFaultsAimedAtCopies() : shape;
  }

  /** The one shard's id, as the {@link FaultInjector} and the {@link Judge} name it. */
  private static final String SHARD = SimStorage.CONFIG.shardId();

  /** This world's pods, operator and clients as a {@link FaultPlan}'s targets. */
  private final class Targets implements FaultTargets {
    @Override
    public List<SimReplica> pods() {
      return ShardSimulation.this.pods();
    }

    @Override
    public List<SimReplica> replicas() {
      return replicas;
    }

    @Override
    public List<String> shards() {
      return List.of(SHARD);
    }

    @Override
    public String shardOf(SimReplica replica) {
      return SHARD;
    }

    @Override
    public List<SimReplica> podsOf(String shard) {
      return ShardSimulation.this.pods();
    }

    @Override
    public SimReplica primaryOf(String shard) {
      String primary = operator.primary();
      return replicas.stream().filter(x -> x.name().equals(primary)).findFirst().orElse(null);
    }

    @Override
    public SimOperator operatorOf(String shard) {
      return operator;
    }

    @Override
    public int minorityBase(String shard) {
      return ShardSimulation.this.minorityBase();
    }

    @Override
    public void restart(SimReplica replica) {
      ShardSimulation.this.restart(replica);
    }

    @Override
    public List<String> clientSides() {
      return clients.stream().map(SimClient::name).toList();
    }

    @Override
    public boolean storeOutage(long length) {
      if (archive == null) {
        return false;
      }
      archive.unreachableUntil(scheduler.now() + length, scheduler::now);
      return true;
    }

    @Override
    public void freezeLayout(String side, long length) {
      clients.stream()
          .filter(c -> c.name().equals(side))
          .forEach(c -> c.freezeView(scheduler.now() + length));
    }

    @Override
    public Mover mover() {
      return null;
    }

    @Override
    public void log(String what) {
      ShardSimulation.this.log(scheduler.now(), what);
    }
  }

  /** Whether two routers ask the oracle for timestamps ({@link #withTimestamps}). */
  private boolean timestamps;

  /** Where the replicas archive ({@link #withArchive}); null: no backups. */
  private SimArchive archive;

  /**
   * A schedule in which every replica runs the production archiver into {@code bucket} of {@code
   * s3} (DESIGN §9; {@link SimArchive}): after it, a restore of the archive holds every
   * acknowledged write once and equals the shard.
   */
  ShardSimulation withArchive(io.shardeddb.backup.embedded.EmbeddedS3Server s3, String bucket) {
    ownsArchive = true;
    return withArchive(new SimArchive(s3, bucket, "seed-" + seed + "-" + System.nanoTime()));
  }

  /** A schedule in which every replica archives into {@code archive} (the caller closes it). */
  ShardSimulation withArchive(SimArchive archive) {
    this.archive = archive;
    replicas.forEach(r -> r.archive = archive);
    return this;
  }

  /** Whether this schedule made its archive (and so closes it when judged). */
  private boolean ownsArchive;

  /** The archive's restore judged after the schedule: its violations (none without an archive). */
  private List<String> archiveViolations(boolean stuck) {
    if (archive == null) {
      return List.of();
    }
    try {
      if (stuck || !archive.judged) {
        return List.of();
      }
      pods().forEach(SimReplica::archiveNow);
      String primary = operator.primary();
      SimDisk shard =
          pods().stream()
              .filter(r -> r.name().equals(primary))
              .map(SimReplica::disk)
              .findFirst()
              .orElse(null);
      Map<String, List<long[]>> trimmed = new TreeMap<>();
      replicas.forEach(r -> trimmed.put(r.name(), r.trimmed()));
      return archive.violations(
          history, pods().stream().map(SimReplica::disk).toList(), shard, trimmed);
    } finally {
      if (ownsArchive) {
        archive.close();
      }
    }
  }

  /** Every slot range the oracle granted a router. */
  private final List<SimTimestampClient.Grant> timestampGrants = new ArrayList<>();

  /**
   * A schedule in which two routers also ask the shard's primary for timestamps (DESIGN §11, the
   * production {@code TimestampService} on every replica): after it, no slot was handed out twice
   * and a call answered before another was sent got only smaller slots ({@link
   * SimTimestampClient#violations}).
   */
  ShardSimulation withTimestamps() {
    timestamps = true;
    return this;
  }

  /** How many slot ranges the oracle granted. */
  int timestampGrants() {
    return timestampGrants.size();
  }

  /**
   * Whether users ask for planned switch-overs while the schedule runs ({@link #withSwitchovers}).
   */
  private boolean switchovers;

  /**
   * A schedule in which a user asks for a planned switch-over to a replica its own random picks,
   * every 1-3 s (the {@code shardeddb.io/promote} annotation, planned by the production {@code
   * ShardRequests}): the fenced primary hands its lease over and the new primary serves at once
   * (DESIGN §5 rule 9).
   */
  ShardSimulation withSwitchovers() {
    switchovers = true;
    return this;
  }

  /**
   * A schedule whose spec asks for {@code writeQuorum: Cabinet}: the primaries acknowledge a write
   * once the best-weighted majority holds it (the production {@code QuorumTracker}).
   */
  ShardSimulation withCabinet() {
    operator.writeQuorum = io.shardeddb.protocol.topology.WriteQuorum.Cabinet;
    return this;
  }

  /**
   * The schema changes a schedule makes while it runs, in order ({@link #withSchemaChange}, {@link
   * #withTableChanges}; none by default).
   */
  private List<SchemaChange> schemaChanges = List.of();

  /** How many of {@link #schemaChanges} were acknowledged (their write quorum held the entry). */
  private int changesAcked;

  /** When the last acknowledged change was acknowledged, or -1. */
  private long schemaChangeAcked = -1;

  /** The change: the table gains a nullable column at version 2. */
  static final SchemaChange ADD_NOTE =
      new SchemaChange(
          2,
          new TableSchema(
              SimStorage.CONFIG.schema().table(),
              SimStorage.CONFIG.schema().shardKey(),
              java.util.stream.Stream.concat(
                      SimStorage.CONFIG.schema().columns().stream(),
                      java.util.stream.Stream.of(
                          new Column("note", ColumnType.String, true, null, null)))
                  .toList()));

  /**
   * A second table of the database (issue 46): a key and a value column as the simulated table's,
   * under other names ({@link SimStorage#ORDERS_KEY}, keyed by it), so every path that reads a
   * row's key must read it under the row's own table's shard key.
   */
  static final TableSchema ORDERS =
      new TableSchema(
          "orders",
          SimStorage.ORDERS_KEY,
          List.of(
              new Column(SimStorage.ORDERS_KEY, ColumnType.Number),
              new Column(SimStorage.ORDERS_VALUE, ColumnType.Number)));

  /**
   * A String-keyed table of the database (issue 46; Hash sharding only): its key {@link
   * SimStorage#ACCOUNTS_KEY} is a String whose point is the production {@code Sharding.hash} of its
   * UTF-8 bytes, its value a number.
   */
  static final TableSchema ACCOUNTS =
      new TableSchema(
          "accounts",
          SimStorage.ACCOUNTS_KEY,
          List.of(
              new Column(SimStorage.ACCOUNTS_KEY, ColumnType.String),
              new Column(SimStorage.ACCOUNTS_VALUE, ColumnType.Number)));

  /**
   * A table with a composite primary key (issue 46): {@code PRIMARY KEY (order_id, line_no)}, the
   * Number shard key first and a String second, so several rows share one shard key (and one point:
   * a tuple is placed by its first value) and are found, updated and deleted by the whole key, a
   * tuple ({@code ShardKeys}).
   */
  static final TableSchema LINES =
      new TableSchema(
              "lines",
              SimStorage.LINES_ORDER,
              List.of(
                  new Column(SimStorage.LINES_ORDER, ColumnType.Number),
                  new Column(SimStorage.LINES_NO, ColumnType.String),
                  new Column(SimStorage.LINES_VALUE, ColumnType.Number)))
          .withPrimaryKey(List.of(SimStorage.LINES_ORDER, SimStorage.LINES_NO))
          .validate();

  /**
   * The database's table history of {@link #withTableChanges}: {@code orders} created (version 2),
   * given a column (3), dropped (4) and created again with other columns (5).
   */
  static final List<SchemaChange> TABLE_CHANGES =
      List.of(
          new SchemaChange(2, ORDERS),
          new SchemaChange(
              3,
              ORDERS.withColumns(
                  List.of(
                      new Column(SimStorage.ORDERS_KEY, ColumnType.Number),
                      new Column(SimStorage.ORDERS_VALUE, ColumnType.Number),
                      new Column("note", ColumnType.String, true, null, null)))),
          new SchemaChange(4, ORDERS, true),
          new SchemaChange(
              5,
              ORDERS.withColumns(
                  List.of(
                      new Column(SimStorage.ORDERS_KEY, ColumnType.Number),
                      new Column(SimStorage.ORDERS_VALUE, ColumnType.Number),
                      new Column("amount", ColumnType.Number, true, null, null)))));

  /**
   * A schedule that also adds a column (docs/log-format.md, "Schema entries"): at a time its own
   * random picks, the operator's {@code POST /schema} to the primary it recorded, tried again every
   * 300 ms (at most 60 times) until a write quorum holds the entry.
   */
  ShardSimulation withSchemaChange() {
    schemaChanges = List.of(ADD_NOTE);
    return this;
  }

  /**
   * A schedule that also creates, alters, drops and creates again a second table ({@link
   * #TABLE_CHANGES}, docs/log-format.md, "Tables"), one change after the other as {@link
   * #withSchemaChange} makes its one.
   */
  ShardSimulation withTableChanges() {
    schemaChanges = TABLE_CHANGES;
    return this;
  }

  /**
   * With {@link #withTableChanges}: a client also inserts rows into {@code orders} through the
   * primary while the table's history runs — refused (404) while there is no table, dropped with
   * it, kept after it is created again ({@link #tableViolations}).
   */
  ShardSimulation withTableWrites() {
    tableWrites = true;
    // The next change right after the last: the table dropped and created again in consecutive
    // batches, with writes of the old and the new table around them.
    changeGap = 1;
    return this;
  }

  /** The mutation of {@link SimDisk#defersDdl} on every replica: DDL out of log order. */
  ShardSimulation applyingDdlLate() {
    replicas.forEach(rep -> rep.disk().defersDdl = true);
    return this;
  }

  private boolean tableWrites;

  /** Milliseconds from one change's acknowledgement to the next change's request. */
  private long changeGap = 200;

  /** Orders rows sent, and when each insert was acknowledged (key to time). */
  private int tableWritesSent;

  private final Map<Long, Long> tableWritesAcked = new HashMap<>();

  /** When the last of {@link #TABLE_CHANGES} (the table created again) was acknowledged, or -1. */
  private long recreatedAt = -1;

  /** The first key of the orders rows (apart from the clients' keys). */
  static final long ORDERS_KEYS = 9_000_000;

  /** Inserts the next orders row through the current primary, then schedules the next. */
  private void writeTable() {
    if (scheduler.now() >= FAULTY || tableWritesSent >= 400) {
      return;
    }
    scheduler.after(25, this::writeTable);
    String primary = operator.primary();
    SimReplica p = primary == null ? null : byName(primary);
    if (p == null) {
      return;
    }
    long key = ORDERS_KEYS + tableWritesSent++;
    try {
      if (key % 3 == 2) {
        // A transaction over both tables: the orders row and a first-table row (its key past the
        // clients' and the probe's: one shard owns every key here), one Txn entry, all or none.
        txnsSent.add(key);
        p.txnWrite(
                List.of(
                    io.shardeddb.protocol.shard.TxnStep.write(
                            SimStorage.row("orders", key, SimStorage.insertValue(key)))
                        .ofTable("orders"),
                    io.shardeddb.protocol.shard.TxnStep.write(SimStorage.row(TXN_KEYS + key))),
                "txn-" + key)
            .whenComplete(
                (acked, error) -> {
                  if (error == null) {
                    tableWritesAcked.put(key, scheduler.now());
                    txnsAcked.add(key);
                  } else if (unwrap(error) instanceof io.shardeddb.shardserver.ShardException se
                      && se.status() == 404) {
                    txnsRefused.add(key);
                  }
                });
        return;
      }
      p.tableWrite("orders", key, "orders-" + key)
          .whenComplete(
              (acked, error) -> {
                if (error == null) {
                  tableWritesAcked.put(key, scheduler.now());
                }
              });
    } catch (RuntimeException e) {
      // Not the primary any more, or not configured: this row is not sent.
    }
  }

  /**
   * After the shard settled, with the table created again: every replica holding data has the same
   * orders rows, and holds each insert acknowledged after the table was created again (only such an
   * insert was planned after the last create; one acknowledged earlier was dropped with the old
   * table).
   */
  private List<String> tableViolations() {
    if (!tableWrites) {
      return List.of();
    }
    List<String> out = transactionViolations();
    if (changesAcked < TABLE_CHANGES.size()) {
      return out;
    }
    Map<Object, Long> reference = null;
    String referenceName = null;
    for (SimReplica rep : pods()) {
      if (rep.holdsNoData()) {
        continue;
      }
      Map<Object, Long> orders = rep.disk().valuesOf("orders");
      for (Map.Entry<Long, Long> a : tableWritesAcked.entrySet()) {
        if (a.getValue() > recreatedAt && !orders.containsKey(a.getKey())) {
          out.add(
              "orders row "
                  + a.getKey()
                  + " acknowledged at "
                  + a.getValue()
                  + " (table created again at "
                  + recreatedAt
                  + ") is missing on "
                  + rep.name());
        }
      }
      if (reference == null) {
        reference = orders;
        referenceName = rep.name();
      } else if (!reference.equals(orders)) {
        out.add(
            "replicas did not converge on table orders: "
                + referenceName
                + " holds "
                + reference.keySet()
                + ", "
                + rep.name()
                + " holds "
                + orders.keySet());
      }
    }
    return out;
  }

  /** Where a transaction's first-table row's key lies: its orders key plus this. */
  static final long TXN_KEYS = 20_000_000L;

  /** Keys of the transactions over both tables sent, acknowledged, and refused with a 404. */
  private final java.util.Set<Long> txnsSent = new java.util.TreeSet<>();

  private final java.util.Set<Long> txnsAcked = new java.util.TreeSet<>();

  private final java.util.Set<Long> txnsRefused = new java.util.TreeSet<>();

  /**
   * Transactions over two tables are all or none on every replica holding data: an orders row a
   * transaction wrote never without its first-table row (a drop of orders removes only the former),
   * every acknowledged one's first-table row present, a refused one's nowhere.
   */
  private List<String> transactionViolations() {
    List<String> out = new ArrayList<>();
    for (SimReplica rep : pods()) {
      if (rep.holdsNoData()) {
        continue;
      }
      Map<Object, Long> orders = rep.disk().valuesOf("orders");
      Map<Long, Long> firstRows = rep.disk().values;
      for (long k : txnsSent) {
        boolean first = firstRows.containsKey(TXN_KEYS + k);
        if (orders.containsKey(k) && !first) {
          out.add("transaction txn-" + k + " is half applied on " + rep.name() + ": orders only");
        }
        if (txnsAcked.contains(k) && !first) {
          out.add("acknowledged transaction txn-" + k + " is missing on " + rep.name());
        }
        if (txnsRefused.contains(k) && first) {
          out.add("refused transaction txn-" + k + " left its first-table row on " + rep.name());
        }
      }
    }
    return out;
  }

  /** How many transactions over both tables were acknowledged. */
  int transactionsAcknowledged() {
    return txnsAcked.size();
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  /** The mutation of {@link SimReplica#ignoresShippedSchema} on every replica. */
  ShardSimulation ignoringShippedSchemas() {
    replicas.forEach(rep -> rep.ignoresShippedSchema = true);
    return this;
  }

  private void changeSchema(int attempt) {
    if (attempt >= 60 || changesAcked >= schemaChanges.size()) {
      return;
    }
    SchemaChange change = schemaChanges.get(changesAcked);
    Runnable again = () -> scheduler.after(300, () -> changeSchema(attempt + 1));
    String primary = operator.primary();
    SimReplica p = primary == null ? null : byName(primary);
    if (p == null) {
      again.run();
      return;
    }
    try {
      p.schemaChange(change)
          .whenComplete(
              (acked, error) -> {
                if (error == null) {
                  if (changesAcked < schemaChanges.size()
                      && schemaChanges.get(changesAcked) == change) {
                    changesAcked++;
                    schemaChangeAcked = scheduler.now();
                    if (changesAcked == schemaChanges.size() && schemaChanges == TABLE_CHANGES) {
                      recreatedAt = scheduler.now();
                    }
                    if (changesAcked == 1 && tableWrites) {
                      scheduler.after(1, this::writeTable);
                    }
                    log(
                        scheduler.now(),
                        "schema version " + change.version() + " acknowledged by " + primary);
                    scheduler.after(changeGap, () -> changeSchema(0));
                  }
                } else {
                  again.run();
                }
              });
    } catch (RuntimeException e) {
      again.run();
    }
  }

  /**
   * The tables a replica must hold at schema {@code version} of this schedule's history: the
   * simulated table, then each change up to that version applied in order.
   */
  private ShardConfig expectedAt(long version) {
    ShardConfig c = SimStorage.CONFIG;
    for (SchemaChange ch : schemaChanges) {
      if (ch.version() > version) {
        break;
      }
      c =
          ch.drops()
              ? c.withoutTable(ch.schema().table(), ch.version())
              : c.withTable(ch.schema(), ch.version());
    }
    return c;
  }

  /**
   * After the shard settled: every replica holding data is at the last acknowledged version or
   * later (an acknowledged change survives every failover and re-copy), holds exactly the tables of
   * the history at its version, with storage holding the same tables as its config (it ran every
   * DDL it applied, or took the snapshot's tables), and a log whose Schema entries end at its
   * version.
   */
  private List<String> schemaViolations() {
    if (schemaChanges.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    long acked = changesAcked == 0 ? 1 : schemaChanges.get(changesAcked - 1).version();
    for (SimReplica rep : pods()) {
      if (rep.holdsNoData()) {
        continue;
      }
      ShardConfig c = rep.disk().config;
      long version = c.schemaVersionOrOne();
      if (version < acked) {
        out.add(
            "schema version "
                + acked
                + " acknowledged at "
                + schemaChangeAcked
                + " but "
                + rep.name()
                + " is at version "
                + version);
      }
      ShardConfig expected = expectedAt(version);
      if (!c.allTables().equals(expected.allTables())) {
        out.add(
            rep.name()
                + " is at schema version "
                + version
                + " with tables "
                + c.allTables()
                + ", not "
                + expected.allTables());
      }
      java.util.Set<String> named = new java.util.TreeSet<>();
      c.otherTables().forEach(t -> named.add(t.table().toLowerCase(java.util.Locale.ROOT)));
      if (!named.equals(rep.disk().tables)) {
        out.add(
            rep.name()
                + "'s storage holds tables "
                + rep.disk().tables
                + " but its config at schema version "
                + version
                + " names "
                + named);
      }
      long logged =
          rep.disk().log.values().stream()
              .filter(e -> e.op() == io.shardeddb.protocol.shard.Operation.Schema)
              .mapToLong(e -> SchemaChange.ofPayload(e.rows()).version())
              .max()
              .orElse(0);
      if (logged > version) {
        out.add(
            rep.name()
                + "'s log holds the Schema entry of version "
                + logged
                + " but its config is at schema version "
                + version);
      }
    }
    return out;
  }

  /** Whether the schema change was acknowledged in this schedule. */
  /** How many Primary roles the operator sent saying the lease was handed over. */
  int handedOverPromotions() {
    return operator.handedOverPromotions;
  }

  boolean schemaChangeAcknowledged() {
    return changesAcked > 0;
  }

  /** How many orders rows were acknowledged ({@link #withTableWrites}). */
  int tableRowsAcknowledged() {
    return tableWritesAcked.size();
  }

  /** How many of the schedule's schema changes were acknowledged. */
  int schemaChangesAcknowledged() {
    return changesAcked;
  }

  /** Checks the history against the replicas' final state (after every fault healed). */
  private Result judge() {
    List<Checker.FinalState> finals = new ArrayList<>();
    List<Checker.FinalState> holding = new ArrayList<>();
    for (SimReplica rep : pods()) {
      SimDisk d = rep.disk();
      Map<Long, Integer> rows = new TreeMap<>(d.rows);
      if (TRACE) {
        System.err.println(
            "final "
                + rep.name()
                + ": log "
                + d.lastEntryEpoch()
                + "/"
                + d.lastLsn()
                + " base "
                + d.baseLsn
                + " rows "
                + rows.keySet()
                + " noData="
                + rep.holdsNoData());
      }
      finals.add(new Checker.FinalState(rep.name(), d.lastLsn(), rows));
      if (!rep.holdsNoData()) {
        holding.add(new Checker.FinalState(rep.name(), d.lastLsn(), rows));
      }
    }
    boolean stuck = beyondThePromise();
    List<String> violations = new ArrayList<>();
    if (stuck) {
      // Nothing can take writes without risking a loss, so the shard waits — beyond the promise's
      // availability, but nothing acknowledged may be gone from the replicas that hold data.
      violations.addAll(Checker.lostFromAll(history, holding));
    } else {
      violations.addAll(Checker.violations(history, finals));
      if (!clients.stream().allMatch(SimClient::idle)) {
        violations.add("clients still waiting for an answer after the shard settled");
      }
      // Not when stuck: more than a minority holding no data is beyond the promise's
      // availability (the shard waits rather than risk a loss).
      violations.addAll(livenessViolations());
    }
    violations.addAll(registerViolations(stuck));
    violations.addAll(SimTimestampClient.violations(timestampGrants));
    // Stuck: the replicas need not agree, only their logs are judged.
    violations.addAll(
        Judge.verdict(
            SHARD,
            pods().stream().map(Judge.Replica::of).toList(),
            stuck ? null : changesByKey(),
            history));
    violations.addAll(schemaViolations());
    violations.addAll(tableViolations());
    violations.addAll(archiveViolations(stuck));
    long acked = history.writes().stream().filter(w -> w.outcome() == History.Outcome.OK).count();
    long unknown =
        history.writes().stream().filter(w -> w.outcome() == History.Outcome.UNKNOWN).count();
    return new Result(
        seed,
        violations,
        acked,
        unknown,
        operator.failovers(),
        List.copyOf(faultLog),
        scheduler.executed(),
        stuck,
        storageFaultsStruck(),
        archive == null ? 0 : archive.gapsRecorded());
  }

  /**
   * Whether the shard ends where it cannot take writes again without risking a loss, the only
   * schedules exempt from the full verdict and the liveness probe: (1) no replica acts as primary;
   * (2) more than a minority of {@link #minorityBase} replicas hold no data (lost volumes,
   * re-copies), so no election finds a majority holding data (rule 2); and (3) the recorded primary
   * holds no data either (its volume lost, or re-copying), so no replica can resume the epoch's
   * role with the epoch's log (a primary that holds its data resumes its persisted role at
   * start-up, {@code ReplicaStartup}, and is never exempt). Anything else that stops taking writes
   * fails the schedule.
   */
  private boolean beyondThePromise() {
    long noData = pods().stream().filter(SimReplica::holdsNoData).count();
    boolean leaderless = pods().stream().noneMatch(SimReplica::actingPrimary);
    String recorded = operator.primary();
    boolean primaryLostItsData =
        recorded != null && (!live.contains(recorded) || byName(recorded).holdsNoData());
    return leaderless && noData > (minorityBase() - 1) / 2 && primaryLostItsData;
  }

  /** What one lost-volume-before-role schedule showed. */
  public record LostVolume(
      String wiped, long wipedAt, int primaryRefusals, long acknowledgedBefore, Result result) {}

  /**
   * The election gap of seed 722 (found with a replication window of 4) as a scripted schedule: at
   * t=4 s the primary crashes; when the operator has chosen its successor from the fence answers,
   * and before it sends the roles, the chosen replica loses its volume and restarts empty (a crash,
   * a wipe and a start at that instant, so the Primary role reaches the empty process). The old
   * primary comes back at t=9 s; then everything heals and the shard settles. The chosen replica
   * must refuse a Primary role for a position its log no longer reaches (DESIGN §5 rule 2); taking
   * it empty loses the writes acknowledged before the crash.
   */
  public LostVolume runLostVolumeBeforeRole() {
    replicas.forEach(SimReplica::start);
    operator.start();
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    scheduler.runUntil(4_000);
    SimReplica old = byName(operator.primary());
    long[] wipedAt = {-1};
    String[] wiped = {null};
    operator.onceElectedBeforeRoles(
        winner -> {
          SimReplica w = byName(winner);
          wiped[0] = winner;
          wipedAt[0] = scheduler.now();
          log(scheduler.now(), "wipe " + winner + " (elected, before its role) and restart it");
          w.crash();
          w.wipe();
          w.start();
        });
    log(scheduler.now(), "crash " + old.name() + " for 5000");
    long ackedBefore =
        history.writes().stream().filter(w -> w.outcome() == History.Outcome.OK).count();
    old.crash();
    scheduler.after(5_000, old::start);
    scheduler.runUntil(FAULTY);
    healEverything();
    clients.forEach(SimClient::stopWriting);
    scheduler.runUntil(FAULTY + SETTLE);
    int refusals = replicas.stream().mapToInt(SimReplica::primaryRefusals).sum();
    return new LostVolume(wiped[0], wipedAt[0], refusals, ackedBefore, judge());
  }

  /**
   * The gap "a shrink reverted half-way is not treated as a growth" (docs/safety.md, rule 12) as a
   * scripted schedule of five replicas: at t=4 s the primary is cut off from every replica but one
   * staying one (its partner) and the spec goes 5 → 3, so the quorum moves to the three staying
   * replicas and the primary acknowledges writes with its partner alone (two of three). 50 ms after
   * the operator sent that role, the spec goes back to 5 — before a pass has seen the new quorum
   * confirmed, so the recorded voting count is still 5; 450 ms later the partner crashes (for 8 s).
   * The primary then reaches no majority and is replaced; an election that counts a majority of
   * five among the three replicas that never saw those writes loses them.
   */
  public Result runShrinkRevertedHalfWay() {
    return runShrinkRevertedHalfWay(false);
  }

  /**
   * As {@link #runShrinkRevertedHalfWay()}; {@code beforeAPassSawIt}: instead of the partner
   * crashing after the next pass, the primary and its partner both crash 150 ms after the revert,
   * before any pass has seen the primary's smaller set (the window docs/safety.md "Known limits"
   * describes).
   */
  Result runShrinkRevertedHalfWay(boolean beforeAPassSawIt) {
    scriptedStart();
    SimReplica primary = byName(operator.primary());
    SimReplica partner =
        pods().stream()
            .filter(x -> x != primary && replicas.indexOf(x) < 3)
            .findFirst()
            .orElseThrow();
    for (SimReplica o : pods()) {
      if (o != primary && o != partner) {
        network.partition(primary.name(), o.name());
      }
    }
    log(
        scheduler.now(),
        "partition " + primary.name() + " from every replica but " + partner.name());
    log(scheduler.now(), "spec: replicas 5 -> 3");
    operator.resize(3);
    operator.onceShrinkRoleSent(
        () ->
            scheduler.after(
                50,
                () -> {
                  log(scheduler.now(), "spec: replicas 3 -> 5 (the shrink reverted half-way)");
                  operator.resize(5);
                  scheduler.after(
                      beforeAPassSawIt ? 150 : 450,
                      () -> {
                        log(scheduler.now(), "crash " + partner.name() + " for 8000");
                        partner.crash();
                        scheduler.after(8_000, () -> restart(partner));
                        if (beforeAPassSawIt) {
                          log(scheduler.now(), "crash " + primary.name() + " for 8000");
                          primary.crash();
                          scheduler.after(8_000, () -> restart(primary));
                        }
                      });
                }));
    return healSettleAndJudge();
  }

  /**
   * Shrinking 5 → 3 with the primary cut off from the other staying replicas (rule 12, joint
   * quorum), scripted for {@code BrokenRulesAreCaughtTest}: at t=4 s the primary (pod-0, staying)
   * is cut off from pod-1 and pod-2, so its writes are acknowledged by the two leaving replicas (a
   * majority of five), and the spec goes 5 → 3. At t=5 s the primary crashes (for 8 s). An election
   * over the old membership too finds the leaving replicas ahead; one over the staying replicas
   * alone chooses pod-1 or pod-2, which never saw those writes.
   */
  public Result runShrinkWithPrimaryCutOff() {
    scriptedStart();
    SimReplica primary = byName(operator.primary());
    List<SimReplica> staying =
        pods().stream().filter(x -> x != primary && replicas.indexOf(x) < 3).toList();
    staying.forEach(x -> network.partition(primary.name(), x.name()));
    log(scheduler.now(), "partition " + primary.name() + " from the other staying replicas");
    log(scheduler.now(), "spec: replicas 5 -> 3");
    operator.resize(3);
    scheduler.after(
        1_000,
        () -> {
          log(scheduler.now(), "crash " + primary.name() + " for 8000");
          primary.crash();
          scheduler.after(8_000, () -> restart(primary));
        });
    return healSettleAndJudge();
  }

  /** What one shrink with the primary cut off until the heal showed. */
  public record ShrinkIsolation(
      String cutOff, List<String> primaries, long longestGap, List<String> violations) {}

  /**
   * Shrinking 5 → 3 with the primary cut off from the other staying replicas until {@code cutFor}
   * ms later, and no other fault (rule 11 with rule 12; {@code MembershipFaultIT}'s row on real
   * processes): after the shrink the primary reaches no majority of the voters it keeps, so it is
   * replaced — by a leaving replica, since only those hold its last writes — and that one hands
   * over to a caught-up staying replica. The cut-off pod is the most caught-up of those, yet it
   * cannot reach the others: handed the role again, it is replaced again (the ping-pong the IT
   * measured as an outage over 10 s). Reports the primaries recorded while the cut lasted, in
   * order, and the longest time between two acknowledged writes from the shrink to the heal.
   */
  public ShrinkIsolation runShrinkWithPrimaryCutOffUntilHealed(long cutFor) {
    scriptedStart();
    String cut = operator.primary();
    SimReplica primary = byName(cut);
    List<SimReplica> staying =
        pods().stream().filter(x -> x != primary && replicas.indexOf(x) < 3).toList();
    staying.forEach(x -> network.partition(primary.name(), x.name()));
    long shrinkAt = scheduler.now();
    log(shrinkAt, "partition " + primary.name() + " from the other staying replicas");
    log(shrinkAt, "spec: replicas 5 -> 3");
    operator.resize(3);
    List<String> primaries = new ArrayList<>();
    long healAt = shrinkAt + cutFor;
    for (long t = shrinkAt; t <= healAt; t += 50) {
      scheduler.runUntil(t);
      String p = operator.primary();
      if (p != null && (primaries.isEmpty() || !primaries.get(primaries.size() - 1).equals(p))) {
        primaries.add(p);
      }
    }
    List<Long> acked =
        history.writes().stream()
            .filter(w -> w.outcome() == History.Outcome.OK)
            .map(w -> w.completedAt)
            .filter(at -> at >= shrinkAt && at <= healAt)
            .sorted()
            .toList();
    long gap = 0;
    long last = shrinkAt;
    for (long at : acked) {
      gap = Math.max(gap, at - last);
      last = at;
    }
    gap = Math.max(gap, healAt - last);
    log(scheduler.now(), "heal; primaries while cut " + primaries + ", longest gap " + gap);
    healEverything();
    clients.forEach(SimClient::stopWriting);
    scheduler.runUntil(healAt + SETTLE);
    return new ShrinkIsolation(cut, primaries, gap, judge().violations());
  }

  /**
   * Growing 3 → 5 with the primary cut off from both other voters (rule 12, learners), scripted for
   * {@code BrokenRulesAreCaughtTest}: at t=4 s the primary is cut off from the other replicas (not
   * from the new pods, which do not exist yet) and the spec goes 3 → 5. The primary feeds the
   * learners but may count only voters, so it confirms no new term and acknowledges nothing until
   * it is replaced. It crashes (for 6 s) the first time its heartbeat reports its term confirmed
   * while it has learners — which only a quorum counting a learner can do — or at t=8 s.
   */
  public Result runGrowWithPrimaryCutOff() {
    scriptedStart();
    SimReplica primary = byName(operator.primary());
    for (SimReplica o : pods()) {
      if (o != primary) {
        network.partition(primary.name(), o.name());
      }
    }
    log(scheduler.now(), "partition " + primary.name() + " from the other voters");
    log(scheduler.now(), "spec: replicas " + live.size() + " -> 5");
    operator.resize(5);
    boolean[] crashed = {false};
    Runnable crash =
        () -> {
          if (!crashed[0]) {
            crashed[0] = true;
            log(scheduler.now(), "crash " + primary.name() + " for 6000");
            primary.crash();
            scheduler.after(6_000, () -> restart(primary));
          }
        };
    operator.onceTermConfirmedWithLearners(crash);
    scheduler.after(4_000, crash);
    return healSettleAndJudge();
  }

  /**
   * Rule 1 as a scripted schedule, a duplicated operator reusing an epoch: at t=4 s the primary P
   * of epoch e is cut off from one secondary R for 1.2 s and acknowledges writes with the other, L.
   * At t=4.6 s a second, stale operator instance that elected R in its own run of the same election
   * sends its roles: Primary of e to R, Secondary of e under R to P and L (its status write would
   * lose the optimistic-concurrency race, but its role calls go out first). Every replica already
   * accepted P in e and must refuse (rule 1); taking them makes two primaries write different
   * entries under the same (epoch, lsn), which log matching cannot tell apart.
   */
  public Result runDuplicatedOperator() {
    scriptedStart();
    SimReplica primary = byName(operator.primary());
    long epoch = primary.disk().epoch;
    SimReplica stale = pods().stream().filter(x -> x != primary).findFirst().orElseThrow();
    network.partition(primary.name(), stale.name());
    log(scheduler.now(), "partition " + primary.name() + " from " + stale.name() + " for 1200");
    scheduler.after(1_200, () -> network.heal(primary.name(), stale.name()));
    scheduler.runUntil(4_600);
    List<String> voters = pods().stream().map(SimReplica::name).toList();
    log(
        scheduler.now(),
        "a duplicated operator sends the roles of epoch "
            + epoch
            + " again, electing "
            + stale.name());
    for (SimReplica x : pods()) {
      network.send(
          "operator-duplicate",
          x.name(),
          new Messages.Role(
              epoch,
              x == stale,
              stale.name(),
              live.size(),
              null,
              voters,
              List.of(),
              Map.of(),
              false));
    }
    return healSettleAndJudge();
  }

  /**
   * Rule 9 and the oracle (DESIGN §11) as a scripted schedule: the primary P of epoch e serves
   * timestamps; at t0 it is cut off from every other replica while it still holds its lease (its
   * last acknowledged ping is at most a quarter lease old), and a second operator at once fences
   * the others at e+1 and promotes Q among them. With {@code thenSwitchOver}, that operator also
   * switches over from Q to R at e+2 right away, passing on Q's fence answer's {@code
   * handsOverLease} as the production planner does. A router then asks the newest primary until it
   * is granted slots, and at once asks P (its view of the status is stale). Kept, the newest
   * primary serves only once P's lease has run out, so P refuses; broken — a promotion not waiting,
   * or Q handing over within its own wait — P grants slots below the ones just granted, and the
   * checker says "timestamp went back".
   */
  public Result runOracleLeaseOverlap(boolean thenSwitchOver) {
    scriptedStart();
    clients.forEach(SimClient::stopWriting);
    SimReplica p = byName(operator.primary());
    long epoch = p.disk().epoch;
    List<SimReplica> others = pods().stream().filter(x -> x != p).toList();
    SimReplica q = others.get(0);
    SimReplica last = thenSwitchOver ? others.get(1) : q;
    Map<Long, Object[]> asks = new java.util.HashMap<>();
    long[] ids = {0};
    Map<String, Messages.FenceAck> fenced = new java.util.HashMap<>();
    network.attach(
        "script",
        (from, m) -> {
          if (m instanceof Messages.FenceAck f) {
            fenced.put(f.name(), f);
          } else if (m instanceof Messages.TimestampReply r && asks.containsKey(r.id())) {
            Object[] ask = asks.remove(r.id());
            if (r.status() == 200) {
              timestampGrants.add(
                  new SimTimestampClient.Grant(
                      "script",
                      (long) ask[0],
                      scheduler.now(),
                      r.first(),
                      r.count(),
                      from,
                      (long) ask[2],
                      SimTimestampClient.next()));
              @SuppressWarnings("unchecked")
              Runnable then = (Runnable) ask[1];
              then.run();
            }
          }
        });
    java.util.function.BiConsumer<String, Runnable> ask =
        (to, then) -> {
          long id = ids[0]++;
          asks.put(id, new Object[] {scheduler.now(), then, SimTimestampClient.next()});
          network.send("script", to, new Messages.TimestampAsk(id, 1));
        };
    // P serves timestamps (its first call persists a window).
    for (int i = 0; i < 5; i++) {
      scheduler.after(100L * i, () -> ask.accept(p.name(), () -> {}));
    }
    scheduler.runUntil(scheduler.now() + 1_000);
    List<String> voters = pods().stream().map(SimReplica::name).toList();
    log(scheduler.now(), "cut " + p.name() + " off; a second operator elects " + q.name());
    for (SimReplica o : others) {
      network.partition(p.name(), o.name());
      network.send("script", o.name(), new Messages.Fence(epoch + 1));
    }
    scheduler.runUntil(scheduler.now() + 20);
    // As the operator's election decides it (ShardElection.formerLeasesOver): enough replicas
    // handed their lease over that the rest could not hold one.
    long handedOver =
        fenced.values().stream().filter(f -> f.epoch() == epoch + 1 && f.handsOverLease()).count();
    boolean leaseOver =
        handedOver
            >= live.size()
                - io.shardeddb.protocol.failover.FailoverPlanner.majority(live.size())
                + 1;
    for (SimReplica o : others) {
      network.send(
          "script",
          o.name(),
          new Messages.Role(
              epoch + 1,
              o == q,
              q.name(),
              live.size(),
              null,
              voters,
              List.of(),
              Map.of(),
              o == q && leaseOver));
    }
    scheduler.runUntil(scheduler.now() + 30);
    if (thenSwitchOver) {
      log(scheduler.now(), "the second operator switches over from " + q.name() + " to " + last);
      network.send("script", q.name(), new Messages.Fence(epoch + 2));
      scheduler.runUntil(scheduler.now() + 30);
      Messages.FenceAck qAnswer = fenced.get(q.name());
      boolean handsOver =
          qAnswer != null && qAnswer.epoch() == epoch + 2 && qAnswer.handsOverLease();
      for (SimReplica o : others) {
        network.send(
            "script",
            o.name(),
            new Messages.Role(
                epoch + 2,
                o == last,
                last.name(),
                live.size(),
                null,
                voters,
                List.of(),
                Map.of(),
                o == last && handsOver));
      }
    }
    // The newest primary, asked every 10 ms until it grants; then P, at once.
    boolean[] granted = {false};
    for (int i = 0; i < 150; i++) {
      scheduler.after(
          10L * i,
          () -> {
            if (!granted[0]) {
              ask.accept(
                  last.name(),
                  () -> {
                    if (!granted[0]) {
                      granted[0] = true;
                      ask.accept(p.name(), () -> {});
                    }
                  });
            }
          });
    }
    scheduler.runUntil(scheduler.now() + 2_000);
    return healSettleAndJudge();
  }

  /**
   * Rule 1 as a scripted schedule, a stale operator sending a role of a lower epoch: at t=4 s the
   * primary P of epoch 1 crashes and the operator elects Q at epoch 2. 800 ms after that election
   * (Q acknowledging writes of epoch 2) P restarts, and a stale operator instance that never saw
   * epoch 2 sends the roles of epoch 1 again: Primary to P, Secondary under P to the others. Each
   * replica has seen epoch 2 and must refuse (rule 1); taking them, P leads with a log that lacks
   * epoch 2's writes and its followers give them up.
   */
  public Result runStaleOperator() {
    scriptedStart();
    SimReplica old = byName(operator.primary());
    long epoch = old.disk().epoch;
    log(scheduler.now(), "crash " + old.name());
    old.crash();
    List<String> voters = pods().stream().map(SimReplica::name).toList();
    operator.onceElectedBeforeRoles(
        elected ->
            scheduler.after(
                800,
                () -> {
                  log(
                      scheduler.now(),
                      "restart "
                          + old.name()
                          + "; a stale operator sends the roles of epoch "
                          + epoch
                          + " again, electing "
                          + old.name());
                  old.start();
                  for (SimReplica x : pods()) {
                    network.send(
                        "operator-stale",
                        x.name(),
                        new Messages.Role(
                            epoch,
                            x == old,
                            old.name(),
                            live.size(),
                            null,
                            voters,
                            List.of(),
                            Map.of(),
                            false));
                  }
                }));
    return healSettleAndJudge();
  }

  /**
   * Rule 3 as a scripted schedule, Raft's figure 8 in three replicas. At t=4 s the first primary A
   * (epoch 1) is cut off from its peers: the writes in flight land in its log alone (its
   * unacknowledged tail); at t=4.3 s it crashes. The next election (epoch 2) chooses B among the
   * other two; before its roles B is cut off from C and client c0 from B, so B's entries of epoch 2
   * (its no-op, the other clients' retries) stay on B, which crashes 600 ms later. The other
   * clients' requests stuck on A time out 100 ms after B's election: B serves only 400 ms (it
   * reaches no majority), and their own timeouts (1 s after A's partition) come after that since
   * the operator's passes run on simulated threads. A restarts (resuming its epoch-1 role until C's
   * epoch deposes it, cut off from c0 until its election) and is elected (epoch 3) from A and C,
   * A's tail being the longest log; the clients stop sending new changes, so their retries of the
   * tail are the only changes A acknowledges. 1 s after A's roles A crashes and B returns: the next
   * election (epoch 4) is between B and C. With the rule, A acknowledged the retries only once its
   * no-op of epoch 3 was on C, so C's log is the later one and keeps them; without it, C holds A's
   * tail of epoch 1 only, B's epoch 2 wins, and c0's acknowledged retry is gone.
   */
  public Result runFigureEight() {
    scriptedStart();
    SimReplica first = byName(operator.primary());
    for (SimReplica o : pods()) {
      if (o != first) {
        network.partition(first.name(), o.name());
      }
    }
    log(scheduler.now(), "partition " + first.name() + " from its peers");
    scheduler.runUntil(4_300);
    log(scheduler.now(), "crash " + first.name());
    first.crash();
    String cut = clients.get(0).name();
    operator.onceElectedBeforeRoles(
        second -> {
          SimReplica b = byName(second);
          SimReplica c =
              pods().stream().filter(x -> x != first && x != b).findFirst().orElseThrow();
          network.partition(b.name(), c.name());
          network.partition(cut, b.name());
          log(
              scheduler.now(),
              b.name()
                  + " elected; partition it from "
                  + c.name()
                  + " and from client "
                  + cut
                  + ", the other clients retry in 100, crash it in 600");
          // The other clients' requests stuck on A time out while B serves (it stands down 400 ms
          // after its role, reaching no majority): their retries are B's entries of its epoch.
          scheduler.after(
              100,
              () ->
                  clients.stream().filter(x -> !x.name().equals(cut)).forEach(SimClient::retryNow));
          scheduler.after(
              600,
              () -> {
                log(
                    scheduler.now(),
                    "crash "
                        + b.name()
                        + "; restart "
                        + first.name()
                        + ", cut off from client "
                        + cut
                        + " until its election");
                b.crash();
                network.heal(first.name(), c.name());
                // The restarted process resumes its epoch-1 role (the production start-up) until
                // a peer's epoch deposes it: c0's retries must reach it only once it is elected.
                network.partition(cut, first.name());
                first.start();
                operator.onceElectedBeforeRoles(
                    third -> {
                      SimReplica a = byName(third);
                      network.heal(cut, a.name());
                      log(
                          scheduler.now(),
                          third
                              + " elected; no new changes; crash it in 1000, then restart "
                              + b.name());
                      clients.forEach(SimClient::stopWriting);
                      scheduler.after(
                          1_000,
                          () -> {
                            log(scheduler.now(), "crash " + a.name() + "; restart " + b.name());
                            a.crash();
                            network.heal(b.name(), c.name());
                            network.heal(cut, b.name());
                            b.start();
                          });
                    });
              });
        });
    return healSettleAndJudge();
  }

  /**
   * Rule 6 broken on purpose (a simulated-storage mutation, as {@link #withoutRequestOutcomes}):
   * the group commit's transaction does not re-check the persisted epoch and role.
   */
  ShardSimulation withoutEpochRecheck() {
    replicas.forEach(r -> r.storageFaults().skipsEpochRecheck = true);
    return this;
  }

  /**
   * Rule 15 on a secondary as a scripted schedule (review 2026-11-26 #4): at t=4 s a secondary S's
   * next replay commits and its reply is lost (the mysql container restarted under a live
   * shard-server). With the rule S reads its position back and goes on after what it holds; without
   * it S's memory stays below its storage and every later replay hits its own entry — S never
   * converges, and counts for nothing.
   */
  public Result runLostReplayReply() {
    scriptedStart();
    String primary = operator.primary();
    SimReplica s = pods().stream().filter(x -> !x.name().equals(primary)).findFirst().orElseThrow();
    log(scheduler.now(), "arm " + s.name() + ": the reply of its next replay is lost");
    s.disk()
        .losesNextReplayReply(
            () -> log(scheduler.now(), s.name() + "'s replay committed; its reply was lost"));
    return healSettleAndJudge();
  }

  /**
   * Rule 15 as a scripted schedule, a COMMIT that lands after its read-back (review 2026-11-26 #3):
   * from t=4 s the primary P's next commit of one change [x] loses its connection while its
   * database goes on committing; P's read-back finds nothing (x is answered "nothing was written",
   * and its client retries it). The transaction lands when P's next commit [y] begins — planned at
   * x's LSN, it waits on x's row locks and hits a duplicate key — so P's read-back then finds an
   * entry of its own epoch exactly where y's was planned. With the rule, the entry is compared with
   * y's and is not it: y is answered "outcome unknown" and retried; with the old comparison (the
   * LSN and epoch only) y is acknowledged at x's LSN and lost.
   */
  public Result runCommitLandingAfterItsReadBack() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    log(scheduler.now(), "arm " + p.name() + ": its next commit of one change lands late");
    p.disk()
        .commitLandsLate(
            wrote ->
                log(
                    scheduler.now(),
                    p.name()
                        + "'s late COMMIT "
                        + (wrote ? "landed" : "wrote nothing")
                        + " as its next commit began"));
    return healSettleAndJudge();
  }

  /**
   * Rule 6 as a scripted schedule, a batch racing a fence: at t=4 s the primary P's process dies
   * while the database has received the COMMIT of its next batch that changes rows; P restarts 100
   * ms later (its database kept running) and, the shard having no primary, the operator fences at a
   * new epoch. The database finishes the dead process's COMMIT right after P persisted that fence
   * and answered it with the log it had read at boot. With the rule the transaction's re-check of
   * the persisted epoch writes nothing; without it, P's log and rows silently hold a batch past the
   * position its fence answer reported.
   */
  public Result runCommitInFlightAtAFence() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    p.disk()
        .diesMidCommit(
            () -> {
              log(
                  scheduler.now(),
                  "crash " + p.name() + " with its COMMIT in flight; restart it in 100");
              p.crash();
              // The dead process's connection: its statements after the COMMIT fail.
              p.storageFaults().resetFor(1);
              scheduler.after(100, () -> restart(p));
            },
            late -> {
              // P's fence answer is lost: the election chooses among the others, and P follows.
              network.partition(SimOperator.NAME, p.name());
              log(scheduler.now(), p.name() + " persisted the fence; its answer is lost");
              scheduler.after(300, () -> network.heal(SimOperator.NAME, p.name()));
              scheduler.after(
                  1,
                  () -> {
                    late.run();
                    log(
                        scheduler.now(),
                        p.name()
                            + "'s late COMMIT "
                            + (p.disk().lateCommitLanded ? "landed" : "wrote nothing"));
                  });
            });
    return healSettleAndJudge();
  }

  /**
   * A rebuild asked before the bring-up's Primary role arrived (issue 24, seed 23 of the faults
   * aimed at copies before they waited for an acting primary), five replicas: the operator is cut
   * off from pod-0 from t=100 ms to 1 s, so the bring-up's calls to it (its configuration and its
   * Primary role) are lost; at 1 s r2, a secondary of epoch 1, is asked to re-copy and copies from
   * a pod-0 that never serves. No write was ever acknowledged; a redo of the bring-up is the only
   * way up.
   */
  public Result runRebuildBeforeThePrimaryRole() {
    pods().forEach(SimReplica::start);
    operator.start();
    scheduler.runUntil(100);
    SimReplica first = pods().get(0);
    SimReplica rebuilt = pods().get(2);
    network.partition(SimOperator.NAME, first.name());
    log(scheduler.now(), "partition the operator from " + first.name() + " during the bring-up");
    scheduler.runUntil(1_000);
    network.heal(SimOperator.NAME, first.name());
    log(scheduler.now(), "rebuild " + rebuilt.name() + " (no primary acts)");
    network.send(SimOperator.NAME, rebuilt.name(), new Messages.Resync());
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    return healSettleAndJudge();
  }

  /**
   * A recorded primary that holds its data comes back fenced by an election that found no quorum
   * (issue 24, found by reading). At t=4 s the primary P is cut off from its peers; when the
   * operator fences (P reaches no majority), the operator is cut off from the other two just before
   * its fences go out, so only P persists the fence and the election finds no quorum. 500 ms later
   * the other two lose their volumes (they come back empty 300 ms later) and P's process restarts
   * over its fence; everything heals at {@link #FAULTY}. P, the recorded primary of the epoch,
   * holds every acknowledged write, but no election can find a majority holding data: only P's own
   * role, sent again above every epoch seen, lets the shard take writes again.
   */
  public Result runFencedPrimaryRestart() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    List<SimReplica> others = pods().stream().filter(x -> x != p).toList();
    others.forEach(x -> network.partition(p.name(), x.name()));
    log(scheduler.now(), "partition " + p.name() + " from its peers");
    operator.onceFencing(
        () -> {
          others.forEach(x -> network.partition(SimOperator.NAME, x.name()));
          log(scheduler.now(), "fencing: the operator's fences reach " + p.name() + " alone");
          scheduler.after(
              500,
              () -> {
                log(
                    scheduler.now(),
                    "the others lose their volumes; restart "
                        + p.name()
                        + " over its persisted fence");
                for (SimReplica x : others) {
                  x.crash();
                  x.wipe();
                  network.heal(SimOperator.NAME, x.name());
                  scheduler.after(300, () -> restart(x));
                }
                p.crash();
                scheduler.after(100, () -> restart(p));
              });
        });
    return healSettleAndJudge();
  }

  /**
   * Rule 7 as a scripted schedule, a failover while a replica that holds acknowledged writes is
   * mid-copy (three replicas P, B, C; fixed membership). At t=4 s the primary P is cut off from B,
   * so the writes of the next second are acknowledged by P and C alone. At t=5 s C is asked to
   * re-copy (a {@code /resync}); its copy from P takes simulated time chunk by chunk, and 20 ms
   * after it began — C's rows deleted, the snapshot still arriving — P crashes; it stays down until
   * everything heals. Honest, C answers the operator's fence Copying at 0/0, counts for nothing,
   * and the shard waits (B alone is no majority) until P returns; lying — the position C held
   * before its copy, not copying — C and B make a majority, C has the longest log and is elected
   * over deleted rows.
   */
  public Result runFailoverMidCopy() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    List<SimReplica> others = pods().stream().filter(x -> x != p).toList();
    SimReplica b = others.get(0);
    SimReplica c = others.get(1);
    log(scheduler.now(), "partition " + p.name() + " from " + b.name());
    network.partition(p.name(), b.name());
    scheduler.runUntil(5_000);
    log(scheduler.now(), c.name() + " is asked to re-copy");
    network.send(SimOperator.NAME, c.name(), new Messages.Resync());
    // From events: the copy blocks in its stream inside an event, and the world (this watch
    // included) goes on meanwhile.
    watchCopy(p, b, c, scheduler.now() + 1_000);
    return healSettleAndJudge();
  }

  private void watchCopy(SimReplica p, SimReplica b, SimReplica c, long giveUpAt) {
    scheduler.after(
        1,
        () -> {
          if (!c.disk().copying) {
            if (scheduler.now() < giveUpAt) {
              watchCopy(p, b, c, giveUpAt);
            } else {
              log(scheduler.now(), c.name() + " did not begin a copy");
            }
            return;
          }
          copyBegan = true;
          log(scheduler.now(), c.name() + " began its copy; crash " + p.name() + " in 20");
          scheduler.after(
              20,
              () -> {
                copyUnderWayAtCrash =
                    c.disk().copying && c.disk().rows.size() < p.disk().rows.size();
                log(
                    scheduler.now(),
                    "crash "
                        + p.name()
                        + " ("
                        + c.name()
                        + " has loaded "
                        + c.disk().rows.size()
                        + " of its "
                        + p.disk().rows.size()
                        + " rows)");
                p.crash();
                network.heal(p.name(), b.name());
              });
        });
  }

  /** Whether {@link #runFailoverMidCopy}'s re-copy began, and was under way when P crashed. */
  private boolean copyBegan;

  private boolean copyUnderWayAtCrash;

  boolean copyUnderWayAtCrash() {
    return copyBegan && copyUnderWayAtCrash;
  }

  /** A world of three replicas that may grow to five, for the scripted schedules. */
  static ShardSimulation growable(long seed, Rulebook rules) {
    return new ShardSimulation(seed, 3, rules, Membership.SCRIPTED);
  }

  /** What one isolated-primary schedule showed. */
  public record Isolation(
      String isolated, String primaryAfter, long ackedWhileCut, List<String> violations) {}

  /**
   * DESIGN §5 rule 11 as a scripted schedule: at t=4 s the primary is cut off from every other
   * replica (the operator and the clients still reach it) for {@code cutFor} ms, with no other
   * fault. A primary that reaches no majority takes no write; the shard must take writes again
   * within {@code ShardPlanner.ISOLATED_AFTER} + {@link #UNAVAILABLE} + a few passes, on another
   * replica, and the history must keep the promise. {@code reportQuorum} false: primaries do not
   * report their quorum (the rule's input missing) — then nothing replaces the cut-off primary.
   */
  public Isolation runIsolatedPrimary(long cutFor, boolean reportQuorum) {
    replicas.forEach(rep -> rep.reportQuorum(reportQuorum));
    replicas.forEach(SimReplica::start);
    operator.start();
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    scheduler.runUntil(4_000);
    String cut = operator.primary();
    for (SimReplica other : replicas) {
      if (!other.name().equals(cut)) {
        network.partition(cut, other.name());
      }
    }
    long healAt = 4_000 + cutFor;
    scheduler.runUntil(healAt);
    String after = operator.primary();
    // Writes acknowledged in the cut's second half: well past the bound the rule promises.
    long from = 4_000 + cutFor / 2;
    long acked =
        history.writes().stream()
            .filter(w -> w.outcome() == History.Outcome.OK)
            .filter(w -> w.completedAt >= from && w.completedAt <= healAt)
            .count();
    healEverything();
    clients.forEach(SimClient::stopWriting);
    scheduler.runUntil(healAt + SETTLE);
    List<Checker.FinalState> finals = new ArrayList<>();
    for (SimReplica rep : replicas) {
      SimDisk d = rep.disk();
      finals.add(new Checker.FinalState(rep.name(), d.lastLsn(), new TreeMap<>(d.rows)));
    }
    return new Isolation(cut, after, acked, Checker.violations(history, finals));
  }

  /** What one {@link #runSlowedReplica} schedule showed. */
  public record SlowedReplica(
      String primaryBefore,
      String slowed,
      String fast,
      List<io.shardeddb.protocol.shard.ReplicaWeight> weights,
      List<String> bestWeightedMajority,
      String primaryAfter,
      List<String> elections,
      List<String> violations) {}

  /**
   * Cabinet and SEER following an injected latency (issue 51 item 2), with the production primary
   * and planner: at t=4 s one secondary ({@code slowFirst}: the one whose name comes first, else
   * the other) gets {@code extraMillis} more on every message to or from it while the clients
   * write; at t=7 s the primary's heartbeat gives its Cabinet weights (the slowed secondary should
   * weigh least and stay out of the best-weighted majority); the clients stop, the secondaries
   * catch up to the same position, and at t=8 s the primary crashes (until the heal): the election
   * among the two secondaries, equal in position, restarts and uptime, is SEER's on the fence
   * answers' latency. The history must keep the promise after the heal.
   */
  public SlowedReplica runSlowedReplica(long extraMillis, boolean slowFirst) {
    replicas.forEach(SimReplica::start);
    operator.start();
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    scheduler.runUntil(4_000);
    String before = operator.primary();
    List<String> secondaries =
        replicas.stream().map(SimReplica::name).filter(n -> !n.equals(before)).sorted().toList();
    String slowed = slowFirst ? secondaries.get(0) : secondaries.get(1);
    String fast = slowFirst ? secondaries.get(1) : secondaries.get(0);
    log(4_000, "slow " + slowed + " by " + extraMillis + " ms each way");
    network.slow(slowed, extraMillis);
    scheduler.runUntil(7_000);
    SimReplica p = byName(before);
    io.shardeddb.protocol.shard.QuorumState quorum = p.heartbeat().quorum();
    List<io.shardeddb.protocol.shard.ReplicaWeight> weights =
        quorum == null || quorum.weights() == null ? List.of() : quorum.weights();
    List<String> majority =
        io.shardeddb.protocol.quorum.CabinetWeights.bestWeightedMajority(
            before, weights, quorum == null ? replicaCount : quorum.replicas());
    clients.forEach(SimClient::stopWriting);
    scheduler.runUntil(8_000);
    log(8_000, "crash " + before);
    p.crash();
    scheduler.runUntil(8_000 + 10 * UNAVAILABLE);
    String after = operator.primary();
    network.slow(slowed, 0);
    healEverything();
    scheduler.runUntil(8_000 + 10 * UNAVAILABLE + SETTLE);
    List<Checker.FinalState> finals = new ArrayList<>();
    for (SimReplica rep : replicas) {
      SimDisk d = rep.disk();
      finals.add(new Checker.FinalState(rep.name(), d.lastLsn(), new TreeMap<>(d.rows)));
    }
    return new SlowedReplica(
        before,
        slowed,
        fast,
        weights,
        majority,
        after,
        List.copyOf(operator.elections),
        Checker.violations(history, finals));
  }

  /** The faults of {@link #runPrimaryFault}: the fault matrix's primary rows. */
  public enum PrimaryFault {
    /** SIGKILL: the process is gone (its connections refused) until the heal. */
    KILL,
    /** SIGSTOP: the process is frozen (its timers and answers wait) until the heal. */
    FREEZE,
    /** Cut off from every other replica; the operator and the clients still reach it. */
    ISOLATE
  }

  /** What one {@link #runPrimaryFault} schedule showed. */
  public record Outage(
      PrimaryFault fault,
      String primaryBefore,
      String primaryAfter,
      long longestGapMillis,
      List<String> violations) {}

  /**
   * Rule 11's liveness half as a scripted schedule, the fault matrix's primary rows in simulated
   * time: at t=4 s {@code fault} strikes the primary for {@code faultFor} ms, with no other fault,
   * while the clients write. The outage is the longest time without an acknowledged write from one
   * second before the fault until it heals — the fault matrix's "longest write outage" — and the
   * history must keep the promise after the heal. With the rule, the replicas' reports (the
   * primary's check-quorum, the secondaries' "primary lost") let the operator elect without waiting
   * out {@link #UNAVAILABLE}.
   */
  public Outage runPrimaryFault(PrimaryFault fault, long faultFor) {
    replicas.forEach(SimReplica::start);
    operator.start();
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    long at = 4_000;
    scheduler.runUntil(at);
    String before = operator.primary();
    SimReplica p = replicas.stream().filter(r -> r.name().equals(before)).findFirst().orElseThrow();
    log(at, fault + " " + before + " for " + faultFor);
    switch (fault) {
      case KILL -> p.crash();
      case FREEZE -> network.liveness(before, Network.Liveness.PAUSED);
      case ISOLATE ->
          replicas.stream()
              .filter(r -> !r.name().equals(before))
              .forEach(r -> network.partition(before, r.name()));
    }
    long healAt = at + faultFor;
    scheduler.runUntil(healAt);
    String after = operator.primary();
    List<Long> acked =
        history.writes().stream()
            .filter(w -> w.outcome() == History.Outcome.OK)
            .map(w -> w.completedAt)
            .filter(t -> t >= at - 1_000 && t <= healAt)
            .sorted()
            .toList();
    long gap = 0;
    long last = at - 1_000;
    for (long t : acked) {
      gap = Math.max(gap, t - last);
      last = t;
    }
    gap = Math.max(gap, healAt - last);
    healEverything();
    clients.forEach(SimClient::stopWriting);
    scheduler.runUntil(healAt + SETTLE);
    List<Checker.FinalState> finals = new ArrayList<>();
    for (SimReplica rep : replicas) {
      SimDisk d = rep.disk();
      finals.add(new Checker.FinalState(rep.name(), d.lastLsn(), new TreeMap<>(d.rows)));
    }
    return new Outage(fault, before, after, gap, Checker.violations(history, finals));
  }

  /**
   * The per-key checks ({@link RegisterChecker}) of every insert, update and delete and every read
   * of one key at each level, against each replica's final values when a quorum of replicas holds
   * data at the end (otherwise only the reads); the {@link Judge} checks the rest.
   */
  private List<String> registerViolations(boolean stuck) {
    Map<String, Map<Long, Long>> finalValues = new java.util.LinkedHashMap<>();
    if (!stuck) {
      pods().forEach(rep -> finalValues.put(rep.name(), new TreeMap<>(rep.disk().values)));
    }
    return RegisterChecker.violations(
        history.changes().stream().map(History.Change::forChecker).toList(),
        history.keyReads().stream().map(History.KeyRead::forChecker).toList(),
        finalValues);
  }

  /** The clients' changes by key, each key's in the order they were sent (one client each). */
  private Map<Long, List<RegisterChecker.Change>> changesByKey() {
    Map<Long, List<RegisterChecker.Change>> out = new TreeMap<>();
    for (History.Change c : history.changes()) {
      out.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c.forChecker());
    }
    return out;
  }

  /**
   * What the clients did in this schedule: {inserts, updates, deletes, acknowledged updates,
   * acknowledged deletes, reads of one key at primary, at session, at any}.
   */
  long[] clientCounts() {
    long[] n = new long[8];
    for (History.Change c : history.changes()) {
      n[c.kind().ordinal()]++;
      if (c.outcome() == History.Outcome.OK && c.kind() != History.Kind.INSERT) {
        n[c.kind().ordinal() + 2]++;
      }
    }
    history.keyReads().forEach(r -> n[5 + r.level().ordinal()]++);
    return n;
  }

  /**
   * Clients as before updates, deletes and reads of one key ({@link SimClient#insertsOnly}): a seed
   * replays the schedule it had then (the regression seeds found then).
   */
  ShardSimulation insertsOnly() {
    clients.forEach(SimClient::insertsOnly);
    return this;
  }

  /**
   * Every replica keeps up to {@code window} replicate requests in flight per secondary (the
   * shard-server's {@code shardeddb.replication.window}); with the network's random delays,
   * requests and answers overtake one another. Before {@link #run}.
   */
  ShardSimulation withWindow(int window) {
    replicas.forEach(r -> r.window(window));
    return this;
  }

  /**
   * About one snapshot in four (a re-copy's) breaks mid-stream, chosen by the seed ({@link
   * SnapshotCuts}). Before {@link #run}.
   */
  ShardSimulation withSnapshotCuts() {
    network.snapshotCuts(SnapshotCuts.bySeed(seed, 0.25));
    return this;
  }

  /** Snapshot streams cut so far. */
  long snapshotCuts() {
    return network.snapshotCuts().cuts();
  }

  /**
   * Rule 8 broken on purpose ({@code BrokenRulesAreCaughtTest}): every replica's group commit drops
   * the request outcomes it should record with its entries.
   */
  ShardSimulation withoutRequestOutcomes() {
    replicas.forEach(r -> r.storageFaults().dropsRequestOutcomes = true);
    return this;
  }

  /**
   * The restart before issue 24 ({@link SimReplica#dropsPersistedPrimary}): a restarted primary
   * forgets its role and waits for the operator's fence, as no shard-server does. Only for the red
   * of {@code ShardSimulationTest.aRestartedPrimaryResumesItsRole} ({@code
   * withTheOldRestartTheSeedsFailLiveness}); every mutation test runs the production start-up.
   */
  ShardSimulation restartingAsBefore() {
    replicas.forEach(r -> r.dropsPersistedPrimary = true);
    return this;
  }

  /** Rule 12 broken on purpose: the StatefulSet follows the spec at once (no resize gate). */
  ShardSimulation withoutResizeGate() {
    operator.withoutResizeGate = true;
    return this;
  }

  /**
   * The production pass ({@code ShardCoordinator}) asking {@code rules} instead of the production
   * {@link PassRules}: a mutation of the operator's own pass.
   */
  ShardSimulation withPassRules(PassRules rules) {
    operator.passRules = rules;
    return this;
  }

  /** See {@code SimOperator.keepsARoleNeverTakenUnsent}: the planner's resend broken on purpose. */
  ShardSimulation withoutResendingARoleNeverTaken() {
    operator.keepsARoleNeverTakenUnsent = true;
    return this;
  }

  /** Rule 12 broken on purpose: elections count only the replicas the spec keeps. */
  ShardSimulation electingOverTheSpecOnly() {
    operator.electsOverTheSpecOnly = true;
    return this;
  }

  /** Rule 12 broken on purpose: elections ignore the smaller voting set a shrink recorded. */
  ShardSimulation electingWithoutTheRecordedShrink() {
    operator.electsIgnoringTheRecordedShrink = true;
    return this;
  }

  /** Rules 11 and 12 broken on purpose: hand-overs forget the primary replaced as isolated. */
  ShardSimulation forgettingTheIsolatedPrimary() {
    operator.forgetsIsolatedPrimary = true;
    return this;
  }

  /**
   * Whether about one fault in three is instead a rebuild aimed at a re-copy ({@link
   * #withFaultsAimedAtCopies}).
   */
  private boolean aimedAtCopies;

  /**
   * About one fault in three is instead a rebuild aimed at a re-copy (rule 7's window, which the
   * other faults open rarely: a fence seldom reaches a copy in progress): the operator asks a
   * secondary holding data to re-copy ({@code kubectl sdb rebuild}), and once its copy streams the
   * primary crashes 20 ms later (for 0.3–3.3 s), so the election's fences reach it mid-copy ({@link
   * Fault.RebuildThenCrashPrimary}). Never takes data away from more than a minority. Before {@link
   * #run}.
   */
  ShardSimulation withFaultsAimedAtCopies() {
    aimedAtCopies = true;
    return this;
  }

  /** Whether the plan takes the backup store down once ({@link #withStoreOutages}). */
  private boolean storeOutages;

  /**
   * The plan takes the backup store down once ({@link Fault.StoreOutage}: 4-10 s): archiving
   * stalls, and with {@link #withLogTrims} the trim floor holds the logs back. Before {@link #run}.
   */
  ShardSimulation withStoreOutages() {
    storeOutages = true;
    return this;
  }

  /** Whether the replicas trim their logs ({@link #withLogTrims}). */
  private boolean logTrims;

  /**
   * The replicas trim their logs as the plan says ({@link FaultPlan.LogTrim}: the production {@code
   * LogTrimmer}'s step, a small retention, never past the archive's floor), so a replica behind by
   * more than the retention re-copies. Before {@link #run}.
   */
  ShardSimulation withLogTrims() {
    logTrims = true;
    return this;
  }

  /** {@code /log} requests answered 410 (their entries trimmed) in this schedule. */
  long logGone() {
    return replicas.stream().mapToLong(SimReplica::logGone).sum();
  }

  /** Log ranges the replicas trimmed in this schedule. */
  long logTrimsDone() {
    return replicas.stream().mapToLong(rep -> rep.trimmed().size()).sum();
  }

  /** Whether the plan also restarts replicas' databases ({@link #withDatabaseRestarts}). */
  private boolean databaseRestarts;

  /**
   * The plan also restarts replicas' databases under their live processes (issue 47 finding 6,
   * {@link Fault.RestartDatabase}: about one fault slot in three, drawn apart so the seed's other
   * faults stay). Before {@link #run}.
   */
  ShardSimulation withDatabaseRestarts() {
    databaseRestarts = true;
    return this;
  }

  /**
   * Summed over the replicas: lost COMMIT replies, failed statements, slow commits, database
   * restarts, restarts that cut a transaction mid-COMMIT.
   */
  private long[] storageFaultsStruck() {
    long[] sum = new long[5];
    for (SimReplica rep : replicas) {
      long[] s = rep.storageFaults().struck();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += s[i];
      }
    }
    return sum;
  }

  private SimReplica byName(String name) {
    return replicas.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
  }

  /** The replicas that are pods of the StatefulSet now. */
  private List<SimReplica> pods() {
    return replicas.subList(0, live.size());
  }

  /**
   * The replica count a minority is counted of (for faults that take data away, and for judging a
   * shard without a quorum holding data): the smallest of the spec's count, the pods, the recorded
   * voters and a recorded shrink's smaller set (elections are joint over it) — the fixed world's
   * replica count.
   */
  private int minorityBase() {
    int base = Math.min(Math.min(operator.desired(), live.size()), operator.recordedVoters());
    int shrink = operator.recordedShrinkVoters();
    return shrink > 0 ? Math.min(base, shrink) : base;
  }

  /** A crashed replica's restart, unless its pod has been removed meanwhile. */
  /**
   * Rule 5 through a reused address, scripted (five replicas, fixed membership): at t=4 s replica X
   * stops for good (its listing still shows its address) and replica Y stops and returns 300 ms
   * later at X's address; the next passes tell the primary P its peers X and Y — both at that
   * address. 1.2 s later P is cut off from the two other replicas, so the only copy it reaches is
   * Y. A write is acknowledged only if Y's one copy counted twice (once for X); 2 s later P and Y
   * lose their volumes (a minority of five) and X returns, so the three others elect without such
   * writes.
   */
  public Result runReusedAddress() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    List<SimReplica> others = pods().stream().filter(x -> x != p).toList();
    SimReplica x = others.get(0);
    SimReplica y = others.get(1);
    log(scheduler.now(), "stop " + x.name() + "; stop " + y.name() + " to return at its address");
    x.crash();
    y.crash();
    scheduler.runUntil(scheduler.now() + 300);
    returnAtAddressOf(y, x);
    scheduler.runUntil(scheduler.now() + 1_200);
    for (SimReplica o : others.subList(2, others.size())) {
      network.partition(p.name(), o.name());
    }
    log(scheduler.now(), "partition " + p.name() + " from every replica but " + y.name());
    scheduler.runUntil(scheduler.now() + 2_000);
    log(scheduler.now(), "wipe " + p.name() + " and " + y.name() + "; " + x.name() + " returns");
    for (SimReplica lost : List.of(p, y)) {
      lost.crash();
      lost.wipe();
    }
    network.healAll();
    restart(x);
    scheduler.after(3_000, () -> List.of(p, y).forEach(this::restart));
    return healSettleAndJudge();
  }

  /**
   * Rules 4 and 7 through a reused address, scripted (three replicas P, S, Y; fixed membership): at
   * t=4 s the primary P is cut off from Y, so the writes of the next two seconds are acknowledged
   * by P and S alone. At t=6 s P stops (its data kept, its listing still showing its address), Y
   * stops and returns 300 ms later at P's address, and S is asked to re-copy (a {@code /resync}
   * decided from a stale heartbeat, as in seed 1224, or sent by hand): S's copy goes to P's
   * address, where Y answers. Loaded as S's copy of P, Y's rows (without those writes) would make
   * two replicas holding data that lack them, and they could elect; a copy refused there leaves S
   * reporting Copying with its rows intact, and the shard waits for P, which returns at t=11 s.
   */
  public Result runRecopyFromReusedAddress() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    List<SimReplica> others = pods().stream().filter(x -> x != p).toList();
    SimReplica s = others.get(0);
    SimReplica y = others.get(1);
    log(scheduler.now(), "partition " + p.name() + " from " + y.name());
    network.partition(p.name(), y.name());
    scheduler.runUntil(6_000);
    log(
        scheduler.now(),
        "stop "
            + p.name()
            + "; stop "
            + y.name()
            + " to return at its address; "
            + s.name()
            + " is asked to re-copy");
    p.crash();
    y.crash();
    network.send(SimOperator.NAME, s.name(), new Messages.Resync());
    scheduler.runUntil(scheduler.now() + 300);
    returnAtAddressOf(y, p);
    scheduler.runUntil(11_000);
    log(scheduler.now(), p.name() + " returns");
    network.healAll();
    restart(p);
    return healSettleAndJudge();
  }

  /**
   * The planner's resend of a role never taken (seed 1162 of the schedules before the fault plan),
   * scripted: four replicas; at t=4 s two secondaries lose their volumes and are cut off from the
   * primary P for 3 s (so they stay empty: their copies cannot reach it), and P stops and returns
   * 300 ms later at a new address. The operator announces P there at the next epoch; P's Primary
   * role is lost on the way, the others take Secondary roles of that epoch under P, and P stands
   * down at their epoch when they refuse its older one. Two of four voters hold data, so no
   * election can win; P, the recorded primary, holds every acknowledged write and must be sent its
   * role again.
   */
  public Result runReannouncedPrimaryRoleLost() {
    scriptedStart();
    SimReplica p = byName(operator.primary());
    List<SimReplica> emptied = pods().stream().filter(x -> x != p).limit(2).toList();
    for (SimReplica x : emptied) {
      network.partition(p.name(), x.name());
      x.crash();
      x.wipe();
      scheduler.after(300, () -> restart(x));
      scheduler.after(3_000, () -> network.heal(p.name(), x.name()));
    }
    log(
        scheduler.now(),
        "wipe "
            + emptied.get(0).name()
            + " and "
            + emptied.get(1).name()
            + ", cut off from "
            + p.name()
            + " for 3000; stop "
            + p.name()
            + " to return at another address");
    operator.onceLosesPrimaryRoleTo(
        p.name(), () -> log(scheduler.now(), "the Primary role to " + p.name() + " is lost"));
    p.crash();
    scheduler.after(
        300,
        () -> {
          log(scheduler.now(), p.name() + " returns at " + addresses.assign(p.name(), null));
          restart(p);
        });
    return healSettleAndJudge();
  }

  /** A three-replica schedule of the fixed membership for {@link #runRecopyFromReusedAddress}. */
  static ShardSimulation forRecopyFromReusedAddress(long seed, Rulebook rules) {
    return new ShardSimulation(seed, 3, rules, Membership.FIXED);
  }

  /**
   * Pods that return at new addresses, or at the address of a pod that is down (issue 24): in one
   * schedule in four (every one when {@code always}), one to three moves, drawn from a third {@code
   * Random} of the seed so the other faults stay as they were.
   */
  private void drawPodMoves(int most, boolean always) {
    Random a = new Random(seed * 0x9E3779B97F4A7C15L + 27);
    if (always || a.nextInt(4) == 0) {
      for (int i = 1 + a.nextInt(3); i > 0; i--) {
        podMoves.add(
            new long[] {
              2_500 + a.nextInt(11_000), a.nextInt(most), a.nextInt(2), 300 + a.nextInt(3_000)
            });
      }
    }
  }

  /** A five-replica schedule of the fixed membership for {@link #runReusedAddress}. */
  static ShardSimulation forReusedAddress(long seed, Rulebook rules) {
    return new ShardSimulation(seed, 5, rules, Membership.FIXED);
  }

  /** A schedule of the fixed membership in which pods always move to other addresses. */
  static ShardSimulation withPodMoves(long seed, int replicaCount, Rulebook rules) {
    ShardSimulation s = new ShardSimulation(seed, replicaCount, rules, Membership.FIXED);
    s.drawPodMoves(replicaCount, true);
    return s;
  }

  /** How many moved pods returned at the address of another pod (counted as they happen). */
  private int reusedAddresses;

  int reusedAddresses() {
    return reusedAddresses;
  }

  /** How many pod moves the schedule has. */
  int podMoves() {
    return podMoves.size();
  }

  /**
   * The pod of {@code ordinal} stops and comes back {@code downtime} later at another address: with
   * {@code reuse}, the address of a pod that is down at that moment (whose listing still shows it:
   * the operator may call that pod there, and a primary told that pod's address reaches this one),
   * else a new one.
   */
  private void movePod(int ordinal, boolean reuse, long downtime) {
    if (ordinal >= live.size()) {
      return;
    }
    SimReplica v = replicas.get(ordinal);
    log(scheduler.now(), "stop " + v.name() + " to return at another address after " + downtime);
    v.crash();
    scheduler.after(
        downtime,
        () -> {
          if (network.liveness(v.name()) != Network.Liveness.DOWN) {
            return; // restarted meanwhile (another fault's restart): it kept its address
          }
          String at = null;
          if (reuse) {
            for (SimReplica w : replicas) {
              if (w != v
                  && network.liveness(w.name()) == Network.Liveness.DOWN
                  && addresses.servesItsOwn(w.name())) {
                at = addresses.of(w.name());
                log(
                    scheduler.now(),
                    v.name() + " returns at " + at + ", the address of " + w.name());
                break;
              }
            }
          }
          if (at != null) {
            reusedAddresses++;
          }
          String a = addresses.assign(v.name(), at);
          if (at == null) {
            log(scheduler.now(), v.name() + " returns at " + a);
          }
          restart(v);
        });
  }

  /** {@code returning} starts again at the address {@code owner} had (a pod IP given again). */
  private void returnAtAddressOf(SimReplica returning, SimReplica owner) {
    String at = addresses.of(owner.name());
    addresses.assign(returning.name(), at);
    reusedAddresses++;
    log(
        scheduler.now(),
        returning.name() + " returns at " + at + ", the address of " + owner.name());
    restart(returning);
  }

  private void restart(SimReplica v) {
    if (live.contains(v.name())) {
      v.start();
    }
  }

  /**
   * The StatefulSet controller (podManagementPolicy Parallel): removes the pods past {@code size}
   * at once (stopped; their volume deleted unless the schedule keeps the claims, the StatefulSet's
   * default) and creates the missing ones, which start 300 ms later on a new empty volume or their
   * kept claim.
   */
  private void scale(int size) {
    while (live.size() > size) {
      SimReplica gone = replicas.get(live.size() - 1);
      live.remove(live.size() - 1);
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
    while (live.size() < size) {
      SimReplica fresh = replicas.get(live.size());
      live.add(fresh.name());
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
            if (live.contains(fresh.name())
                && network.liveness(fresh.name()) == Network.Liveness.DOWN) {
              fresh.start();
            }
          });
    }
  }

  /**
   * The mutation of review 2026-11-26 #4's primary side ({@link SimReplica#hidesEndedTerm}): a
   * primary whose term ended reports no quorum state. Before {@link #run}.
   */
  ShardSimulation hidingEndedTerms() {
    replicas.forEach(rep -> rep.hidesEndedTerm = true);
    return this;
  }

  /**
   * How many primary terms ended for good and were reported so ({@code WriteCoordinator.abandon}:
   * storage held entries the term could not explain), summed over the replicas.
   */
  long termsEnded() {
    return replicas.stream().mapToLong(SimReplica::termsEnded).sum();
  }

  /** Fences that reached a replica while its re-copy was streaming (the copy takes time). */
  long fencesMidCopy() {
    return network.fencesMidCopy();
  }

  /** Chunks of re-copy snapshot streams that took simulated time to arrive. */
  long copyChunks() {
    return network.copyChunks;
  }

  /** Whether this schedule changes the spec's replica count. */
  boolean changesMembership() {
    return !resizes.isEmpty();
  }

  private void healEverything() {
    faults.healEverything();
  }

  private void log(long now, String what) {
    faultLog.add("t=" + now + " " + what);
  }

  /**
   * How every scripted schedule begins: the replicas and the operator start, the clients start at
   * t=2 s, and the schedule takes over at t=4 s.
   */
  private void scriptedStart() {
    pods().forEach(SimReplica::start);
    operator.start();
    scheduler.runUntil(2_000);
    clients.forEach(SimClient::start);
    scheduler.runUntil(4_000);
  }

  /**
   * How every schedule ends: faults until {@code FAULTY}, then everything healed, no new writes, a
   * settling period, and the checkers' verdict.
   */
  private Result healSettleAndJudge() {
    scheduler.runUntil(FAULTY);
    healEverything();
    clients.forEach(SimClient::stopWriting);
    scheduler.runUntil(FAULTY + SETTLE);
    probeLiveness();
    return judge();
  }

  /** How long the liveness probe writes after the shard settled, and the settle after it (ms). */
  static final long PROBE = 3_000;

  /** A client that writes only once everything healed and the shard settled. */
  private SimClient probe;

  /**
   * The promise's liveness: once every fault healed and the shard settled, it takes writes again. A
   * client behind its own router inserts new keys for {@link #PROBE} ms, then stops; the shard gets
   * {@link #PROBE} ms more to settle before the checkers judge (the probe's writes are part of the
   * history like any other).
   */
  private void probeLiveness() {
    probe =
        new SimClient(
            "probe", scheduler, network, operator::primary, 150, history, PROBE_KEYS, live);
    probe.insertsOnly();
    probe.start();
    scheduler.runUntil(scheduler.now() + PROBE);
    probe.stopWriting();
    scheduler.runUntil(scheduler.now() + PROBE);
  }

  /** The probe's keys: past every other client's. */
  static final long PROBE_KEYS = 9_000_000L;

  /** What the liveness probe saw, as a violation (none when it got a write acknowledged). */
  private List<String> livenessViolations() {
    if (probe == null) {
      return List.of();
    }
    long sent = 0;
    long acked = 0;
    for (History.Write w : history.writes()) {
      if (w.key() >= PROBE_KEYS) {
        sent++;
        if (w.outcome() == History.Outcome.OK) {
          acked++;
        }
      }
    }
    if (acked > 0 && probe.idle()) {
      return List.of();
    }
    return List.of(
        "liveness: after every fault healed and the shard settled, it acknowledged "
            + acked
            + " of the probe's "
            + sent
            + " writes in "
            + PROBE
            + " ms"
            + (probe.idle() ? "" : " and left one unanswered")
            + " (recorded primary: "
            + operator.primary()
            + ")");
  }
}
