package io.shardeddb.simulation;

import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ReplicaStore;
import io.shardeddb.shardserver.replication.SnapshotHeader;
import io.shardeddb.shardserver.replication.SnapshotStream;
import io.shardeddb.shardserver.replication.rules.EpochRules;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.BatchPlanner;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.shardserver.replication.write.LogOps;
import io.shardeddb.shardserver.replication.write.StorageOp;
import io.shardeddb.shardserver.replication.write.WriteStorage;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.StorageException;
import io.shardeddb.shardserver.storage.UserTable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * What survives a crash: config, epochs and vote, role, log, rows, request ids, copy state. The
 * production replica's {@link ReplicaStore} (a group commit is one simulated transaction, with the
 * seeded {@link StorageFaults}) and the planner's {@link WriteStorage}.
 *
 * <p>Why this file is over 450 lines: it is one simulated MySQL under one replica — every {@code
 * ReplicaStore} and {@code WriteStorage} call (group commit, replay, copy, position read-back,
 * commit times) and the storage faults that act inside them (a COMMIT that lands late, a lost
 * replay reply) share its log, rows and request ids; splitting it would pass that state between
 * files. Issue 47's one simulated world is to give storage transactions and row locks of their own
 * (docs/safety.md).
 */
final class SimDisk implements WriteStorage, ReplicaStore {
  /** The database server's faults (set when the replica boots; none by default). */
  StorageFaults faults = new StorageFaults(() -> 0);

  boolean configured = true;

  /**
   * The shard's config as persisted with the log: what it owns changes with each range entry
   * (fence, adopt) committed or replayed here, as the shard-server's metadata row does.
   */
  ShardConfig config = SimStorage.CONFIG;

  /** Lost its volume and has not re-copied since: holds nothing it acknowledged before. */
  boolean empty;

  long epoch;
  long voteEpoch;
  String vote;
  boolean primary;
  boolean secondary;
  String primaryName;

  /** The address of each replica the persisted role named. */
  java.util.Map<String, String> roleUrls = java.util.Map.of();

  /** The peers the persisted role named (none before the first role, as a new volume's row). */
  List<Peer> rolePeers = List.of();

  int replicas;
  final TreeMap<Long, LogEntry> log = new TreeMap<>();
  long baseLsn;
  long baseEpoch;

  /** The commit time of the base entry (a re-copy's snapshot LSN), 0 when not known. */
  long baseCommitMillis;

  final Map<Long, Integer> rows = new TreeMap<>();

  /** Each row's value column (the same keys as {@link #rows}). */
  final Map<Long, Long> values = new TreeMap<>();

  final Map<String, Long> rids = new HashMap<>();

  /** The outcomes of refused changes (404) the primary recorded with their request ids (rule 8). */
  final Map<String, RequestOutcome> refusals = new HashMap<>();

  boolean copying;

  long lastLsn() {
    return log.isEmpty() ? baseLsn : log.lastKey();
  }

  long lastEntryEpoch() {
    return log.isEmpty() ? baseEpoch : log.lastEntry().getValue().epoch();
  }

  /**
   * A secondary's replay of a replicated entry: what it does to the rows is the shard-server's one
   * definition ({@link LogOps#replay}), run on this disk ({@link #execute}).
   */
  void apply(LogEntry e) {
    LogOps.Replay replay = LogOps.replayAll(List.of(e), config);
    replay.ops().forEach(this::execute);
    config = replay.config();
    log.put(e.lsn(), e);
    replay.outcomes().forEach(o -> rids.put(o.requestId(), o.lsn()));
  }

  /**
   * One storage operation on the in-memory rows. Each write of a row counts one application (an
   * insert or upsert of a held key counts twice: the checker's "applied twice").
   */
  void execute(StorageOp op) {
    if (defersDdl && (op instanceof StorageOp.CreateTable || op instanceof StorageOp.DropTable)) {
      deferred.add(op);
      return;
    }
    run(op);
    if (!deferred.isEmpty()) {
      List<StorageOp> late = List.copyOf(deferred);
      deferred.clear();
      late.forEach(this::run);
    }
  }

