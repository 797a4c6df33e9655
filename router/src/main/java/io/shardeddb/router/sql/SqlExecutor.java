package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.lb.WriteResponse;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 */
@Singleton
public class SqlExecutor {
  /** The most rows one UPDATE or DELETE may change (each is its own quorum write). */
  public static final int MAX_ROWS_PER_WRITE = 10_000;

  /** Beyond this many disjoint key ranges, each shard's ranges are read as one hull. */
  static final int MAX_RANGE_READS = 64;

  /** How many per-row writes of one UPDATE/DELETE are in flight at once. */
  private static final int ROW_WRITE_CONCURRENCY = 8;

  private final ReadPath reads;
  private final WritePath writes;
  private final TopologyHolder topology;

  public SqlExecutor(ReadPath reads, WritePath writes, TopologyHolder topology) {
    this.reads = reads;
    this.writes = writes;
    this.topology = topology;
  }

  /** Runs {@code plan} against {@code table}; reads use {@code consistency} and {@code session}. */
  public Mono<QueryResponse> execute(
      RoutingTable table, SqlPlan plan, ReadConsistency consistency, SessionToken session) {
    return switch (plan) {
      case SqlPlan.Insert insert ->
          writes.write(table, insert.rows()).map(w -> written(List.of(w), insert.rows().size()));
      case SqlPlan.Update update ->
          matchingKeys(table, update.keys(), update.where(), "UPDATE")
              .flatMap(
                  keys -> perKey(keys, key -> writes.update(table, key, update.assignments())));
      case SqlPlan.Delete delete ->
          matchingKeys(table, delete.keys(), delete.where(), "DELETE")
              .flatMap(keys -> perKey(keys, key -> writes.delete(table, key)));
      case SqlPlan.Select select -> select(table, select, consistency, session);
    };
  }

  private Mono<QueryResponse> select(
      RoutingTable table, SqlPlan.Select plan, ReadConsistency consistency, SessionToken session) {
    return readAll(table, plan.keys(), consistency, session, plan.where())
        .map(
            read -> {
              List<Map<String, Object>> rows = ResultShaper.shape(plan, read.data());
              return new QueryResponse(
                  true,
                  "Read successful",
                  null,
                  null,
                  (long) rows.size(),
                  readOn(read.shardsQueried(), consistency),
                  rows,
                  read.shardsQueried(),
                  null,
                  null,
                  "success");
            });
  }

  /**
   * Reads every key range (clamped to the shards' ranges) and concatenates, in key order, the rows
   * that match {@code where}: each page is filtered as it arrives, so the router holds the matching
   * rows and one page per shard, not every row of the ranges.
   */
  private Mono<ReadResponse> readAll(
      RoutingTable table,
      KeyRanges keys,
      ReadConsistency consistency,
      SessionToken session,
      Predicate where) {
    List<KeyRange> ranges = readRanges(table, keys);
    return Flux.fromIterable(ranges)
        .concatMap(
            r ->
                reads
                    .read(table, r, consistency, session)
                    .flatMap(
                        read ->
                            read.pages()
                                .map(page -> page.stream().filter(where::matches).toList())
                                .collectList()
                                .map(
                                    pages ->
                                        new ReadResponse(
                                            read.shardsQueried(),
                                            pages.stream().flatMap(List::stream).toList(),
                                            "success"))))
        .collectList()
        .map(
            parts -> {
              Set<String> shards = new LinkedHashSet<>();
              List<Map<String, Object>> rows = new ArrayList<>();
              for (ReadResponse p : parts) {
                shards.addAll(p.shardsQueried());
                if (p.data() != null) {
                  rows.addAll(p.data());
                }
              }
              return new ReadResponse(List.copyOf(shards), rows, "success");
            });
  }

