package io.shardeddb.router.routing;

import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardExplainResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.shard.ShardReadCalls;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.RoutingTable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves a range read: finds every shard the range touches, reads the first page of each in
 * parallel from a replica chosen by the consistency level, then the rest of each shard page by page
 * as the client takes them (a shard-server answers at most one page per request, with the key to go
 * on from). Pages come in shard order — shards own disjoint ascending ranges and each answers in
 * key order — so the rows come in key order, and the router holds at most a page per shard. Under
 * {@code Hash} sharding every shard is asked and their rows are merged in key order. The shards to
 * ask and the ranges each is told it owns ({@code X-Shard-Owned}) come from one layout; a shard
 * that answers 421 before the first pages are in makes the read be planned again by a newer one.
 *
 * <p>Why this file is over 450 lines: the consistency levels and the paging share the choice of
 * replica, the session-token rules and the re-plan after a 421, which must agree for a read to see
 * what the client was promised.
 */
@Singleton
public class ReadPath {
  /**
   * A range read under way: the shards queried and the pages of rows in key order. When {@code
   * complete}, the first page of every shard was its last, so {@code pages} is already in memory.
   * {@code servedBy} names, per shard, the replicas that answered its pages (filled in as the pages
   * are fetched; complete once {@code pages} is).
   */
  public record RangeRead(
      List<String> shardsQueried,
      boolean complete,
      Flux<List<Map<String, Object>>> pages,
      Map<String, Set<String>> servedBy) {}

  /**
   * A counted range: the shards queried, how many rows matched ({@code null} when some shard did
   * not count: an older shard-server answers rows instead), and the replicas that answered.
   */
  public record RangeCount(
      List<String> shardsQueried, Long count, Map<String, Set<String>> servedBy) {}

  /** One shard's first page and how to fetch the pages after it. */
  private record ShardPages(ShardTopology shard, ShardReadResponse first) {}

  /** Rows of each shard the key-order merge takes ahead (a page is fetched as they are used). */
  private static final int MERGE_PREFETCH = 32;

  /** Rows per page of a merged (Hash) read. */
  static final int MERGED_PAGE_ROWS = 500;

  private final ShardReadCalls client;
  private final ReplicaHealth health;
  private final FailoverRetry retry;
  private final RouterMetrics metrics;

  public ReadPath(
      ShardReadCalls client, ReplicaHealth health, FailoverRetry retry, RouterMetrics metrics) {
    this.client = client;
    this.health = health;
    this.retry = retry;
    this.metrics = metrics;
  }

  /**
   * Reads {@code [range.low, range.high]} at {@code consistency}. The returned Mono completes once
   * every shard has answered its first page, so errors a shard reports up front (a bad request, no
   * primary, no lease, a session it cannot serve) fail it before anything is sent to the client.
   */
  public Mono<RangeRead> read(
      RoutingTable table, KeyRange range, ReadConsistency consistency, SessionToken session) {
    return read(table, range, consistency, session, null);
  }

  /**
   * As above, keeping only the rows that match {@code filter} (null: all), which the shard-servers
   * apply before paging. An older shard-server ignores the filter and sends every row, so the
   * caller must still check the rows it gets.
   */
  public Mono<RangeRead> read(
      RoutingTable table,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter) {
    return read(table, range, consistency, session, filter, null);
  }

  /**
   * As above, asking only the shards that own {@code pinnedKeys} (key values) when they are given:
   * the rows the read can match have one of those keys (a String key's {@code =} or {@code IN},
   * whose rows lie by hash); null asks every shard that {@code range} may touch.
   */
  public Mono<RangeRead> read(
      RoutingTable table,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter,
      java.util.Collection<Object> pinnedKeys) {
    return withLayoutFor(
        table,
        consistency,
        session,
        (known, level) -> {
          String keyName = known.topology().schema().shardKey();
          // A shard that answers 421 (its ranges moved) makes the whole read be planned again by
          // a newer layout: the shards to ask, and what each owns, come from one layout.
          FailoverRetry.MovedBudget budget = retry.movedBudget();
          return retry.rerouted(
              known,
              budget,
              t -> rangeText(keyName, range),
              t -> firstPages(t, range, level, session, filter, budget, pinnedKeys));
        });
  }

