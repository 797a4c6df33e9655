package io.shardeddb.router.routing;

import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.RoutingTable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves a range read: finds every shard the range touches, reads the first page of each in
 * parallel from a replica chosen by the consistency level, then the rest of each shard page by page
 * as the client takes them (a shard-server answers at most one page per request, with the key to go
 * on from). Pages come in shard order — shards own disjoint ascending ranges and each answers in
 * key order — so the rows come in key order, and the router holds at most a page per shard.
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

  private final ShardServerClient client;
  private final ReplicaHealth health;
  private final FailoverRetry retry;
  private final RouterMetrics metrics;

  public ReadPath(
      ShardServerClient client, ReplicaHealth health, FailoverRetry retry, RouterMetrics metrics) {
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
    List<ShardTopology> shards = table.shardMap().shardsFor(range.low(), range.high());
    metrics.readFanout(shards.size());
    String keyName = table.topology().schema().shardKey();
    List<String> ids = shards.stream().map(ShardTopology::id).toList();
    Ask ask = new Ask(keyName, consistency, session, filter, false, new ConcurrentHashMap<>());
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
                    Flux.fromIterable(firsts)
                        .concatMap(f -> pagesOf(table, f, range.high(), ask), 1),
                    ask.servedBy()));
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
    List<ShardTopology> shards = table.shardMap().shardsFor(range.low(), range.high());
    metrics.readFanout(shards.size());
    String keyName = table.topology().schema().shardKey();
    Ask ask = new Ask(keyName, consistency, session, filter, true, new ConcurrentHashMap<>());
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
      Map<String, Set<String>> servedBy) {
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
    Long firstNext = first.next();
    return Flux.concat(
        Mono.fromSupplier(() -> rowsOf(table, first)),
        Flux.defer(() -> after(table, shard.shard(), firstNext, high, ask)));
  }

  /**
   * The pages from key {@code from} on, one request at a time: the next page is requested when the
   * one before has been emitted and the subscriber asks for more ({@code repeat} resubscribes only
   * after the previous page completed). Nothing but the next key is held between pages.
   */
  private Flux<List<Map<String, Object>>> after(
      RoutingTable table, ShardTopology shard, Long from, long high, Ask ask) {
    if (from == null) {
      return Flux.empty();
    }
    AtomicReference<Long> next = new AtomicReference<>(from);
    return Mono.defer(() -> readShard(table, shard, next.get(), high, ask))
        // A page always comes (or an error): an empty answer would repeat the same key forever.
        .single()
        .doOnNext(page -> next.set(page.next()))
        .map(page -> rowsOf(table, page))
        .repeat(() -> next.get() != null);
  }

  /** A page's rows as the client gets them; serde leaves out an empty list, so none is absent. */
  private static List<Map<String, Object>> rowsOf(RoutingTable table, ShardReadResponse page) {
    List<Map<String, Object>> rows = page.data() == null ? List.of() : page.data();
    return DecimalWire.fromShard(table.topology().schema(), rows);
  }

  private Mono<ShardReadResponse> readShard(
      RoutingTable table, ShardTopology shard, long low, long high, Ask ask) {
    String keyName = ask.keyName();
    ReadConsistency consistency = ask.consistency();
    SessionToken session = ask.session();
    long minLsn = consistency == ReadConsistency.SESSION ? session.lsnFor(shard.id()) : 0;
    long minEpoch = consistency == ReadConsistency.SESSION ? session.epochFor(shard.id()) : 0;
    boolean primaryOnly = consistency == ReadConsistency.PRIMARY;
    List<Replica> replicas = replicaChoices(table, shard, consistency, minLsn);
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
                  primary, shard.id(), keyName, low, high, primaryOnly, minEpoch, minLsn, ask);
            });
    Mono<ShardReadResponse> chain = fromPrimary;
    // Try the chosen replicas in ring order; the primary (with retries) is the last resort.
    for (int i = replicas.size() - 1; i >= 0; i--) {
      Replica r = replicas.get(i);
      Mono<ShardReadResponse> fallback = chain;
      chain =
          readFrom(r, shard.id(), keyName, low, high, false, minEpoch, minLsn, ask)
              .onErrorResume(ShardServerException.class, e -> fallback);
    }
    // A final answer from a shard-server (e.g. 400) becomes the router's answer.
    return chain.onErrorMap(
        ShardServerException.class, e -> new ApiException(e.status(), e.getMessage()));
  }

  private List<Replica> replicaChoices(
      RoutingTable table, ShardTopology shard, ReadConsistency consistency, long minLsn) {
    if (consistency == ReadConsistency.PRIMARY) {
      return List.of();
    }
    long requestHash = ThreadLocalRandom.current().nextLong();
    return table
        .ring(shard.id())
        .candidates(
            requestHash,
            r ->
                health.healthy(r.url())
                    && (consistency == ReadConsistency.ANY || health.appliedLsn(r.url()) >= minLsn))
        .stream()
        .limit(2)
        .toList();
  }

  private Mono<ShardReadResponse> readFrom(
      Replica replica,
      String shardId,
      String keyName,
      long low,
      long high,
      boolean primaryOnly,
      long minEpoch,
      long minLsn,
      Ask ask) {
    return client
        .read(
            replica.url(),
            shardId,
            keyName,
            low,
            high,
            primaryOnly,
            minEpoch,
            minLsn,
            ask.filter(),
            ask.count())
        .doOnNext(page -> ask.served(shardId, replica));
  }
}
