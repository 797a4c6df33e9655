package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.shard.ReadDeadline;
import io.shardeddb.router.shard.ReadTimestamps;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carries out a {@link SqlPlan} with the router's existing operations: INSERT through {@link
 * WritePath#write} (one request per shard, quorum, request ids, failover retry), UPDATE and DELETE
 * as a primary read of the key ranges (to find the matching rows) followed by one {@link
 * WritePath#update}/{@link WritePath#delete} per matching key, and SELECT as {@link ReadPath#read}
 * of each key range followed by {@link ResultShaper}. No SQL text goes anywhere: only the typed
 * values the translator produced.
 *
 * <p>Why this file is over 450 lines: it is the one place where a plan meets the read and write
 * paths, and each statement kind's bounds (the deadline and scan cap of {@link StatementLimits},
 * the row bounds of {@link SqlLimits}, the retries of generated ids) sit beside the call they
 * bound. What is pure lives apart: {@link AutoIds}, {@link Pushdown}, {@link ResultShaper}, {@link
 * WriteAcks}.
 */
@Singleton
public class SqlExecutor {
  /** Beyond this many disjoint key ranges, each shard's ranges are read as one hull. */
  static final int MAX_RANGE_READS = 64;

  /** How many per-row writes of one UPDATE/DELETE are in flight at once. */
  private static final int ROW_WRITE_CONCURRENCY = 8;

  private final ReadPath reads;
  private final WritePath writes;
  private final TopologyHolder topology;
  private final SqlLimits limits;
  private final AutoIds autoIds = new AutoIds();
  private final StatementLimits statementLimits;

  public SqlExecutor(
      ReadPath reads,
      WritePath writes,
      TopologyHolder topology,
      SqlLimits limits,
      StatementLimits statementLimits) {
    this.reads = reads;
    this.writes = writes;
    this.topology = topology;
    this.limits = limits;
    this.statementLimits = statementLimits;
  }

  /** Runs {@code plan} against {@code table}; reads use {@code consistency} and {@code session}. */
  public Mono<QueryResponse> execute(
      RoutingTable table, SqlPlan plan, ReadConsistency consistency, SessionToken session) {
    return switch (plan) {
      case SqlPlan.Insert insert -> insert(table, insert.rows(), 1);
      case SqlPlan.Update update ->
          withinDeadline(update, matchingKeys(table, update.keys(), update.where(), "UPDATE"))
              .flatMap(
                  keys ->
                      perKey(keys, key -> writes.updateAcked(table, key, update.assignments())));
      case SqlPlan.Delete delete ->
          withinDeadline(delete, matchingKeys(table, delete.keys(), delete.where(), "DELETE"))
              .flatMap(keys -> perKey(keys, key -> writes.deleteAcked(table, key)));
      case SqlPlan.Select select ->
          withinDeadline(select, select(table, select, consistency, session));
      case SqlPlan.Join join -> withinDeadline(join, join(table, join, consistency, session));
      case SqlPlan.Explain explain -> withinDeadline(explain, explain(table, explain));
      case SqlPlan.ChangeSchema add ->
          Mono.error(new IllegalStateException("DDL runs through SqlStatements, not the executor"));
      case SqlPlan.CreateTable create ->
          Mono.error(new IllegalStateException("DDL runs through SqlStatements, not the executor"));
      case SqlPlan.DropTable drop ->
          Mono.error(new IllegalStateException("DDL runs through SqlStatements, not the executor"));
    };
  }