  /**
   * How long a session read whose token is ahead of the router's layout waits for a newer one
   * before it is served by the primaries.
   */
  static final Duration SESSION_LAYOUT_WAIT = Duration.ofMillis(250);

  /**
   * Runs {@code read} on a layout that knows every shard and epoch {@code session} names (safety
   * review 2026-11-23 #6), and is at least as new as the layout the session's writes were routed by
   * (safety review 2026-11-26 #5). A token can come from a router with a newer layout: it may name
   * a shard this layout lacks (a split's new shard now holding the client's write), an epoch newer
   * than this layout's, or a range this layout still gives another shard (a move between existing
   * shards: the token names the destination at an epoch this layout has, and says nothing of the
   * source). Then no replica's heartbeat here can prove it holds the client's write — a secondary
   * of the old owner, cut off from its primary before the move's fence reached it, still owns the
   * range and would serve the rows as they were. Such a read waits up to {@link
   * #SESSION_LAYOUT_WAIT} for a newer layout; if that one still does not know the token, it is read
   * at {@code primary} consistency (under the lease, the primary holds every acknowledged write of
   * its shard, and answers 421 when the range moved away, which routes the read again).
   */
  private <T> Mono<T> withLayoutFor(
      RoutingTable table,
      ReadConsistency consistency,
      SessionToken session,
      BiFunction<RoutingTable, ReadConsistency, Mono<T>> read) {
    if (consistency != ReadConsistency.SESSION || knows(table, session)) {
      return read.apply(table, consistency);
    }
    return retry
        .newerWithin(table.version(), SESSION_LAYOUT_WAIT)
        .flatMap(
            newer -> {
              RoutingTable t = table.sameTable(newer);
              return read.apply(
                  t, knows(t, session) ? ReadConsistency.SESSION : ReadConsistency.PRIMARY);
            });
  }

  /**
   * Whether {@code table} is of the session's layout generation or a later one, and has every shard
   * {@code session} names, at its epoch or a later one.
   */
  boolean knows(RoutingTable table, SessionToken session) {
    if (table.topology().layoutGeneration() < session.layout()) {
      return false;
    }
    for (Map.Entry<String, SessionToken.Position> e : session.byShard().entrySet()) {
      Optional<ShardTopology> shard = table.topology().shard(e.getKey());
      if (shard.isEmpty() || shard.get().epoch() < e.getValue().epoch()) {
        return false;
      }
    }
    return true;
  }

  private Mono<RangeRead> firstPages(
      RoutingTable table,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter,
      FailoverRetry.MovedBudget budget,
      java.util.Collection<Object> pinnedKeys) {
    List<ShardTopology> shards = shardsToAsk(table, range, pinnedKeys);
    metrics.readFanout(shards.size());
    String keyName = table.topology().schema().shardKey();
    List<String> ids = shards.stream().map(ShardTopology::id).toList();
    Ask ask =
        new Ask(keyName, consistency, session, filter, false, new ConcurrentHashMap<>(), budget);
    return Flux.fromIterable(shards)
        .flatMapSequential(
            s ->
                readShard(table, s, range.low(), range.high(), ask)
                    .map(first -> new ShardPages(s, first)))
        .collectList()
        .map(
            firsts ->
                new RangeRead(
                    ids,
                    firsts.stream().allMatch(f -> f.first().next() == null),
                    table.sharding() == Sharding.Hash && firsts.size() > 1
                        ? inKeyOrder(
                            firsts.stream().map(f -> pagesOf(table, f, range.high(), ask)).toList(),
                            keyName)
                        : Flux.fromIterable(firsts)
                            .concatMap(f -> pagesOf(table, f, range.high(), ask), 1),
                    ask.servedBy()));
  }