  /**
   * The ranges to read: the key set clamped to the keys some shard owns (so a WHERE on other
   * columns reads each shard's range, never an unowned gap); when that leaves very many ranges (a
   * long IN list), each shard's part is read as one range and the predicate drops the rest.
   */
  static List<KeyRange> readRanges(RoutingTable table, KeyRanges keys) {
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

  /** The keys of the rows an UPDATE/DELETE touches, read from the primaries. */
  private Mono<List<Long>> matchingKeys(
      RoutingTable table, KeyRanges keys, Predicate where, String what) {
    String keyName = table.topology().schema().shardKey();
    return readAll(table, keys, ReadConsistency.PRIMARY, SessionToken.empty(), where)
        .map(
            read -> {
              List<Long> out = new ArrayList<>();
              for (Map<String, Object> row : read.data()) {
                if (where.matches(row)) {
                  out.add(((Number) row.get(keyName)).longValue());
                }
              }
              if (out.size() > MAX_ROWS_PER_WRITE) {
                throw new InvalidRequestException(
                    what
                        + " would change "
                        + out.size()
                        + " rows; at most "
                        + MAX_ROWS_PER_WRITE
                        + " per statement are supported");
              }
              return out;
            });
  }

  /**
   * One write per key; a key whose row vanished since it was read (404) counts as not affected. If
   * some key's write fails, the others still run and the reply is that failure's status, naming how
   * many rows did change (each per-row write is its own quorum write: a statement over many rows is
   * not atomic).
   */
  private Mono<QueryResponse> perKey(List<Long> keys, Function<Long, Mono<WriteResponse>> write) {
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
              return written(done, done.size());
            });
  }

  /** The reply to a write: positions from the session tokens, quorum from the topology. */
  private QueryResponse written(List<WriteResponse> acks, long rows) {
    RoutingTable now = topology.current();
    SessionToken token = SessionToken.empty();
    for (WriteResponse w : acks) {
      token = token.merge(SessionToken.parse(w.session()));
    }
    Map<String, QueryResponse.Position> positions = new TreeMap<>();
    long timestamp = 0;
    int got = Integer.MAX_VALUE;
    int needed = Integer.MAX_VALUE;
    List<String> on = new ArrayList<>();
    for (Map.Entry<String, SessionToken.Position> e : new TreeMap<>(token.byShard()).entrySet()) {
      String shard = e.getKey();
      int required =
          now.topology()
              .shard(shard)
              .map(s -> now.topology().writeQuorum().required(Math.max(1, s.replicas().size())))
              .orElse(1);
      positions.put(
          shard,
          new QueryResponse.Position(e.getValue().epoch(), e.getValue().lsn(), required, required));
      timestamp = Math.max(timestamp, e.getValue().lsn());
      got = Math.min(got, required);
      needed = Math.min(needed, required);
      on.add(shard + "/" + now.topology().shard(shard).map(ShardTopology::primary).orElse("?"));
    }
    String quorum = positions.isEmpty() ? null : got + "/" + needed;
    String message =
        positions.isEmpty()
            ? "Write successful (no rows matched)"
            : "Write successful (timestamp: " + timestamp + ", quorum: " + quorum + ")";
    return new QueryResponse(
        true,
        message,
        positions.isEmpty() ? null : timestamp,
        quorum,
        rows,
        on.isEmpty() ? null : String.join(",", on),
        null,
        null,
        positions.isEmpty() ? null : positions,
        token.byShard().isEmpty() ? null : token.encode(),
        "success");
  }

  /** Who served a read: the primaries by name, or "a replica" for session/any reads. */
  private String readOn(List<String> shards, ReadConsistency consistency) {
    RoutingTable now = topology.current();
    List<String> on = new ArrayList<>();
    for (String shard : shards) {
      String who =
          consistency == ReadConsistency.PRIMARY
              ? now.topology().shard(shard).map(ShardTopology::primary).orElse("?")
              : "replica(" + consistency.jsonName() + ")";
      on.add(shard + "/" + who);
    }
    return on.isEmpty() ? null : String.join(",", on);
  }
}