  /**
   * Runs {@code plan} inside the open transaction {@code txn} (docs/sql.md, "Transactions"): an
   * INSERT, UPDATE or DELETE reads what it needs from the primaries, sees the transaction's own
   * changes, and adds its changes to {@code txn} (nothing is written until {@link #commit}); a
   * SELECT reads the primaries and sees them too. Reads are bounded as outside a transaction.
   */
  public Mono<QueryResponse> executeIn(RoutingTable table, SqlPlan plan, SqlTransaction txn) {
    TableSchema schema = table.topology().schema();
    String keyName = schema.shardKey();
    return switch (plan) {
      case SqlPlan.Insert insert -> insertIn(table, insert.rows(), txn);
      case SqlPlan.Update update ->
          withinDeadline(
                  update,
                  rowsIn(
                      table,
                      update.keys(),
                      update.where(),
                      "UPDATE",
                      txn,
                      limits.maxRowsPerWrite()))
              .map(
                  rows -> {
                    List<io.shardeddb.protocol.shard.TxnStep> steps = new ArrayList<>();
                    Map<Object, Map<String, Object>> after = new java.util.HashMap<>();
                    for (Map<String, Object> r : rows) {
                      Object key = schema.keyOf(r);
                      Map<String, Object> values =
                          WritePath.checkedValues(schema, key, update.assignments());
                      steps.add(
                          io.shardeddb.protocol.shard.TxnStep.update(key, values)
                              .ofTable(table.tableName()));
                      after.put(key, SqlTransaction.updated(r, values));
                    }
                    return buffered(table, txn, steps, after, null);
                  });
      case SqlPlan.Delete delete ->
          withinDeadline(
                  delete,
                  rowsIn(
                      table,
                      delete.keys(),
                      delete.where(),
                      "DELETE",
                      txn,
                      limits.maxRowsPerWrite()))
              .map(
                  rows ->
                      buffered(
                          table,
                          txn,
                          rows.stream()
                              .map(
                                  r ->
                                      io.shardeddb.protocol.shard.TxnStep.delete(schema.keyOf(r))
                                          .ofTable(table.tableName()))
                              .toList(),
                          Map.of(),
                          null));
      case SqlPlan.Select select ->
          txn.isEmpty()
              ? execute(table, select, ReadConsistency.PRIMARY, SessionToken.empty())
              : withinDeadline(
                  select,
                  rowsIn(
                          table,
                          select.keys(),
                          select.where(),
                          "SELECT",
                          txn,
                          limits.maxResultRows())
                      .map(
                          rows -> {
                            List<Map<String, Object>> shaped = ResultShaper.shape(select, rows);
                            return QueryResponse.selected(
                                select,
                                shaped,
                                txn.shard() == null ? null : txn.shard() + "/primary",
                                null);
                          }));
      case SqlPlan.Join join -> Mono.error(SqlJoins.notInTransactions());
      case SqlPlan.Explain explain -> withinDeadline(explain, explain(table, explain));
      case SqlPlan.ChangeSchema add ->
          Mono.error(new IllegalStateException("DDL runs through SqlStatements, not the executor"));
      case SqlPlan.CreateTable create ->
          Mono.error(new IllegalStateException("DDL runs through SqlStatements, not the executor"));
      case SqlPlan.DropTable drop ->
          Mono.error(new IllegalStateException("DDL runs through SqlStatements, not the executor"));
    };
  }

  /**
   * Commits {@code txn}'s changes as one log entry on its shard's primary ({@link
   * WritePath#txnAcked}). A change that can no longer apply (a row another session deleted, a key
   * another session inserted) refuses the whole transaction: 409, nothing of it written.
   */
  public Mono<QueryResponse> commit(RoutingTable table, SqlTransaction txn) {
    if (txn.isEmpty()) {
      return Mono.just(written(List.of(), 0, null));
    }
    long changed = txn.steps().size();
    return writes
        .txnAcked(table, txn.steps())
        .map(w -> written(List.of(w), changed, null))
        .onErrorMap(
            e ->
                e instanceof ApiException a
                    && (a.status() == 404 || a.status() == 409)
                    && !a.getMessage().startsWith("the transaction was not committed"),
            e ->
                new ApiException(
                    409,
                    "the transaction was not committed: "
                        + e.getMessage()
                        + " (a row it read was changed by another session since); nothing of it"
                        + " was written, run it again"));
  }

  /** An INSERT inside {@code txn}: generated ids first, then each key checked free. */
  private Mono<QueryResponse> insertIn(
      RoutingTable table, List<Map<String, Object>> rows, SqlTransaction txn) {
    TableSchema schema = table.topology().schema();
    String keyName = schema.shardKey();
    List<Integer> missing = AutoIds.rowsWithoutKey(schema, rows);
    Mono<Long> ids =
        missing.isEmpty()
            ? Mono.just(-1L)
            : autoIds.reserve(schema.table(), missing.size(), x -> anyKeyAtOrAbove(table, x));
    return ids.flatMap(
        first -> {
          List<Map<String, Object>> all =
              first < 0 ? rows : AutoIds.withIds(schema, rows, missing, first);
          List<Map<String, Object>> checked = new ArrayList<>();
          Map<Object, Map<String, Object>> after = new java.util.HashMap<>();
          List<Object> unknown = new ArrayList<>();
          for (int i = 0; i < all.size(); i++) {
            Map<String, Object> row;
            try {
              row = WritePath.checkedRow(schema, all.get(i));
            } catch (InvalidRequestException e) {
              throw new InvalidRequestException("row " + (i + 1) + ": " + e.getMessage());
            }
            Object key = schema.keyOf(row);
            Boolean held = txn.holds(table.tableName(), key);
            if (after.put(key, row) != null || Boolean.TRUE.equals(held)) {
              throw new ApiException(
                  409, "Data entry with " + keyName + ":" + key + " already exists");
            }
            if (held == null) {
              unknown.add(key);
            }
            checked.add(row);
          }
          // Keys the transaction did not touch: free on their primary now (MySQL answers a
          // duplicate at the INSERT, not at COMMIT; another session may still take one before
          // the COMMIT, which then refuses the whole transaction).
          return existing(table, unknown)
              .map(
                  held -> {
                    if (!held.isEmpty()) {
                      throw new ApiException(
                          409,
                          "Data entry with " + keyName + ":" + held.get(0) + " already exists");
                    }
                    return buffered(
                        table,
                        txn,
                        checked.stream()
                            .map(
                                r ->
                                    io.shardeddb.protocol.shard.TxnStep.write(r)
                                        .ofTable(table.tableName()))
                            .toList(),
                        after,
                        first < 0 ? null : first);
                  });
        });
  }