  /**
   * Merges the shards' pages, each in key order, into pages in key order (under {@code Hash} every
   * shard holds keys from all over the range). Each shard's next page is fetched only when the
   * merge has used up the one before, so the router holds about one page per shard.
   */
  static Flux<List<Map<String, Object>>> inKeyOrder(
      List<Flux<List<Map<String, Object>>>> shards, String keyName) {
    Comparator<Map<String, Object>> byKey =
        (a, b) ->
            ShardKeys.compare(
                ShardKeys.normalize(a.get(keyName)), ShardKeys.normalize(b.get(keyName)));
    @SuppressWarnings("unchecked")
    Flux<Map<String, Object>>[] rows =
        shards.stream().map(p -> p.concatMapIterable(page -> page, 1)).toArray(Flux[]::new);
    return Flux.mergeComparing(MERGE_PREFETCH, byKey, rows).buffer(MERGED_PAGE_ROWS);
  }

  /**
   * The shards a read of {@code range} asks in {@code table}'s layout (see {@link #read}); EXPLAIN
   * lists the same ({@code SqlExplain}).
   */
  public static List<ShardTopology> shardsToAsk(
      RoutingTable table, KeyRange range, java.util.Collection<Object> pinnedKeys) {
    return pinnedKeys == null
        ? table.shardsFor(range.low(), range.high())
        : table.shardsForKeys(pinnedKeys);
  }

  /** {@code Stud_id range [low, high]}, for messages. */
  private static String rangeText(String keyName, KeyRange range) {
    return keyName + " range [" + range.low() + ", " + range.high() + "]";
  }

  /**
   * Counts the rows of {@code range} that match {@code filter} (null: all) on the shards, at {@code
   * consistency}: one request per shard, no rows sent.
   */
  public Mono<RangeCount> count(
      RoutingTable table,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter) {
    return count(table, range, consistency, session, filter, null);
  }

  /** As above, asking only the owners of {@code pinnedKeys} when given (see {@link #read}). */
  public Mono<RangeCount> count(
      RoutingTable table,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter,
      java.util.Collection<Object> pinnedKeys) {
    return withLayoutFor(
        table,
        consistency,
        session,
        (known, level) -> {
          String keyName = known.topology().schema().shardKey();
          FailoverRetry.MovedBudget budget = retry.movedBudget();
          return retry.rerouted(
              known,
              budget,
              t -> rangeText(keyName, range),
              t -> counts(t, range, level, session, filter, budget, pinnedKeys));
        });
  }

  private Mono<RangeCount> counts(
      RoutingTable table,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter,
      FailoverRetry.MovedBudget budget,
      java.util.Collection<Object> pinnedKeys) {
    List<ShardTopology> shards = shardsToAsk(table, range, pinnedKeys);
    metrics.readFanout(shards.size());
    String keyName = table.topology().schema().shardKey();
    Ask ask =
        new Ask(keyName, consistency, session, filter, true, new ConcurrentHashMap<>(), budget);
    return Flux.fromIterable(shards)
        .flatMapSequential(s -> readShard(table, s, range.low(), range.high(), ask))
        .collectList()
        .map(
            answers -> {
              long total = 0;
              for (ShardReadResponse a : answers) {
                if (a.count() == null) {
                  return new RangeCount(
                      shards.stream().map(ShardTopology::id).toList(), null, ask.servedBy());
                }
                total += a.count();
              }
              return new RangeCount(
                  shards.stream().map(ShardTopology::id).toList(), total, ask.servedBy());
            });
  }

  /**
   * What every page request of one read asks: consistency, filter, rows or a count; {@code
   * servedBy} collects which replica answered each shard.
   */
  private record Ask(
      String keyName,
      ReadConsistency consistency,
      SessionToken session,
      ReadFilter filter,
      boolean count,
      Map<String, Set<String>> servedBy,
      FailoverRetry.MovedBudget budget) {
    void served(String shard, Replica replica) {
      servedBy.computeIfAbsent(shard, k -> ConcurrentHashMap.newKeySet()).add(replica.name());
    }
  }