  private void run(StorageOp op) {
    String table = nameOf(op.tableOrFirst());
    Map<Object, Integer> rows = rowsOf(table);
    Map<Object, Long> values = valuesOf(table);
    switch (op) {
      case StorageOp.Insert in -> in.rows().forEach(r -> write(table, r));
      case StorageOp.Upsert up -> up.rows().forEach(r -> write(table, r));
      case StorageOp.Update u -> {
        Object key = ShardKeys.normalize(u.key());
        if (rows.containsKey(key) && SimStorage.setsValue(u.values())) {
          values.put(key, SimStorage.value(u.values()));
        }
      }
      case StorageOp.Delete d -> {
        Object key = ShardKeys.normalize(d.key());
        rows.remove(key);
        values.remove(key);
      }
      case StorageOp.DeletePoints dp -> {
        Map<Object, Integer> of = rowsOf(nameOf(dp.table()));
        of.keySet().removeIf(k -> dp.range().contains(dp.pointsBy().point(k)));
        valuesOf(nameOf(dp.table())).keySet().retainAll(of.keySet());
      }
      case StorageOp.AlterTable alter -> {
        // The simulated table holds a key and a value: a schema change only moves the version.
        schemaChanges++;
      }
      case StorageOp.CreateTable create -> {
        tables.add(nameOf(create.schema()));
        schemaChanges++;
      }
      case StorageOp.DropTable drop -> {
        tables.remove(nameOf(drop.schema()));
        otherRows.remove(nameOf(drop.schema()));
        otherValues.remove(nameOf(drop.schema()));
        schemaChanges++;
      }
    }
  }

  /**
   * A mutation (issue 46): storage runs a table's creation or drop only after the storage operation
   * that follows it — a DDL applied out of log order, after writes the log puts after it.
   */
  boolean defersDdl;

  /**
   * A mutation (issue 46): a move's export (a range snapshot) holds the first table's rows only, as
   * a snapshot that reads one table would.
   */
  boolean exportsFirstTableOnly;

  /** The DDL {@link #defersDdl} holds back, run after the next operation. */
  private final List<StorageOp> deferred = new ArrayList<>();

  /**
   * The rows of the database's other tables (issue 46), by lower-case table name: how many times
   * each key was written, as {@link #rows} for the first table. Keyed by key value ({@link
   * ShardKeys}: a Long, or a String compared exactly and in code-point order, as the key column's
   * {@code utf8mb4_nopad_bin} collation: 'a' and 'a ' are two keys, 'USER' and 'user' too; a
   * composite key's tuple compared value by value, as {@code PRIMARY KEY (c1, c2)} orders rows).
   */
  final Map<String, Map<Object, Integer>> otherRows = new TreeMap<>();

  /** Each other table's value column, as {@link #values} for the first table. */
  final Map<String, Map<Object, Long>> otherValues = new TreeMap<>();

  /** The rows of table {@code table} (lower-case; null: the first, whose keys are Longs). */
  @SuppressWarnings("unchecked")
  Map<Object, Integer> rowsOf(String table) {
    return table == null
        ? (Map<Object, Integer>) (Map<?, Integer>) rows
        : otherRows.computeIfAbsent(table, t -> new TreeMap<>(ShardKeys.ORDER));
  }

  /** The values of table {@code table} (lower-case; null: the first, whose keys are Longs). */
  @SuppressWarnings("unchecked")
  Map<Object, Long> valuesOf(String table) {
    return table == null
        ? (Map<Object, Long>) (Map<?, Long>) values
        : otherValues.computeIfAbsent(table, t -> new TreeMap<>(ShardKeys.ORDER));
  }