  /**
   * Which of {@code keys} have a row on their primary: Number keys read as points; String keys
   * (placed by hash, so every shard is asked) by {@code key IN (..)} pushed down to the shards.
   */
  private Mono<List<Object>> existing(RoutingTable table, List<Object> keys) {
    if (keys.isEmpty()) {
      return Mono.just(List.of());
    }
    TableSchema schema = table.topology().schema();
    String keyName = schema.shardKey();
    KeyRanges ranges = KeyRanges.none();
    Predicate where = new Predicate.Always();
    // A composite key's rows are found by their shard keys and kept by their whole keys below.
    List<Object> shardKeys =
        keys.stream().map(io.shardeddb.protocol.schema.ShardKeys::shardKeyOf).distinct().toList();
    if (schema.hasStringKey()) {
      ranges = KeyRanges.all();
      where = new Predicate.In(keyName, shardKeys, false);
    } else {
      for (Object k : shardKeys) {
        ranges = ranges.union(KeyRanges.point((Long) k));
      }
    }
    java.util.Set<Object> wantedKeys = new java.util.HashSet<>(keys);
    KeyRanges wanted = ranges;
    Predicate matching = where;
    return Mono.defer(
        () -> {
          List<Object> out = new ArrayList<>();
          return readInto(
                  table,
                  wanted,
                  ReadConsistency.PRIMARY,
                  SessionToken.empty(),
                  matching,
                  Pushdown.of(matching, schema),
                  row -> {
                    Object k = schema.keyOf(row);
                    if (wantedKeys.contains(k)) {
                      out.add(k);
                    }
                    return false;
                  })
              .map(read -> out);
        });
  }

  /**
   * The rows in {@code keys} matching {@code where} as {@code txn} sees them (the primaries' rows
   * with its changes over them), at most {@code max} (a 400 naming the limit beyond).
   */
  private Mono<List<Map<String, Object>>> rowsIn(
      RoutingTable table,
      KeyRanges keys,
      Predicate where,
      String what,
      SqlTransaction txn,
      int max) {
    TableSchema schema = table.topology().schema();
    Pushdown.Result push = Pushdown.of(where, schema);
    return Mono.defer(
        () -> {
          List<Map<String, Object>> read = new ArrayList<>();
          int cap = max + txn.steps().size();
          return readInto(
                  table,
                  keys,
                  ReadConsistency.PRIMARY,
                  SessionToken.empty(),
                  where,
                  push,
                  row -> {
                    read.add(row);
                    if (read.size() > cap) {
                      throw tooMany(what, max);
                    }
                    return false;
                  })
              .map(
                  done -> {
                    List<Map<String, Object>> rows =
                        txn.overlay(
                            table.tableName(), read, keys, where, r -> keyOrNull(schema, r));
                    if (rows.size() > max) {
                      throw tooMany(what, max);
                    }
                    return rows;
                  });
        });
  }

  private static InvalidRequestException tooMany(String what, int max) {
    return new InvalidRequestException(
        what
            + " inside a transaction reads at most "
            + max
            + " rows (shardeddb.router.sql.max-rows-per-write for writes, max-result-rows for"
            + " SELECT); narrow the WHERE");
  }

