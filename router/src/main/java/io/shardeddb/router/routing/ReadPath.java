package io.shardeddb.router.routing;

import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.RoutingTable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves a range read: finds every shard the range touches, reads each in parallel from a replica
 * chosen by the consistency level, and concatenates the answers in shard order — shards own
 * disjoint ascending ranges and each answers in key order, so the result is in key order.
 */
@Singleton
public class ReadPath {
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

  /** Reads {@code [range.low, range.high]} at {@code consistency}. */
  public Mono<ReadResponse> read(
      RoutingTable table, KeyRange range, ReadConsistency consistency, SessionToken session) {
    List<ShardTopology> shards = table.shardMap().shardsFor(range.low(), range.high());
    metrics.readFanout(shards.size());
    String keyName = table.topology().schema().shardKey();
    List<String> ids = shards.stream().map(ShardTopology::id).toList();
    return Flux.fromIterable(shards)
        .flatMapSequential(s -> readShard(table, s, keyName, range, consistency, session))
        .collectList()
        .map(
            parts -> {
              List<Map<String, Object>> rows = new ArrayList<>();
              parts.forEach(rows::addAll);
              return new ReadResponse(
                  ids,
                  DecimalWire.fromShard(table.topology().schema(), rows),
                  MessageResponse.SUCCESS);
            });
  }

  private Mono<List<Map<String, Object>>> readShard(
      RoutingTable table,
      ShardTopology shard,
      String keyName,
      KeyRange range,
      ReadConsistency consistency,
      SessionToken session) {
    long minLsn = consistency == ReadConsistency.SESSION ? session.lsnFor(shard.id()) : 0;
    long minEpoch = consistency == ReadConsistency.SESSION ? session.epochFor(shard.id()) : 0;
    boolean primaryOnly = consistency == ReadConsistency.PRIMARY;
    List<Replica> replicas = replicaChoices(table, shard, consistency, minLsn);
    Mono<List<Map<String, Object>>> fromPrimary =
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
              return readFrom(primary, shard.id(), keyName, range, primaryOnly, minEpoch, minLsn);
            });
    Mono<List<Map<String, Object>>> chain = fromPrimary;
    // Try the chosen replicas in ring order; the primary (with retries) is the last resort.
    for (int i = replicas.size() - 1; i >= 0; i--) {
      Replica r = replicas.get(i);
      Mono<List<Map<String, Object>>> fallback = chain;
      chain =
          readFrom(r, shard.id(), keyName, range, false, minEpoch, minLsn)
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

  private Mono<List<Map<String, Object>>> readFrom(
      Replica replica,
      String shardId,
      String keyName,
      KeyRange range,
      boolean primaryOnly,
      long minEpoch,
      long minLsn) {
    return client
        .read(
            replica.url(),
            shardId,
            keyName,
            range.low(),
            range.high(),
            primaryOnly,
            minEpoch,
            minLsn)
        // Serde leaves out an empty list, so no rows arrives as no field.
        .map(r -> r.data() == null ? List.<Map<String, Object>>of() : r.data());
  }
}
