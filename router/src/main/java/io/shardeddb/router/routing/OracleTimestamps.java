package io.shardeddb.router.routing;

import io.micronaut.context.annotation.Primary;
import io.shardeddb.protocol.time.TimestampOracle;
import io.shardeddb.protocol.time.TimestampResponse;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.util.retry.Retry;

/**
 * The router's timestamps from the oracle (DESIGN §11): the primary of the topology's oracle shard
 * ({@code Topology.oracleShard}) hands out slots ({@code POST /timestamps}).
 *
 * <p>Concurrent writes share one call: the callers waiting when a call is sent (at most {@link
 * TimestampOracle#MAX_COUNT}) get its slots in arrival order; a caller arriving while a call is in
 * flight waits for the next one, sent after it arrived — so every slot is fetched after its write
 * arrived, which is what makes timestamps of writes that follow each other increase. While the
 * oracle's shard fails over, calls are retried against the primary the topology then names, for
 * {@code shardeddb.router.timestamps.oracle-wait}; after that the write fails with a 503 naming the
 * oracle, nothing written. An oracle shard-server from before timestamps (404: no such endpoint, a
 * rolling upgrade) gives every write 0: it goes without one, stamped by its shard alone.
 */
@Singleton
@Primary
public class OracleTimestamps implements Timestamps {
  private static final Duration RETRY_EVERY = Duration.ofMillis(200);

  /** How long one call to the oracle may take before it is asked again. */
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(1);

  private final TopologyHolder topology;
  private final ShardServerClient client;
  private final RouterSettings.Timestamps settings;

  private final Deque<MonoSink<Long>> waiting = new ArrayDeque<>();
  private boolean inFlight;

  public OracleTimestamps(
      TopologyHolder topology, ShardServerClient client, RouterSettings.Timestamps settings) {
    this.topology = topology;
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Mono<Long> next() {
    if (!settings.enabled()) {
      return Mono.just(0L);
    }
    return Mono.create(
        sink -> {
          boolean send;
          synchronized (this) {
            waiting.add(sink);
            send = !inFlight;
            inFlight = true;
          }
          if (send) {
            fetch();
          }
        });
  }

  /** Sends one call for the callers waiting now; the next one when it is answered. */
  private void fetch() {
    List<MonoSink<Long>> batch = new ArrayList<>();
    synchronized (this) {
      while (!waiting.isEmpty() && batch.size() < TimestampOracle.MAX_COUNT) {
        batch.add(waiting.poll());
      }
    }
    long attempts = Math.max(1, settings.oracleWait().toMillis() / RETRY_EVERY.toMillis());
    // Each call bounded on its own: a frozen or partitioned oracle primary is given up after
    // CALL_DEADLINE and the next call goes to the primary the topology names by then (without it,
    // one call waited out the HTTP client's timeout: FaultMatrixIT's frozen primary, 10 s).
    Mono.defer(() -> client.timestamps(oracleUrl(), batch.size()).timeout(CALL_DEADLINE))
        .retryWhen(
            Retry.fixedDelay(attempts, RETRY_EVERY)
                .filter(OracleTimestamps::retryable)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
        // A shard-server from before timestamps (a rolling upgrade): writes go without one, and
        // the shard stamps them above its own log's last.
        .onErrorResume(
            e -> e instanceof ShardServerException s && s.status() == 404,
            e -> Mono.just(new TimestampResponse(0, batch.size(), 0)))
        .subscribe(
            answer -> {
              hand(batch, answer);
              sendMore();
            },
            error -> {
              ApiException failure = unavailable(error);
              batch.forEach(s -> s.error(failure));
              sendMore();
            });
  }

  private static void hand(List<MonoSink<Long>> batch, TimestampResponse answer) {
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).success(answer.first() == 0 ? 0L : answer.slot(i));
    }
  }

  /** The next call when callers are waiting, else nothing in flight. */
  private void sendMore() {
    boolean more;
    synchronized (this) {
      more = !waiting.isEmpty();
      inFlight = more;
    }
    if (more) {
      fetch();
    }
  }

  /** The oracle shard's primary, as the current topology names it. */
  private String oracleUrl() {
    ShardTopology shard =
        topology
            .current()
            .topology()
            .oracleShard()
            .orElseThrow(
                () -> new ApiException(503, "timestamp oracle: the database has no shard"));
    return shard
        .primaryReplica()
        .map(Replica::url)
        .orElseThrow(
            () ->
                new ShardServerException(
                    shard.id(),
                    ShardServerException.UNREACHABLE,
                    "timestamp oracle: shard " + shard.id() + " has no primary"));
  }

  /** Worth asking again (perhaps of a new primary): unreachable, not primary, no lease yet. */
  private static boolean retryable(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException) {
      return true;
    }
    return e instanceof ShardServerException s
        && (s.status() == ShardServerException.UNREACHABLE
            || s.status() == 409
            || s.status() == 421
            || s.status() >= 500);
  }

  private static ApiException unavailable(Throwable e) {
    if (e instanceof ApiException a) {
      return a;
    }
    return new ApiException(
        503,
        "timestamp oracle unavailable: "
            + e.getMessage()
            + "; nothing was written, try again (DESIGN §11: writes wait for the oracle shard's"
            + " primary)");
  }
}