  /** A table's name as this disk keys it: lower case; null for the first (or no) table. */
  private static String nameOf(io.shardeddb.protocol.schema.TableSchema t) {
    return t == null ? null : t.table().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The other tables storage holds (lower-case names): what the Schema entries it applied created
   * and dropped, or what a config it adopted named ({@link #syncTables}) — storage's view, which
   * must always equal the config's.
   */
  final java.util.Set<String> tables = new java.util.TreeSet<>();

  /**
   * Storage made to hold {@code config}'s other tables, as the shard-server's {@code
   * ShardStore.syncTables} does when a replica adopts a config (a re-copy's snapshot).
   */
  void syncTables(ShardConfig config) {
    tables.clear();
    config.otherTables().forEach(t -> tables.add(nameOf(t)));
    otherRows.keySet().retainAll(tables);
    otherValues.keySet().retainAll(tables);
  }

  /** How many Schema entries this disk applied (storage's view; the config holds the version). */
  int schemaChanges;

  private void write(String table, Map<String, Object> row) {
    Object key = SimStorage.keyValue(row);
    rowsOf(table).merge(key, 1, Integer::sum);
    valuesOf(table).put(key, SimStorage.value(row));
  }

  /**
   * Commits a primary's plan: its storage operations, its log entries and its request outcomes, all
   * at once (a simulated transaction), only while this disk still says Primary at {@code epoch}
   * (rule 6's re-check).
   */
  @Override
  public long[] commit(BatchPlan plan, long termEpoch) throws SQLException {
    landLateCommit();
    faults.statement();
    faults.beforeCommit();
    if (landsLate != null
        && plan.entries().size() == 1
        && plan.entries().get(0).op() != Operation.Noop) {
      // The connection fails after the database received the COMMIT; the transaction goes on.
      lateCommit = plan;
      lateCommitEpoch = termEpoch;
      throw new SQLException(
          "Communications link failure (the COMMIT is still running on the server)", "08S01");
    }
    if (diesMidCommit != null && !plan.ops().isEmpty()) {
      Runnable death = diesMidCommit;
      diesMidCommit = null;
      inFlight = plan;
      inFlightEpoch = termEpoch;
      death.run();
      throw new SQLException(
          "Communications link failure (the process died with its COMMIT in flight)", "08S01");
    }
    return land(plan, termEpoch);
  }

  /**
   * Arms a scripted fault: the next commit that changes rows is cut off by the process's death
   * ({@code death} crashes the replica) after the database received its COMMIT, which the database
   * finishes later: right after the next epoch raised on this disk (a fence of the restarted
   * process), handed to {@code afterFence} to run. With rule 6's re-check that late COMMIT finds
   * the persisted epoch changed and writes nothing (MariaDB: the batch's conditional update of the
   * meta row orders it against the fence's); without it, it lands after the fence was answered.
   */
  void diesMidCommit(Runnable death, java.util.function.Consumer<Runnable> afterFence) {
    this.diesMidCommit = death;
    this.afterFence = afterFence;
  }

  private Runnable diesMidCommit;
  private java.util.function.Consumer<Runnable> afterFence;
  private BatchPlan inFlight;
  private long inFlightEpoch;

  /** Whether the COMMIT cut off by {@link #diesMidCommit} landed (wrote anything). */
  boolean lateCommitLanded;

  /**
   * Arms a scripted fault (review 2026-11-26 #3): the next commit of one entry (not a no-op) loses
   * its connection after the database received its COMMIT, which the database goes on with (a slow
   * fsync): the process hears an error, and its read-back finds nothing yet. The transaction lands
   * when the next commit on this disk begins: that commit was planned at the same LSN, and its
   * insert waited on the landing transaction's row locks (InnoDB), so it then finds the entry there
   * — a duplicate key. {@code landed} hears whether it wrote anything.
   */
  void commitLandsLate(Consumer<Boolean> landed) {
    this.landsLate = landed;
  }

  private Consumer<Boolean> landsLate;
  private BatchPlan lateCommit;
  private long lateCommitEpoch;

  private void landLateCommit() {
    if (lateCommit == null) {
      return;
    }
    BatchPlan late = lateCommit;
    Consumer<Boolean> landed = landsLate;
    lateCommit = null;
    landsLate = null;
    boolean wrote;
    try {
      wrote = land(late, lateCommitEpoch) != null;
    } catch (SQLException e) {
      wrote = false; // an entry at its LSN already: the transaction failed
    }
    landed.accept(wrote);
  }

  private long[] land(BatchPlan plan, long termEpoch) throws SQLException {
    if (!faults.skipsEpochRecheck && (!primary || epoch != termEpoch)) {
      return null;
    }
    for (LogEntry e : plan.entries()) {
      if (log.containsKey(e.lsn()) || e.lsn() <= baseLsn) {
        throw new SQLException("Duplicate entry '" + e.lsn() + "' for key 'PRIMARY'", "23000");
      }
    }
    long[] removed = new long[plan.ops().size()];
    for (int i = 0; i < plan.ops().size(); i++) {
      int before = rows.size();
      execute(plan.ops().get(i));
      removed[i] = Math.max(0, before - rows.size());
    }
    plan.entries().forEach(e -> log.put(e.lsn(), e));
    if (plan.configChanged()) {
      config = plan.configAfter();
    }
    if (!faults.dropsRequestOutcomes) {
      plan.records()
          .forEach(
              o -> {
                if (o.applied()) {
                  rids.put(o.requestId(), o.lsn());
                } else {
                  refusals.put(o.requestId(), o);
                }
              });
    }
    return removed;
  }

  /** The planner's lookup answered from this disk: recorded outcomes and held keys. */
  @Override
  public Known lookUp(BatchPlanner.Lookup lookup) throws SQLException {
    faults.up();
    Map<String, RequestOutcome> outcomes = new HashMap<>();
    for (String rid : lookup.requestIds()) {
      Long lsn = rids.get(rid);
      if (lsn != null) {
        outcomes.put(rid, new RequestOutcome(rid, lsn, RequestOutcome.APPLIED, null));
      } else if (refusals.containsKey(rid)) {
        outcomes.put(rid, refusals.get(rid));
      }
    }
    Set<BatchPlanner.RowKey> present = new HashSet<>();
    lookup.keys().stream()
        .filter(k -> rowsOf(k.table()).containsKey(ShardKeys.normalize(k.key())))
        .forEach(present::add);
    return new Known(outcomes, present);
  }

  @Override
  public long commitMillisAt(long lsn) throws SQLException {
    faults.statement();
    return commitMillisOf(lsn);
  }

  /** The commit time of the entry at {@code lsn}: the log's, or the base's; 0 when neither. */
  private long commitMillisOf(long lsn) {
    LogEntry e = log.get(lsn);
    return e != null ? e.commitMillis() : lsn == baseLsn ? baseCommitMillis : 0;
  }

  @Override
  public GroupCommit.Result groupCommit(
      UserTable table,
      List<ClientChange> changes,
      long termEpoch,
      boolean needNoop,
      long prevLsn,
      LongUnaryOperator commitMillis,
      long lastTimestamp,
      ShardConfig config,
      Consumer<BatchPlan> planned) {
    try {
      GroupCommit.Result r =
          GroupCommit.run(
              this,
              changes,
              termEpoch,
              needNoop,
              prevLsn,
              commitMillis,
              lastTimestamp,
              config,
              table::toWire,
              planned);
      if (r.committed()) {
        faults.committed();
      }
      return r;
    } catch (SQLException e) {
      throw new StorageException("database error: " + e.getMessage(), e);
    }
  }

  @Override
  public ShardStore.StoredPosition recoverPosition() {
    try {
      faults.statement();
    } catch (SQLException e) {
      throw new StorageException("database unavailable: " + e.getMessage(), e);
    }
    String role = primary ? Role.Primary.name() : secondary ? Role.Secondary.name() : "None";
    long max = log.isEmpty() ? 0 : log.lastKey();
    return new ShardStore.StoredPosition(
        lastLsn(), lastEntryEpoch(), epoch, role, copying, max, lastEntryEpoch());
  }

  @Override
  public List<LogEntry> logPage(long fromLsn, int limit) {
    try {
      faults.statement();
    } catch (SQLException e) {
      throw new StorageException("database unavailable: " + e.getMessage(), e);
    }
    return log.tailMap(fromLsn, true).values().stream().limit(limit).toList();
  }

  /** The write quorum of the role last saved (the role row's {@code write_quorum}). */
  WriteQuorum writeQuorum = WriteQuorum.Majority;

  @Override
  public void saveRole(
      long newEpoch,
      Role role,
      Peer primaryPeer,
      List<Peer> peers,
      WriteQuorum quorum,
      int specReplicas,
      String votedFor) {
    requireUp();
    epoch = newEpoch;
    primary = role == Role.Primary;
    secondary = role == Role.Secondary;
    primaryName = primaryPeer == null ? null : primaryPeer.name();
    // The addresses the role named persist with it (as the shard-server's role row keeps them).
    java.util.Map<String, String> urls = new java.util.HashMap<>();
    if (primaryPeer != null) {
      urls.put(primaryPeer.name(), primaryPeer.url());
    }
    if (peers != null) {
      peers.forEach(p -> urls.put(p.name(), p.url()));
    }
    roleUrls = java.util.Map.copyOf(urls);
    rolePeers = peers == null ? List.of() : List.copyOf(peers);
    replicas = specReplicas;
    writeQuorum = quorum == null ? WriteQuorum.Majority : quorum;
    if (votedFor != null) {
      voteEpoch = newEpoch;
      vote = votedFor;
    }
    if (inFlight != null && newEpoch > inFlightEpoch) {
      BatchPlan late = inFlight;
      long lateEpoch = inFlightEpoch;
      inFlight = null;
      afterFence.accept(
          () -> {
            try {
              lateCommitLanded = land(late, lateEpoch) != null;
            } catch (SQLException duplicate) {
              lateCommitLanded = false; // an entry at its LSN already: the transaction failed
            }
          });
    }
  }

  EpochRules.Epochs epochs() {
    return new EpochRules.Epochs(epoch, voteEpoch, vote);
  }

  @Override
  public Optional<Long> epochAt(long lsn) {
    requireUp();
    LogEntry e = log.get(lsn);
    return e == null ? Optional.empty() : Optional.of(e.epoch());
  }

  @Override
  public ShardConfig applyReplicated(UserTable table, List<LogEntry> entries, ShardConfig config) {
    if (!entries.isEmpty()) {
      try {
        faults.beforeCommit();
      } catch (SQLException e) {
        throw new StorageException("database error: " + e.getMessage(), e);
      }
    }
    for (LogEntry e : entries) {
      if (log.containsKey(e.lsn()) || e.lsn() <= baseLsn) {
        // MariaDB's duplicate key on replication_log: the transaction applies nothing.
        throw new StorageException(
            "database error: Duplicate entry '" + e.lsn() + "' for key 'PRIMARY'", null);
      }
    }
    for (LogEntry e : entries) {
      apply(e);
    }
    if (lastLsn() > 0 && baseLsn == 0 && log.firstKey() == 1) {
      // Holds the whole history again: what it acknowledges from now on, it holds.
      empty = false;
    }
    if (replayReplyLost != null && !entries.isEmpty()) {
      Runnable lost = replayReplyLost;
      replayReplyLost = null;
      lost.run();
      throw new StorageException(
          "database error: Communications link failure (the replay committed, its reply was lost)",
          null);
    }
    if (!entries.isEmpty()) {
      try {
        faults.landedBeforeRestart();
      } catch (SQLException e) {
        throw new StorageException("database error: " + e.getMessage(), e);
      }
    }
    return this.config.equals(config) ? config : this.config;
  }

  /**
   * Arms a scripted fault (review 2026-11-26 #4): the next replay on this disk (a secondary's)
   * commits and its reply is lost, as when the mysql container restarts under a live shard-server.
   */
  void losesNextReplayReply(Runnable lost) {
    this.replayReplyLost = lost;
  }

  private Runnable replayReplyLost;

  /**
   * {@code ShardStore.trimLog}: the log's entries through {@code lsn} (which must be held) and the
   * request outcomes recorded with them are deleted, and {@code lsn} becomes the log's base;
   * answers the base entry's epoch.
   */
  long trimLog(long lsn) {
    requireUp();
    LogEntry base = log.get(lsn);
    if (base == null) {
      throw new IllegalStateException("lsn " + lsn + " is not held");
    }
    log.headMap(lsn, true).clear();
    rids.values().removeIf(at -> at <= lsn);
    refusals.values().removeIf(o -> o.lsn() <= lsn);
    baseLsn = lsn;
    baseEpoch = base.epoch();
    baseCommitMillis = base.commitMillis();
    return base.epoch();
  }

  /**
   * Every call of storage outside the group commit's statements fails while the database server
   * restarts ({@link StorageFaults#restart}), as the shard-server's JDBC calls do.
   */
  void requireUp() {
    try {
      faults.up();
    } catch (SQLException e) {
      throw new StorageException("database unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public void beginCopy(UserTable table) {
    requireUp();
    copying = true;
    log.clear();
    rows.clear();
    values.clear();
    otherRows.values().forEach(Map::clear);
    otherValues.values().forEach(Map::clear);
    rids.clear();
    refusals.clear();
    baseLsn = 0;
    baseEpoch = 0;
    baseCommitMillis = 0;
  }

  @Override
  public void loadChunk(UserTable table, List<Map<String, Object>> chunk) {
    requireUp();
    for (Map<String, Object> r : chunk) {
      String name = io.shardeddb.protocol.shard.RowTables.of(r);
      write(name == null ? null : name.toLowerCase(java.util.Locale.ROOT), r);
    }
  }

  @Override
  public void loadOutcomes(List<RequestOutcome> outcomes) {
    requireUp();
    outcomes.stream()
        .filter(RequestOutcome::applied)
        .forEach(o -> rids.put(o.requestId(), o.lsn()));
  }

  @Override
  public void finishCopy(long lsn, long entryEpoch, long commitMillis) {
    requireUp();
    baseLsn = lsn;
    baseEpoch = entryEpoch;
    baseCommitMillis = commitMillis;
    copying = false;
    empty = false;
  }

  @Override
  public Set<String> recordedAmong(java.util.Collection<String> requestIds) {
    requireUp();
    Set<String> out = new HashSet<>();
    for (String rid : requestIds) {
      if (rids.containsKey(rid) || refusals.containsKey(rid)) {
        out.add(rid);
      }
    }
    return out;
  }

  /**
   * A consistent snapshot of this disk at its position, as {@code ShardStore.openSnapshot} reads
   * one: the whole table with its request outcomes (a re-copy, {@code range} null), or the rows of
   * {@code range} only (a move's export, no outcomes), under {@code config}'s header.
   */
  SnapshotStream snapshot(io.shardeddb.protocol.topology.PointRange range, ShardConfig config) {
    // The first table's rows in key order, then each other table's (issue 46), tagged.
    List<Map<String, Object>> kept = new ArrayList<>();
    values.entrySet().stream()
        .filter(e -> range == null || range.contains(config.pointsBy().point(e.getKey())))
        .forEach(e -> kept.add(SimStorage.row(e.getKey(), e.getValue())));
    for (io.shardeddb.protocol.schema.TableSchema t :
        exportsFirstTableOnly && range != null
            ? List.<io.shardeddb.protocol.schema.TableSchema>of()
            : config.otherTables()) {
      valuesOf(nameOf(t)).entrySet().stream()
          .filter(e -> range == null || range.contains(config.pointsBy().point(e.getKey())))
          .forEach(
              e ->
                  kept.add(
                      io.shardeddb.protocol.shard.RowTables.with(
                          SimStorage.row(t.table(), e.getKey(), e.getValue()), t.table())));
    }
    List<Map.Entry<String, Long>> outcomes =
        range == null ? List.copyOf(rids.entrySet()) : List.of();
    SnapshotHeader header =
        new SnapshotHeader(
            lastLsn(),
            lastEntryEpoch(),
            kept.size(),
            config,
            outcomes.size(),
            commitMillisOf(lastLsn()),
            0);
    java.util.Iterator<Map<String, Object>> keys = kept.iterator();
    java.util.Iterator<Map.Entry<String, Long>> ids = outcomes.iterator();
    return new SnapshotStream() {
      @Override
      public SnapshotHeader header() {
        return header;
      }

      @Override
      public Map<String, Object> nextRow() {
        return keys.hasNext() ? keys.next() : null;
      }

      @Override
      public RequestOutcome nextOutcome() {
        if (!ids.hasNext()) {
          return null;
        }
        Map.Entry<String, Long> e = ids.next();
        return new RequestOutcome(e.getKey(), e.getValue(), RequestOutcome.APPLIED, null);
      }

      @Override
      public void close() {}
    };
  }
}
