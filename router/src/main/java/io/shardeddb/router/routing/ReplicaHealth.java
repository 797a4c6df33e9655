package io.shardeddb.router.routing;

import io.micronaut.scheduling.annotation.Scheduled;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.router.shard.ShardReadCalls;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the router knows about each replica's health, from polling {@code /heartbeat} and from the
 * outcome of real calls. A replica not yet polled counts as healthy, so a fresh topology is usable
 * at once; a failed call marks it unhealthy until the next good heartbeat.
 */
@Singleton
public class ReplicaHealth {

  /** The last observation of one replica. */
  public record Observation(boolean reachable, Heartbeat heartbeat) {}

  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

  private final Map<String, Observation> byUrl = new ConcurrentHashMap<>();
  private final AtomicBoolean polling = new AtomicBoolean();
  private final TopologyHolder topology;
  private final ShardReadCalls client;
  private final RouterTime time;

  @Inject
  public ReplicaHealth(TopologyHolder topology, ShardReadCalls client) {
    this(topology, client, RouterTime.SYSTEM);
  }

  /**
   * As above, with the heartbeat timeout on {@code time}'s scheduler (the simulator's; production:
   * SYSTEM).
   */
  public ReplicaHealth(TopologyHolder topology, ShardReadCalls client, RouterTime time) {
    this.topology = topology;
    this.client = client;
    this.time = time;
  }

  /**
   * Polls every replica of the current topology once, without blocking the caller; skipped while
   * the previous round is still waiting for slow replicas, so rounds never pile up.
   */
  @Scheduled(
      fixedDelay = "${shardeddb.router.heartbeat.interval:1s}",
      initialDelay = "${shardeddb.router.heartbeat.interval:1s}")
  void pollAll() {
    if (polling.compareAndSet(false, true)) {
      poll().doFinally(s -> polling.set(false)).subscribe();
    }
  }

  /** Polls every replica of the current topology; completes when all have answered or failed. */
  public Mono<Void> poll() {
    Set<String> urls = new HashSet<>();
    for (ShardTopology s : topology.current().shards()) {
      for (Replica r : s.replicas()) {
        urls.add(r.url());
      }
    }
    byUrl.keySet().retainAll(urls);
    return Flux.fromIterable(urls)
        .flatMap(
            url ->
                client
                    .heartbeat(url)
                    .timeout(HEARTBEAT_TIMEOUT, time.scheduler())
                    .doOnNext(hb -> byUrl.put(url, new Observation(true, hb)))
                    .onErrorResume(
                        e -> {
                          byUrl.put(url, new Observation(false, null));
                          return Mono.empty();
                        }))
        .then();
  }

  /** Records that a real call to {@code url} failed to get an answer. */
  public void markUnreachable(String url) {
    byUrl.put(url, new Observation(false, null));
  }

  /** Whether {@code url} answered its last heartbeat (or was never polled) and serves reads. */
  public boolean healthy(String url) {
    Observation o = byUrl.get(url);
    if (o == null) {
      return true;
    }
    if (!o.reachable()) {
      return false;
    }
    ReplicaState state = o.heartbeat().state();
    return state == null || state == ReplicaState.Ready || state == ReplicaState.CatchingUp;
  }

  /** Whether {@code url} answered its last heartbeat; unknown when never polled. */
  public boolean reachable(String url) {
    Observation o = byUrl.get(url);
    return o == null || o.reachable();
  }

  /** Whether a heartbeat from {@code url} has been seen at all. */
  public boolean observed(String url) {
    return byUrl.containsKey(url);
  }

  /** The last heartbeat {@code url} answered, empty when never polled or unreachable now. */
  public Optional<Heartbeat> heartbeat(String url) {
    Observation o = byUrl.get(url);
    return o == null || !o.reachable() ? Optional.empty() : Optional.ofNullable(o.heartbeat());
  }

  /** The LSN {@code url} reported applied at its last heartbeat, or -1 when unknown. */
  public long appliedLsn(String url) {
    Observation o = byUrl.get(url);
    return o == null || !o.reachable() ? -1 : o.heartbeat().appliedLsn();
  }
}