  /**
   * Adds one statement's {@code steps} to {@code txn} (refused whole when they would span shards)
   * and answers how many rows it changed.
   */
  private QueryResponse buffered(
      RoutingTable table,
      SqlTransaction txn,
      List<io.shardeddb.protocol.shard.TxnStep> steps,
      Map<Object, Map<String, Object>> after,
      Long lastInsertId) {
    TableSchema schema = table.topology().schema();
    String keyName = schema.shardKey();
    String shard = null;
    for (io.shardeddb.protocol.shard.TxnStep step : steps) {
      Object key = step.keyIn(schema);
      String owner =
          table
              .shardFor(key)
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "no shard holds " + keyName + " " + key + "; nothing was changed"))
              .id();
      if (shard != null && !shard.equals(owner)) {
        throw new InvalidRequestException(
            "a transaction changes one shard: this statement changes shards "
                + shard
                + " and "
                + owner
                + "; transactions across shards are not supported (docs/sql.md,"
                + " \"Transactions\")");
      }
      shard = owner;
    }
    txn.add(shard, steps, after, schema);
    return new QueryResponse(
        true,
        steps.isEmpty()
            ? "No rows matched (in the open transaction)"
            : steps.size() + " changes held in the open transaction (written at COMMIT)",
        null,
        null,
        (long) steps.size(),
        null,
        null,
        null,
        null,
        null,
        "success",
        lastInsertId,
        null);
  }

  /** How often an INSERT with generated ids is tried when another router took one of them. */
  static final int AUTO_ID_ATTEMPTS = 3;

  /**
   * Writes an INSERT's rows; rows that leave an AUTO_INCREMENT key out get consecutive ids first
   * ({@link AutoIds}). When another router took one of those ids (the whole INSERT refused as
   * "already exists", nothing stored), the ids are searched again and the INSERT retried.
   */
  private Mono<QueryResponse> insert(RoutingTable table, List<Map<String, Object>> rows, int n) {
    TableSchema schema = table.topology().schema();
    List<Integer> missing = AutoIds.rowsWithoutKey(schema, rows);
    if (missing.isEmpty()) {
      return writes.writeAcked(table, rows).map(w -> written(List.of(w), rows.size(), null));
    }
    return autoIds
        .reserve(schema.table(), missing.size(), x -> anyKeyAtOrAbove(table, x))
        .flatMap(
            first ->
                writes
                    .writeAcked(table, AutoIds.withIds(schema, rows, missing, first))
                    .map(w -> written(List.of(w), rows.size(), first)))
        .onErrorResume(
            WritePath.WriteFailed.class,
            f -> {
              if (n >= AUTO_ID_ATTEMPTS
                  || f.status() != 409
                  || f.written() != 0
                  || !f.getMessage().contains("already exists")) {
                return Mono.error(f);
              }
              autoIds.forget(schema.table());
              return insert(table.sameTable(topology.current()), rows, n + 1);
            });
  }

  /** Whether the table holds a key at or above {@code x}: a count on the primaries. */
  private Mono<Boolean> anyKeyAtOrAbove(RoutingTable table, long x) {
    return countAll(
            table,
            KeyRanges.between(x, Long.MAX_VALUE),
            ReadConsistency.PRIMARY,
            SessionToken.empty(),
            new Predicate.Always(),
            Pushdown.of(new Predicate.Always(), table.topology().schema()))
        .map(
            counted -> {
              if (counted.count() == null) {
                throw new ApiException(
                    503,
                    "AUTO_INCREMENT needs every shard-server to count rows (an older one does"
                        + " not); upgrade the shard-servers or give the key");
              }
              return counted.count() > 0;
            });
  }

  /**
   * {@code read} stopped at the statement deadline ({@link StatementLimits#pastDeadline}): the
   * subscription is cancelled, so the shard calls in flight are cancelled and no further page is
   * asked for; and each shard call carries the time left ({@link ReadDeadline}), so the
   * shard-servers stop the SQL of those calls too (a shard-server that stopped one first answers
   * {@link ShardEndpoints#DEADLINE_PASSED}, the same failure). Only reads are cut off: an
   * UPDATE/DELETE's writes start after its read, and are never stopped midway.
   */
  private <T> Mono<T> withinDeadline(SqlPlan plan, Mono<T> read) {
    Duration timeout = statementLimits.statementTimeout();
    return ReadDeadline.within(read, timeout, System::nanoTime)
        .onErrorMap(
            e -> e instanceof ApiException a && a.status() == ShardEndpoints.DEADLINE_PASSED,
            e -> statementLimits.pastDeadline(plan))
        .timeout(timeout, Mono.error(() -> statementLimits.pastDeadline(plan)));
  }

  /**
   * What a statement read: the shards queried, the rows that match (or, when the shards counted,
   * only their {@code count}), and which replicas answered each shard.
   */
  private record Rows(
      List<String> shards,
      List<Map<String, Object>> rows,
      Long count,
      Map<String, Set<String>> servedBy) {}

  private Mono<QueryResponse> select(
      RoutingTable table, SqlPlan.Select plan, ReadConsistency consistency, SessionToken session) {
    Pushdown.Result push = Pushdown.of(plan.where(), table.topology().schema());
    if (plan.countLabel() != null && push.exact()) {
      // The filter is the whole WHERE: the shards count, and no row travels.
      return countAll(table, plan.keys(), consistency, session, plan.where(), push)
          .flatMap(
              counted ->
                  counted.count() != null
                      ? Mono.just(counted)
                      : selectRows(table, plan, consistency, session, push))
          .map(read -> selected(plan, read, consistency));
    }
    return selectRows(table, plan, consistency, session, push)
        .map(read -> selected(plan, read, consistency));
  }

  /**
   * A join of two tables on their shard keys (docs/sql.md, "Joins"): each table's rows in the
   * join's keys are read as a SELECT of that table reads them (its own conditions pushed to the
   * shards, at {@code consistency}), both at once and each in key order; rows of equal keys, which
   * one shard holds, meet as they arrive ({@link SqlJoins#byKey}), and the joined rows go through
   * the SELECT's WHERE and into its {@link ResultBuffer}, as a one-table SELECT's rows do. So a
   * join holds what that SELECT would (a page per shard and side, plus what the buffer keeps,
   * within {@link SqlLimits}), stops reading at a LIMIT in key order, and runs within the deadline.
   * {@code all} is the layout of every table; each side's requests name its table.
   */
  private Mono<QueryResponse> join(
      RoutingTable all, SqlPlan.Join join, ReadConsistency consistency, SessionToken session) {
    SqlPlan.Select plan = join.select();
    RoutingTable left = all.forTable(join.left().table().table());
    RoutingTable right = all.forTable(join.right().table().table());
    return Mono.defer(
        () -> {
          ResultBuffer buffer = ResultBuffer.forSelect(plan, join.view().shardKey(), limits);
          List<ReadPath.RangeRead> started = Collections.synchronizedList(new ArrayList<>());
          Flux<Map<String, Object>> l =
              sideRows(left, plan.keys(), join.left(), consistency, session, started);
          Flux<Map<String, Object>> r =
              sideRows(right, plan.keys(), join.right(), consistency, session, started);
          return SqlJoins.byKey(join, l, r)
              .filter(plan.where()::matches)
              .takeUntil(buffer::add)
              .then(Mono.fromSupplier(() -> summary(started)))
              .map(
                  read ->
                      selected(
                          plan,
                          new Rows(
                              read.shards(),
                              plan.countLabel() != null ? List.of() : buffer.rows(),
                              plan.countLabel() != null ? buffer.count() : null,
                              read.servedBy()),
                          consistency));
        });
  }

  /**
   * {@code EXPLAIN} (docs/sql.md, "EXPLAIN"): the steps {@link SqlExplain} plans for the SELECT,
   * each shard's MariaDB plan of its SELECT ({@link ReadPath#explain}, one request per step, on the
   * shard's primary), and the rows {@link SqlExplain#rows} makes of them. A shard that gives no
   * plan is a row saying why, not a failed statement.
   */
  private Mono<QueryResponse> explain(RoutingTable table, SqlPlan.Explain explain) {
    List<SqlExplain.Step> steps;
    String label;
    if (explain.of() instanceof SqlPlan.Join join) {
      steps = SqlExplain.steps(table, join);
      label = join.left().qualifier();
    } else {
      steps = SqlExplain.steps(table, (SqlPlan.Select) explain.of());
      label = table.topology().schema().table();
    }
    return Flux.fromIterable(steps)
        .concatMap(
            s ->
                reads
                    .explain(s.table(), s.shard(), s.asked(), s.filter(), s.count())
                    .map(SqlExplainRows.Answer::of)
                    .onErrorResume(e -> Mono.just(SqlExplainRows.Answer.failed(e.getMessage()))))
        .collectList()
        .map(
            answers -> {
              List<Map<String, Object>> rows = SqlExplainRows.rows(label, steps, answers);
              List<String> shards = steps.stream().map(s -> s.shard().id()).distinct().toList();
              return new QueryResponse(
                  true,
                  "Explained (" + rows.size() + " rows)",
                  null,
                  null,
                  (long) rows.size(),
                  null,
                  rows,
                  shards,
                  null,
                  null,
                  "success",
                  null,
                  SqlExplain.COLUMNS);
            });
  }

  /** One side's rows of a join: those of {@code keys} its own conditions keep, in key order. */
  private Flux<Map<String, Object>> sideRows(
      RoutingTable table,
      KeyRanges keys,
      SqlPlan.JoinSide side,
      ReadConsistency consistency,
      SessionToken session,
      List<ReadPath.RangeRead> started) {
    return matchingRows(
        table,
        keys,
        consistency,
        session,
        side.where(),
        Pushdown.of(side.where(), side.table()),
        started);
  }

  /** The rows (or the count) {@code plan} needs, read within {@link SqlLimits}. */
  private Mono<Rows> selectRows(
      RoutingTable table,
      SqlPlan.Select plan,
      ReadConsistency consistency,
      SessionToken session,
      Pushdown.Result push) {
    String shardKey = table.topology().schema().shardKey();
    return Mono.defer(
        () -> {
          ResultBuffer buffer = ResultBuffer.forSelect(plan, shardKey, limits);
          // Each row comes with its global timestamp, which the reply shows (docs/sql.md).
          return ReadTimestamps.asked(
                  readInto(
                      table, plan.keys(), consistency, session, plan.where(), push, buffer::add))
              .map(
                  read ->
                      new Rows(
                          read.shards(),
                          plan.countLabel() != null ? List.of() : buffer.rows(),
                          plan.countLabel() != null ? buffer.count() : null,
                          read.servedBy()));
        });
  }

  private QueryResponse selected(SqlPlan.Select plan, Rows read, ReadConsistency consistency) {
    List<Map<String, Object>> rows =
        read.count() != null
            ? ResultShaper.counted(plan, read.count())
            : plan.grouping() != null
                ? ResultShaper.grouped(plan, read.rows())
                : ResultShaper.shape(plan, read.rows());
    return QueryResponse.selected(plan, rows, readOn(read, consistency), read.shards());
  }

  /**
   * COUNT(*) on the shards: one count request per range and shard. When some shard did not count
   * (an older shard-server answers rows instead), the result has no {@code count} and the caller
   * reads the rows instead.
   */
  private Mono<Rows> countAll(
      RoutingTable table,
      KeyRanges keys,
      ReadConsistency consistency,
      SessionToken session,
      Predicate where,
      Pushdown.Result push) {
    java.util.Collection<Object> pinned = pinnedKeys(table, where);
    return Flux.fromIterable(readRanges(table, keys))
        .concatMap(r -> reads.count(table, r, consistency, session, push.filter(), pinned))
        .collectList()
        .map(
            parts -> {
              Set<String> shards = new LinkedHashSet<>();
              Map<String, Set<String>> servedBy = new TreeMap<>();
              long total = 0;
              for (ReadPath.RangeCount p : parts) {
                if (p.count() == null) {
                  return new Rows(List.copyOf(shards), List.of(), null, servedBy);
                }
                total += p.count();
                shards.addAll(p.shardsQueried());
                p.servedBy()
                    .forEach((k, v) -> servedBy.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
              }
              return new Rows(List.copyOf(shards), List.of(), total, servedBy);
            });
  }

  /**
   * Reads every key range (clamped to the shards' ranges) in key order and hands each row that
   * matches {@code where} to {@code sink}, which answers whether it needs no more: then no further
   * page is fetched (a LIMIT stops the read). The shard-servers apply {@code push.filter()} before
   * paging, so only rows that can match travel; each row is still checked against the whole {@code
   * where} as it arrives (the filter may be only part of it, and an older shard-server ignores it).
   * The router holds one page per shard at a time plus what {@code sink} keeps; a sink that throws
   * (a limit) cancels the read.
   */
  private Mono<Rows> readInto(
      RoutingTable table,
      KeyRanges keys,
      ReadConsistency consistency,
      SessionToken session,
      Predicate where,
      Pushdown.Result push,
      java.util.function.Predicate<Map<String, Object>> sink) {
    List<ReadPath.RangeRead> started = new ArrayList<>();
    return matchingRows(table, keys, consistency, session, where, push, started)
        .takeUntil(sink)
        .then(Mono.fromSupplier(() -> summary(started)));
  }

  /**
   * The rows of every key range (clamped to the shards' ranges) that match {@code where}, in key
   * order, a page at a time (see {@link #readInto}); each range read is added to {@code started}
   * once its first pages are in.
   */
  private Flux<Map<String, Object>> matchingRows(
      RoutingTable table,
      KeyRanges keys,
      ReadConsistency consistency,
      SessionToken session,
      Predicate where,
      Pushdown.Result push,
      List<ReadPath.RangeRead> started) {
    List<KeyRange> ranges = readRanges(table, keys);
    java.util.Collection<Object> pinned = pinnedKeys(table, where);
    return Flux.fromIterable(ranges)
        .concatMap(
            r ->
                reads
                    .read(table, r, consistency, session, push.filter(), pinned)
                    .flatMapMany(
                        read -> {
                          started.add(read);
                          return read.pages();
                        }),
            1)
        // One page at a time: the next is fetched only once this one's rows are used.
        .concatMapIterable(page -> page, 1)
        .filter(where::matches);
  }

  /**
   * The String shard keys {@code where} names exactly ({@code key = 'a'}, {@code key IN (..)}):
   * only their owners can hold matching rows, so only they are asked; null (every shard) for a
   * Number key — its ranges already choose the shards ({@link RoutingTable#shardsFor}) — or a WHERE
   * that does not name the key's values.
   */
  static java.util.Collection<Object> pinnedKeys(RoutingTable table, Predicate where) {
    TableSchema schema = table.topology().schema();
    if (!schema.hasStringKey()) {
      return null;
    }
    Set<Object> values = PredicateKeys.values(where, schema.shardKey());
    if (values == null || !values.stream().allMatch(v -> v instanceof String)) {
      return null;
    }
    return List.copyOf(values);
  }

  /** The shards {@code started} asked and the replicas that answered each. */
  private static Rows summary(List<ReadPath.RangeRead> started) {
    Set<String> shards = new LinkedHashSet<>();
    Map<String, Set<String>> servedBy = new TreeMap<>();
    synchronized (started) {
      for (ReadPath.RangeRead p : started) {
        shards.addAll(p.shardsQueried());
        p.servedBy().forEach((k, v) -> servedBy.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
      }
    }
    return new Rows(List.copyOf(shards), List.of(), null, servedBy);
  }

  /**
   * The ranges to read: under {@code Range} sharding the key set clamped to the keys some shard
   * owns (so a WHERE on other columns reads each shard's range, never an unowned gap); when that
   * leaves very many ranges (a long IN list), each shard's part is read as one range and the
   * predicate drops the rest.
   */
  static List<KeyRange> readRanges(RoutingTable table, KeyRanges keys) {
    if (table.sharding() == Sharding.Hash) {
      // Shard ranges divide hashes, not keys: nothing to clamp to, every shard is read for each
      // range, so very many ranges are read as their hull.
      List<KeyRange> ranges = keys.ranges();
      if (ranges.size() <= MAX_RANGE_READS) {
        return ranges;
      }
      return List.of(new KeyRange(ranges.get(0).low(), ranges.get(ranges.size() - 1).high()));
    }
    List<KeyRange> owned = new ArrayList<>();
    for (ShardTopology s : table.shards()) {
      owned.add(new KeyRange(s.low(), s.highExclusive() - 1));
    }
    KeyRanges clamped = keys.intersect(new KeyRanges(owned));
    if (clamped.ranges().size() <= MAX_RANGE_READS) {
      return clamped.ranges();
    }
    List<KeyRange> hulls = new ArrayList<>();
    for (ShardTopology s : table.shards()) {
      List<KeyRange> in =
          clamped.intersect(KeyRanges.between(s.low(), s.highExclusive() - 1)).ranges();
      if (!in.isEmpty()) {
        hulls.add(new KeyRange(in.get(0).low(), in.get(in.size() - 1).high()));
      }
    }
    return hulls;
  }

  /**
   * The keys of the rows an UPDATE/DELETE touches, read from the primaries; only keys are kept, and
   * the read stops at the first key past {@link SqlLimits#maxRowsPerWrite()} (a 400: nothing is
   * changed).
   */
  private Mono<List<Object>> matchingKeys(
      RoutingTable table, KeyRanges keys, Predicate where, String what) {
    TableSchema schema = table.topology().schema();
    String keyName = schema.shardKey();
    Pushdown.Result push = Pushdown.of(where, schema);
    return Mono.defer(
        () -> {
          List<Object> out = new ArrayList<>();
          return readInto(
                  table,
                  keys,
                  ReadConsistency.PRIMARY,
                  SessionToken.empty(),
                  where,
                  push,
                  row -> {
                    out.add(schema.keyOf(row));
                    if (out.size() > limits.maxRowsPerWrite()) {
                      throw new InvalidRequestException(
                          what
                              + " would change more than "
                              + limits.maxRowsPerWrite()
                              + " rows; at most "
                              + limits.maxRowsPerWrite()
                              + " per statement are supported"
                              + " (shardeddb.router.sql.max-rows-per-write); narrow the WHERE");
                    }
                    return false;
                  })
              .map(read -> out);
        });
  }

  /**
   * One write per key; a key whose row vanished since it was read (404) counts as not affected. If
   * some key's write fails, the others still run and the reply is that failure's status, naming how
   * many rows did change (each per-row write is its own quorum write: a statement over many rows is
   * not atomic).
   */
  private Mono<QueryResponse> perKey(
      List<Object> keys, Function<Object, Mono<WritePath.Written>> write) {
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    int[] worst = {0};
    return Flux.fromIterable(keys)
        .flatMap(
            key ->
                write
                    .apply(key)
                    .onErrorResume(
                        ApiException.class,
                        e -> {
                          if (e.status() != 404) {
                            synchronized (worst) {
                              worst[0] = Math.max(worst[0], e.status());
                            }
                            failures.add("key " + key + ": " + e.getMessage());
                          }
                          return Mono.empty();
                        }),
            ROW_WRITE_CONCURRENCY)
        .collectList()
        .map(
            done -> {
              if (!failures.isEmpty()) {
                throw new ApiException(
                    worst[0],
                    done.size()
                        + " rows changed; "
                        + failures.size()
                        + " failed ("
                        + failures.get(0)
                        + (failures.size() > 1 ? "; ..." : "")
                        + ")");
              }
              return written(done, done.size(), null);
            });
  }

  /**
   * The reply to a write: per shard, the latest position written, the fewest acknowledgements any
   * of its writes got, and the primaries that acknowledged; the message's {@code quorum: a/b} is
   * that of the least-acknowledged shard (see {@link WriteAcks}).
   */
  private QueryResponse written(List<WritePath.Written> done, long rows, Long lastInsertId) {
    RoutingTable now = topology.current();
    WriteAcks acks =
        WriteAcks.of(
            done.stream().flatMap(w -> w.shards().stream()).toList(),
            shard -> now.topology().shard(shard).map(s -> s.replicas().size()).orElse(1),
            now.topology().writeQuorum()::required);
    SessionToken token = SessionToken.empty();
    for (WritePath.Written w : done) {
      token = token.merge(SessionToken.parse(w.response().session()));
    }
    String message =
        acks.positions().isEmpty()
            ? "Write successful (no rows matched)"
            : "Write successful (timestamp: "
                + acks.timestamp()
                + ", quorum: "
                + acks.quorum()
                + ")";
    return new QueryResponse(
        true,
        message,
        acks.positions().isEmpty() ? null : acks.timestamp(),
        acks.positions().isEmpty() ? null : acks.quorum(),
        rows,
        acks.executedOn(),
        null,
        null,
        acks.positions().isEmpty() ? null : acks.positions(),
        token.byShard().isEmpty() ? null : token.encode(),
        "success",
        lastInsertId,
        null);
  }

  /**
   * Who served a read, per shard: the replicas that answered its pages ({@code sh1/students-sh1-2};
   * several joined by {@code +} when pages came from different replicas). A shard whose replica is
   * not known (no page fetched) falls back to its primary for a {@code primary} read.
   */
  private String readOn(Rows read, ReadConsistency consistency) {
    RoutingTable now = topology.current();
    List<String> on = new ArrayList<>();
    for (String shard : read.shards()) {
      Set<String> who = read.servedBy().get(shard);
      String name;
      if (who != null && !who.isEmpty()) {
        name = String.join("+", who);
      } else if (consistency == ReadConsistency.PRIMARY) {
        name = now.topology().shard(shard).map(ShardTopology::primary).orElse("?");
      } else {
        name = "replica(" + consistency.jsonName() + ")";
      }
      on.add(shard + "/" + name);
    }
    return on.isEmpty() ? null : String.join(",", on);
  }

  /** {@code row}'s key value, or null for a row that lacks a key column (a projection). */
  private static Object keyOrNull(TableSchema schema, Map<String, Object> row) {
    for (String k : schema.keyColumns()) {
      if (!(row.get(k) instanceof Number) && !(row.get(k) instanceof String)) {
        return null;
      }
    }
    return schema.keyOf(row);
  }
}