  /**
   * The shard's first page, then each following page, fetched only once the one before has been
   * taken by the client (never read ahead: {@code expand} and prefetching operators would buffer
   * pages faster than a slow client takes them). Only the key to go on from is kept between pages:
   * a chain of nested {@code concat(just(page), defer(next))} would keep every page it ever emitted
   * reachable (each level's sources array holds its page until the whole shard is read), so a
   * full-range read of a big shard grew the router's heap with the shard.
   */
  private Flux<List<Map<String, Object>>> pagesOf(
      RoutingTable table, ShardPages shard, long high, Ask ask) {
    ShardReadResponse first = shard.first();
    Object firstNext = first.next();
    return Flux.concat(
        Mono.fromSupplier(() -> rowsOf(table, first)),
        Flux.defer(
            () ->
                firstNext == null
                    ? Flux.empty()
                    : pagesFrom(
                        table,
                        shard.shard(),
                        RoutingTable.ownedBy(shard.shard()),
                        firstNext,
                        high,
                        ask)));
  }

  /**
   * The shard's pages from key {@code from} on, keeping only the rows whose points lie in {@code
   * part}, one request at a time: the next page is requested when the one before has been emitted
   * and the subscriber asks for more ({@code repeat} resubscribes only after the previous page
   * completed). Nothing but the next key is held between pages.
   *
   * <p>When the shard answers 421 (its ranges moved while the read was under way: the rows before
   * {@code from} are already on their way to the client, so the read cannot start over), the rest
   * of {@code part} — the keys from the one not yet read — is read from the shards that own it in a
   * newer layout ({@link #remainder}).
   */
  private Flux<List<Map<String, Object>>> pagesFrom(
      RoutingTable table,
      ShardTopology shard,
      List<PointRange> part,
      Object from,
      long high,
      Ask ask) {
    AtomicReference<Object> next = new AtomicReference<>(from);
    return Mono.defer(() -> readShard(table, shard, next.get(), high, ask))
        // A page always comes (or an error): an empty answer would repeat the same key forever.
        .single()
        .doOnNext(page -> next.set(page.next()))
        .map(page -> inPart(table, rowsOf(table, page), part, ask.keyName()))
        .repeat(() -> next.get() != null)
        .onErrorResume(
            e -> e instanceof ShardServerException s && s.notOwned(),
            e ->
                retry
                    .afterNotOwned(
                        ask.budget(),
                        table.version(),
                        ask.keyName()
                            + " range ["
                            + next.get()
                            + ", "
                            + high
                            + "]"
                            + " ("
                            + table.describe(shard.id())
                            + ")",
                        (ShardServerException) e)
                    .flatMapMany(
                        newer ->
                            remainder(
                                newer,
                                intersect(part, RoutingTable.ownedBy(shard)),
                                next.get(),
                                high,
                                ask)));
  }

  /**
   * The rows of keys {@code [from, high]} whose points lie in {@code part} (what a shard owned in
   * an older layout), read from the shards that own those points in {@code table}, in key order.
   */
  private Flux<List<Map<String, Object>>> remainder(
      RoutingTable table, List<PointRange> part, Object from, long high, Ask ask) {
    List<Flux<List<Map<String, Object>>>> parts = new ArrayList<>();
    for (ShardTopology s : table.shardsFor(from, (Object) high)) {
      List<PointRange> theirs = intersect(part, RoutingTable.ownedBy(s));
      if (!theirs.isEmpty()) {
        parts.add(Flux.defer(() -> pagesFrom(table, s, theirs, from, high, ask)));
      }
    }
    return table.sharding() == Sharding.Hash && parts.size() > 1
        ? inKeyOrder(parts, ask.keyName())
        : Flux.concat(parts);
  }

  /** The points in both lists. */
  static List<PointRange> intersect(List<PointRange> a, List<PointRange> b) {
    List<PointRange> out = new ArrayList<>();
    for (PointRange x : a) {
      for (PointRange y : b) {
        long low = Math.max(x.low(), y.low());
        long high = Math.min(x.highExclusive(), y.highExclusive());
        if (low < high) {
          out.add(new PointRange(low, high - low));
        }
      }
    }
    return PointRange.normalize(out);
  }

