package io.shardeddb.shardserver.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ContractBodies;
import io.shardeddb.protocol.lb.KeyBounds;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardExplainResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.ReadGuards;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.storage.FilterClause;
import io.shardeddb.shardserver.storage.ReadPaging;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.StatementDeadline;
import io.shardeddb.shardserver.storage.StorageException;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one implementation of a {@code /read}, shared by {@code POST /read} and every item of {@code
 * POST /read/batch}: {@link #plan} validates the body and passes the guards (the primary's lease,
 * the session's entry, waiting for an LSN; rule 9), {@link #run} answers one planned read, {@link
 * #runPoints} answers many single-key reads with one query.
 */
@Singleton
class ReadRequests {
  /**
   * A validated read whose guards have passed: its key bounds (a String key's may be open on either
   * side), whether it asked for {@code "consistency":"primary"} (or {@code bounded}, served here as
   * the primary), the bound of a {@code bounded} read a secondary serves (null: none), its filter
   * (null: none), whether it counts, its page size, the deadline its SQL runs within ({@link
   * ShardEndpoints#TIMEOUT_FIELD}, counted from when the read was planned; {@link
   * StatementDeadline#none()} without one), and whether its rows carry their global timestamps
   * ({@link RowTimestamps#READ_FIELD}), and the table it reads (its {@code table} field; the
   * database's first when absent).
   */
  record Plan(
      TableSchema table,
      boolean other,
      KeyBounds range,
      boolean primary,
      Long boundedMs,
      FilterClause filter,
      boolean count,
      int pageRows,
      StatementDeadline deadline,
      boolean stamped) {
    /**
     * One key of the database's first table, no filter, no count: at most one row, so many of them
     * can share one query ({@link #runPoints} reads the first table only).
     */
    boolean isPoint() {
      return range.isPoint() && filter == null && !count && !other;
    }

    /** The table to read: the replica's own for the first, else one built from the schema. */
    UserTable tableIn(ReplicaContext ctx) {
      return other ? new UserTable(table) : ctx.requireTable();
    }
  }

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final WriteCoordinator coordinator;
  private final ReplicationSettings settings;
  private final long pageBytes;
  private final MeterRegistry registry;
  private final ReadGuards guards;
  private final Map<String, Counter> rowsRead = new ConcurrentHashMap<>();
  private final Map<String, Counter> counted = new ConcurrentHashMap<>();

  ReadRequests(
      ReplicaContext ctx,
      ShardStore store,
      WriteCoordinator coordinator,
      ReplicationSettings settings,
      @Value("${shardeddb.read.page-bytes:" + ReadPaging.DEFAULT_PAGE_BYTES + "}") long pageBytes,
      MeterRegistry registry,
      ReadGuards guards) {
    this.ctx = ctx;
    this.store = store;
    this.coordinator = coordinator;
    this.settings = settings;
    this.pageBytes = pageBytes;
    this.registry = registry;
    this.guards = guards;
  }

  /**
   * Validates one {@code /read} body (shard, range, session fields, filter, count, limit) and
   * passes its guards, in the order {@code /read} always had: the lease for {@code primary}, then
   * the session's entry or the {@code minLsn} wait. Throws the error {@code /read} answers.
   */
  Plan plan(ShardConfig config, Map<String, Object> body) {
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    return planChecked(config, body);
  }

  /** {@link #plan} after the shard id was checked (so {@code /read} keeps its error order). */
  Plan planChecked(ShardConfig config, Map<String, Object> body) {
    TableSchema schema = RequestFields.table(config, body);
    KeyBounds range = ContractBodies.bounds(body, schema);
    Long timeoutMs = RequestFields.timeoutMs(body);
    StatementDeadline deadline =
        timeoutMs == null ? StatementDeadline.none() : StatementDeadline.in(timeoutMs);
    Long minLsn = RequestFields.minLsn(body);
    Long minEpoch = RequestFields.minEpoch(body);
    boolean primary = RequestFields.primaryConsistency(body);
    Long boundedMs = RequestFields.boundedStalenessMs(body);
    if (boundedMs != null && ctx.view().role() == Role.Primary) {
      // A bounded read the primary serves is a primary read: its lease and read index.
      primary = true;
      boundedMs = null;
    }
    if (primary) {
      requireLease();
    }
    if (boundedMs != null) {
      guards.requireBounded(boundedMs);
    }
    if (minEpoch != null) {
      if (minLsn == null) {
        throw new InvalidRequestException("field 'minEpoch' needs 'minLsn' (the session's entry)");
      }
      requireSessionEntry(minEpoch, minLsn);
    } else if (minLsn != null) {
      awaitLsn(minLsn);
    } else if (RequestFields.sessionConsistency(body)) {
      // A session with no entry for this shard may still hold writes a move brought here (its
      // token names the shard they were acknowledged on): only a replica in sync with the primary
      // — which holds every entry up to the adopt that made the range its own — may serve it.
      guards.requireInSyncForSession();
    }
    LogPosition floor = RequestFields.floor(body);
    if (floor != null && RequestFields.sessionConsistency(body)) {
      // Whatever the token names: the shard's last adopt (a range that moved away and back).
      waitFor(floor.lsn());
      guards.requireFloor(floor);
    }
    ReadFilter filter = ReadFilter.fromWire(body.get("filter"));
    FilterClause userWhere = filter == null ? null : FilterClause.of(schema, filter);
    boolean count = RequestFields.count(body);
    int pageRows =
        ReadPaging.rowsPerPage(
            schema, pageBytes, ReadPaging.DEFAULT_PAGE_ROWS, RequestFields.limit(body));
    return new Plan(
        schema,
        schema != config.schema(),
        range,
        primary,
        boundedMs,
        userWhere,
        count,
        pageRows,
        deadline,
        RequestFields.timestamps(body));
  }

  /**
   * Checks the lease again for a planned {@code primary} read that did not run at once (a batch
   * plans every item first), and the bound of a {@code bounded} one: they must hold when the rows
   * are read, not only when planned.
   */
  void recheck(Plan plan) {
    if (plan.primary()) {
      requireLease();
    }
    if (plan.boundedMs() != null) {
      guards.requireBounded(plan.boundedMs());
    }
  }

  /** Answers one planned read: its rows (one page) or its count. */
  ShardReadResponse run(ShardConfig config, Plan p) {
    ReplicaContext.View v = ctx.view();
    UserTable table = p.tableIn(ctx);
    String filtered = p.filter() == null ? "none" : "pushed";
    // Rows the shard still stores but no longer owns (fenced, not yet purged) are never returned:
    // under Range the owned key ranges go into the SQL, under Hash each row's point is checked.
    List<PointRange> owned = ctx.config().ownedRanges();
    Sharding sharding = config.pointsBy();
    boolean byHash = owned != null && sharding == Sharding.Hash;
    FilterClause where = where(config, table, p);
    KeyBounds range = p.range();
    StatementDeadline deadline = p.deadline();
    if (p.count()) {
      long n =
          byHash
              ? read(p, c -> table.keys(c, range.low(), range.high(), where, deadline)).stream()
                  .filter(k -> PointRange.anyContains(owned, sharding.point(k)))
                  .count()
              : read(p, c -> table.count(c, range.low(), range.high(), where, deadline));
      awaitReadIndex(p);
      counted.computeIfAbsent(filtered, this::countedCounter).increment();
      return new ShardReadResponse(
          List.of(),
          MessageResponse.SUCCESS,
          v.appliedLsn(),
          v.appliedLsn(),
          v.lastEntryEpoch(),
          null,
          n);
    }
    int pageRows = p.pageRows();
    // One row past the page tells whether the range goes on, and where.
    List<Map<String, Object>> rows =
        read(
            p,
            c ->
                table.range(
                    c, range.low(), range.high(), where, pageRows + 1, deadline, p.stamped()));
    Object next = null;
    if (rows.size() > pageRows) {
      // The whole key (a composite key's tuple): a page may end inside one shard key's rows.
      next = p.table().keyOf(rows.get(pageRows));
      rows = rows.subList(0, pageRows);
    }
    if (byHash) {
      // A page may come out short; `next` still says where the key range goes on.
      rows = ownedOnly(config, p.table().shardKey(), owned, rows);
    }
    awaitReadIndex(p);
    rowsRead.computeIfAbsent(filtered, this::rowsCounter).increment(rows.size());
    return new ShardReadResponse(
        rows, MessageResponse.SUCCESS, v.appliedLsn(), v.appliedLsn(), v.lastEntryEpoch(), next);
  }

  /**
   * The condition a planned read's SQL has besides its key range: its filter, and under {@code
   * Range} sharding the key ranges this shard owns (rows it still stores but no longer owns are
   * never returned).
   */
  private FilterClause where(ShardConfig config, UserTable table, Plan p) {
    List<PointRange> owned = ctx.config().ownedRanges();
    return owned != null && config.pointsBy() == Sharding.Range
        ? table.keyIn(owned, p.filter())
        : p.filter();
  }

  /**
   * MariaDB's {@code EXPLAIN} of the SELECT {@link #run} would run for {@code p} — the same
   * statement ({@link UserTable#rangeQuery} or {@link UserTable#countQuery}) with the same values
   * bound — and that statement's text. Reads no rows.
   */
  ShardExplainResponse explain(ShardConfig config, Plan p) {
    UserTable table = p.tableIn(ctx);
    FilterClause where = where(config, table, p);
    KeyBounds range = p.range();
    UserTable.Query q =
        p.count()
            ? table.countQuery(range.low(), range.high(), where)
            : table.rangeQuery(range.low(), range.high(), where, p.pageRows() + 1, p.stamped());
    List<Map<String, Object>> plan = read(p, c -> UserTable.explain(c, q));
    return new ShardExplainResponse(plan, q.sql(), MessageResponse.SUCCESS);
  }

  /**
   * Runs a planned read's SQL in a read transaction; one of its statements stopped at the plan's
   * deadline answers {@link ShardEndpoints#DEADLINE_PASSED} ({@link StatementDeadline#answerTo}).
   */
  private <T> T read(Plan p, ShardStore.SqlWork<T> work) {
    try {
      return store.read(work);
    } catch (StorageException e) {
      throw p.deadline().answerTo(e);
    }
  }

  /**
   * Answers planned point reads ({@link Plan#isPoint}) with ONE query in one read transaction; each
   * answer is what {@link #run} would give that item alone (a point has at most one row, so never a
   * {@code next}), in the order given. Their deadlines are not applied: one lookup by primary key
   * (a router sends none with point reads).
   */
  List<ShardReadResponse> runPoints(ShardConfig config, List<Plan> points) {
    ReplicaContext.View v = ctx.view();
    UserTable table = ctx.requireTable();
    List<PointRange> owned = ctx.config().ownedRanges();
    Sharding sharding = config.pointsBy();
    FilterClause where =
        owned != null && sharding == Sharding.Range ? table.keyIn(owned, null) : null;
    Set<Object> keys = new LinkedHashSet<>();
    points.forEach(p -> keys.add(p.range().low()));
    boolean stamped = points.stream().anyMatch(Plan::stamped);
    List<Map<String, Object>> found = store.read(c -> table.rowsWithKeys(c, keys, where, stamped));
    if (owned != null && sharding == Sharding.Hash) {
      found = ownedOnly(config, config.schema().shardKey(), owned, found);
    }
    if (points.stream().anyMatch(Plan::primary)) {
      awaitReadIndex(points.get(0));
    }
    Map<Object, Map<String, Object>> byKey = new HashMap<>();
    found.forEach(r -> byKey.put(config.schema().keyOf(r), r));
    Counter rows = rowsRead.computeIfAbsent("none", this::rowsCounter);
    List<ShardReadResponse> out = new ArrayList<>(points.size());
    for (Plan p : points) {
      Map<String, Object> row = byKey.get(p.range().low());
      if (row != null && !p.stamped()) {
        row = RowTimestamps.without(row);
      }
      List<Map<String, Object>> data = row == null ? List.of() : List.of(row);
      rows.increment(data.size());
      out.add(
          new ShardReadResponse(
              data,
              MessageResponse.SUCCESS,
              v.appliedLsn(),
              v.appliedLsn(),
              v.lastEntryEpoch(),
              null));
    }
    return out;
  }

  private static List<Map<String, Object>> ownedOnly(
      ShardConfig config, String keyName, List<PointRange> owned, List<Map<String, Object>> rows) {
    Sharding sharding = config.pointsBy();
    return rows.stream()
        .filter(
            r -> PointRange.anyContains(owned, sharding.point(ShardKeys.normalize(r.get(keyName)))))
        .toList();
  }

  private Counter rowsCounter(String filter) {
    return Counter.builder("shardeddb.read.rows")
        .description("rows /read sent back, by whether a filter was applied in MySQL")
        .tag("filter", filter)
        .register(registry);
  }

  private Counter countedCounter(String filter) {
    return Counter.builder("shardeddb.read.counts")
        .description("/read requests answered with a count instead of rows")
        .tag("filter", filter)
        .register(registry);
  }

  private void requireLease() {
    guards.requireLease();
  }

  /**
   * Rule 9, read index: a {@code primary} read's rows (already read) are answered only once a
   * quorum holds every entry they may show ({@link WriteCoordinator#readIndexLsn}), within {@code
   * min-lsn-wait}; else 503 as a lost lease, and the router retries. A write the primary applied
   * but no quorum acknowledged is never shown: a failover could lose it, and a later read would go
   * back in time.
   */
  private void awaitReadIndex(Plan p) {
    if (p.primary()) {
      awaitReadIndex();
    }
  }

  private void awaitReadIndex() {
    long wait = settings.minLsnWait().toMillis();
    long readLsn = coordinator.readIndexLsn();
    try {
      // The future is bounded by the coordinator's own timer; this bound only guards against it.
      coordinator.awaitReadIndex(readLsn, wait).get(wait + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ShardException se) {
        throw se;
      }
      throw ShardException.unavailable("no read index: " + e.getCause());
    } catch (TimeoutException e) {
      throw ShardException.unavailable(
          "no read index: lsn " + readLsn + " not held by a quorum within " + wait + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("interrupted while waiting for the read index " + readLsn);
    }
  }

  /** Waits up to {@code min-lsn-wait} for the session's entry, then {@link ReadGuards}. */
  private void requireSessionEntry(long minEpoch, long minLsn) {
    try {
      ctx.awaitApplied(minLsn, settings.minLsnWait().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("interrupted while waiting for lsn " + minLsn);
    }
    guards.requireSessionEntry(minEpoch, minLsn);
  }

  private void awaitLsn(long minLsn) {
    waitFor(minLsn);
    guards.requireApplied(minLsn);
  }

  /** Waits up to {@code min-lsn-wait} for this replica to apply {@code lsn}. */
  private void waitFor(long lsn) {
    try {
      ctx.awaitApplied(lsn, settings.minLsnWait().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("interrupted while waiting for lsn " + lsn);
    }
  }
}