  /** The rows whose key's point lies in {@code part}. */
  private static List<Map<String, Object>> inPart(
      RoutingTable table, List<Map<String, Object>> rows, List<PointRange> part, String keyName) {
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      Object key = table.topology().schema().keyOf(row);
      if (PointRange.anyContains(part, table.sharding().point(key))) {
        out.add(row);
      }
    }
    return out.size() == rows.size() ? rows : out;
  }

  /**
   * MariaDB's plan, on {@code shard}'s primary, of the SELECT a read of {@code range} with {@code
   * filter} (and {@code count}) would run there ({@code POST /read/explain}); no row is read. A
   * failure is the shard-server's, unchanged (the caller shows it).
   */
  public Mono<ShardExplainResponse> explain(
      RoutingTable table, ShardTopology shard, KeyRange range, ReadFilter filter, boolean count) {
    return Mono.defer(
        () -> {
          Replica primary =
              shard
                  .primaryReplica()
                  .orElseThrow(
                      () ->
                          new ShardServerException(
                              "", 503, "shard " + shard.id() + " has no primary"));
          return client.explain(
              primary.url(),
              shard.id(),
              ownedHeader(table, shard.id()),
              table.topology().schema().shardKey(),
              wireBound(table, range.low()),
              wireBound(table, range.high()),
              filter,
              count,
              table.tableName());
        });
  }

  /**
   * A key bound as a shard reads it: a String-keyed table's numeric bound is the whole key space
   * (the planner never narrows a String key to numbers), sent as no bound (null); any other bound
   * as it is.
   */
  static Object wireBound(RoutingTable table, Object bound) {
    return table.topology().schema().hasStringKey() && bound instanceof Long ? null : bound;
  }

  /** A page's rows as the client gets them; serde leaves out an empty list, so none is absent. */
  private static List<Map<String, Object>> rowsOf(RoutingTable table, ShardReadResponse page) {
    List<Map<String, Object>> rows = page.data() == null ? List.of() : page.data();
    return DecimalWire.fromShard(table.topology().schema(), rows);
  }

  private Mono<ShardReadResponse> readShard(
      RoutingTable table, ShardTopology shard, Object low, long high, Ask ask) {
    String keyName = ask.keyName();
    ReadConsistency consistency = ask.consistency();
    SessionToken session = ask.session();
    SessionToken.Position entry =
        consistency == ReadConsistency.SESSION
            ? sessionEntry(session, shard.id())
            : new SessionToken.Position(0, 0);
    long minLsn = entry.lsn();
    long minEpoch = entry.epoch();
    LogPosition floor = consistency == ReadConsistency.SESSION ? sessionFloor(shard) : null;
    List<Replica> replicas =
        replicaChoices(
            table, shard, consistency, floor == null ? minLsn : Math.max(minLsn, floor.lsn()));
    Mono<ShardReadResponse> fromPrimary =
        retry.run(
            "shard " + shard.id(),
            current -> {
              ShardTopology now = current.topology().shard(shard.id()).orElse(shard);
              Replica primary =
                  now.primaryReplica()
                      .orElseThrow(
                          () ->
                              new ShardServerException(
                                  "", 503, "shard " + shard.id() + " has no primary"));
              return readFrom(
                  table,
                  primary,
                  shard.id(),
                  keyName,
                  low,
                  high,
                  consistency,
                  minEpoch,
                  minLsn,
                  floor,
                  ask);
            });
    Mono<ShardReadResponse> chain = fromPrimary;
    // Try the chosen replicas in ring order; the primary (with retries) is the last resort.
    for (int i = replicas.size() - 1; i >= 0; i--) {
      Replica r = replicas.get(i);
      Mono<ShardReadResponse> fallback = chain;
      chain =
          readFrom(
                  table,
                  r,
                  shard.id(),
                  keyName,
                  low,
                  high,
                  consistency,
                  minEpoch,
                  minLsn,
                  floor,
                  ask)
              .onErrorResume(ShardServerException.class, e -> fallback);
    }
    // A final answer from a shard-server (e.g. 400) becomes the router's answer; a 421 (the layout
    // is old) is left for the read to be planned again.
    return chain.onErrorMap(
        e -> e instanceof ShardServerException s && !s.notOwned(),
        e -> {
          ShardServerException s = (ShardServerException) e;
          return new ApiException(s.status(), s.getMessage());
        });
  }

  private List<Replica> replicaChoices(
      RoutingTable table, ShardTopology shard, ReadConsistency consistency, long minLsn) {
    if (consistency == ReadConsistency.PRIMARY) {
      return List.of();
    }
    // A random point on the ring, from the router's chance (the simulator's, there).
    long requestHash = (long) ((retry.time().random() * 2 - 1) * Long.MAX_VALUE);
    return table
        .ring(shard.id())
        .candidates(
            requestHash,
            r ->
                health.healthy(r.url())
                    && switch (consistency) {
                      case ANY -> true;
                      // A hint only (the replica decides, and refuses with 409): one whose last
                      // heartbeat says it lost its primary is not asked.
                      case BOUNDED ->
                          health.heartbeat(r.url()).map(h -> !h.primaryLost()).orElse(true);
                      default -> health.appliedLsn(r.url()) >= minLsn;
                    })
        .stream()
        .limit(2)
        .toList();
  }

  /**
   * The entry a {@code session} read of {@code shardId} must see, which picks its replicas (a last
   * heartbeat at or past it) and which it asks the replica to hold ({@code minLsn}, {@code
   * minEpoch}): the token's position for the shard ({@code 0, 0}: none). Only the simulator's
   * mutations override it (docs/safety.md).
   */
  protected SessionToken.Position sessionEntry(SessionToken session, String shardId) {
    return new SessionToken.Position(session.epochFor(shardId), session.lsnFor(shardId));
  }

  /**
   * The session floor a {@code session} read of {@code shard} asks every replica to have reached:
   * the log position of the adopt that last gave the shard points, as the layout the read was
   * planned by publishes it (null: none). A range that moved away and back may still be owned by a
   * replica cut off through both moves, whose log never saw the writes made meanwhile on the other
   * shard; the token names no entry of this shard for them, so only the floor keeps such a replica
   * from answering (docs/safety.md). Only the simulator's mutations override it.
   */
  protected LogPosition sessionFloor(ShardTopology shard) {
    return shard.sessionFloor();
  }

  /**
   * The {@code X-Shard-Owned} a read of {@code shardId} planned on {@code planned} carries: the
   * ranges that layout gives the shard, so a shard whose ranges changed answers 421 instead of rows
   * it no longer owns. Only the simulator's mutations override it (docs/safety.md).
   */
  protected String ownedHeader(RoutingTable planned, String shardId) {
    return planned.ownedHeader(shardId);
  }

  /**
   * One page from {@code replica}, sent with the ranges {@code planned} (the layout the read was
   * planned by) gives the shard, so a shard whose ranges changed answers 421 instead of rows of
   * another layout.
   */
  private Mono<ShardReadResponse> readFrom(
      RoutingTable planned,
      Replica replica,
      String shardId,
      String keyName,
      Object low,
      long high,
      ReadConsistency consistency,
      long minEpoch,
      long minLsn,
      LogPosition floor,
      Ask ask) {
    return Mono.deferContextual(
            context ->
                client.read(
                    replica.url(),
                    shardId,
                    ownedHeader(planned, shardId),
                    keyName,
                    wireBound(planned, low),
                    wireBound(planned, high),
                    consistency,
                    minEpoch,
                    minLsn,
                    floor,
                    ReadBound.of(context),
                    ask.filter(),
                    ask.count(),
                    planned.tableName()))
        .doOnNext(page -> ask.served(shardId, replica));
  }
}
