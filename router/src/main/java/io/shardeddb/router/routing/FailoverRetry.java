package io.shardeddb.router.routing;

import io.shardeddb.protocol.client.Backoff;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Retries a shard call that failed because its replica was unreachable, is no longer primary or
 * lacked its quorum: it waits for the next topology change (a failover) or a short back-off,
 * whichever comes first, then tries again against the then-current primary, until a deadline after
 * which the request fails with 503. Callers pass the same request id on every attempt, so a retry
 * is never applied twice.
 */
@Singleton
public class FailoverRetry {
  /**
   * From 50 ms to 1 s with "equal jitter" (between half of each step and all of it, by {@link
   * RouterTime#random()}): routers and requests that failed together then retry apart, not in
   * lockstep against a shard that just came back.
   */
  static final Backoff BACKOFF =
      Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), Backoff.Jitter.EQUAL);

  private final TopologyHolder topology;
  private final ReplicaHealth health;
  private final RouterMetrics metrics;
  private final Duration timeout;
  private final Duration movedTimeout;
  private final RouterTime time;

  /**
   * Every newer routing table, for the calls in flight to watch. A call subscribes here, not to the
   * holder's pending future: a CompletableFuture keeps each callback until it completes, and in a
   * stable cluster it never does, so a call that subscribed to it directly stayed reachable (with
   * its request's rows) after it ended. A sink forgets a subscriber when it cancels.
   */
  private final Sinks.Many<RoutingTable> newer = Sinks.many().multicast().directBestEffort();

  @Inject
  public FailoverRetry(
      TopologyHolder topology,
      ReplicaHealth health,
      RouterMetrics metrics,
      RouterSettings settings) {
    this(topology, health, metrics, settings.retry().timeout(), settings.movedRetryTimeout());
  }

  /** Retries on {@code topology} until {@code timeout} after the first attempt. */
  public FailoverRetry(
      TopologyHolder topology, ReplicaHealth health, RouterMetrics metrics, Duration timeout) {
    this(topology, health, metrics, timeout, Duration.ofSeconds(10));
  }

  /**
   * As above; a request a shard refused as not its own (421) is routed again for {@code
   * movedTimeout} after that first refusal.
   */
  public FailoverRetry(
      TopologyHolder topology,
      ReplicaHealth health,
      RouterMetrics metrics,
      Duration timeout,
      Duration movedTimeout) {
    this(topology, health, metrics, timeout, movedTimeout, RouterTime.SYSTEM);
  }

  /**
   * As above, on {@code time}'s clock, chance and scheduler (the simulator's; production: SYSTEM).
   */
  public FailoverRetry(
      TopologyHolder topology,
      ReplicaHealth health,
      RouterMetrics metrics,
      Duration timeout,
      Duration movedTimeout,
      RouterTime time) {
    this.time = time;
    this.topology = topology;
    this.health = health;
    this.metrics = metrics;
    this.timeout = timeout;
    this.movedTimeout = movedTimeout;
    follow(topology.current().version());
  }

  /**
   * One request's budget for routing again after 421 answers: the deadline starts at the first
   * refusal ({@code moved-retry-timeout}), the back-off between tries of an unchanged layout grows
   * from 50 ms to 1 s. Shared by every part of the request (all its shards' calls).
   */
  public static final class MovedBudget {
    private long deadline;
    private int refusals;

    private synchronized long deadline(long now, Duration timeout) {
      if (deadline == 0) {
        deadline = now + timeout.toNanos();
      }
      return deadline;
    }

    private synchronized Duration nextBackoff(double random) {
      return BACKOFF.delay(refusals++, random);
    }
  }

  /** The clock, chance and scheduler the retries run on. */
  public RouterTime time() {
    return time;
  }

  /** A fresh budget for one request. */
  public MovedBudget movedBudget() {
    return new MovedBudget();
  }

  /**
   * After a shard refused a call planned on layout {@code planned} as not its own ({@code refusal},
   * 421): signals the routing table to plan it again on — the first newer one, or the current one
   * after a back-off (a move that was rolled back leaves the layout as it was, and the shard owns
   * the range again) — or fails with 503 naming {@code what} (the key range that is moving) once
   * the request's budget is spent.
   */
  public Mono<RoutingTable> afterNotOwned(
      MovedBudget budget, long planned, String what, ShardServerException refusal) {
    long now = time.nanos();
    long left = budget.deadline(now, movedTimeout) - now;
    if (left <= 0) {
      return Mono.error(
          new ApiException(
              503,
              what
                  + ": this key range is moving to another shard; the shard no longer owns it and"
                  + " no newer layout routed it elsewhere within "
                  + movedTimeout.toSeconds()
                  + " s; retry later (shard-server: "
                  + refusal.getMessage()
                  + ")"));
    }
    metrics.movedRetry();
    Duration backoff = budget.nextBackoff(time.random());
    Duration wait =
        backoff.compareTo(Duration.ofNanos(left)) < 0 ? backoff : Duration.ofNanos(left);
    return Mono.firstWithSignal(
        newerThan(planned), Mono.delay(wait, time.scheduler()).map(x -> topology.current()));
  }

  /**
   * The first routing table newer than {@code planned}, or the current one after {@code wait}: a
   * request that found its layout behind what the client already saw (a session token naming a
   * shard it lacks) gives the sources this long to deliver the newer one.
   */
  public Mono<RoutingTable> newerWithin(long planned, Duration wait) {
    return Mono.firstWithSignal(
        newerThan(planned), Mono.delay(wait, time.scheduler()).map(x -> topology.current()));
  }

  /** Publishes each topology newer than {@code version} into {@link #newer}, one at a time. */
  private void follow(long version) {
    topology
        .newerThan(version)
        .thenAccept(
            table -> {
              newer.emitNext(table, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
              follow(table.version());
            });
  }

  /**
   * Signals the first routing table newer than {@code version}: subscribes to {@link #newer} before
   * it looks at the current table, so a change in between is not missed.
   */
  private Mono<RoutingTable> newerThan(long version) {
    return Flux.merge(newer.asFlux(), Mono.fromSupplier(topology::current))
        .filter(table -> table.version() > version)
        .next();
  }

  /**
   * Runs {@code attempt} against the current routing table, retrying retriable failures until the
   * deadline; {@code what} names the target in the 503 message (e.g. "shard sh2").
   */
  public <T> Mono<T> run(String what, Function<RoutingTable, Mono<T>> attempt) {
    long deadline = time.nanos() + timeout.toNanos();
    return Mono.defer(() -> attempt(what, attempt, deadline, 0));
  }

  private <T> Mono<T> attempt(
      String what, Function<RoutingTable, Mono<T>> attempt, long deadline, int failures) {
    RoutingTable table = topology.current();
    // A newer topology (e.g. a failover away from a primary that hangs) supersedes a call still in
    // flight: it is cancelled and retried at once with the same request id, so a hung process
    // costs the client nothing beyond the failover itself (DESIGN §5 rule 10). The retry is safe:
    // the shard-servers deduplicate by request id, and a fenced primary can commit nothing.
    Mono<T> superseded =
        newerThan(table.version())
            .flatMap(
                newer ->
                    Mono.error(
                        new ShardServerException(
                            "", 503, what + ": the topology changed while a call was in flight")));
    return Mono.firstWithSignal(Mono.defer(() -> attempt.apply(table)), superseded)
        .onErrorResume(
            e -> e instanceof ShardServerException s && s.retriable(),
            e -> {
              ShardServerException s = (ShardServerException) e;
              if (s.status() == ShardServerException.UNREACHABLE) {
                health.markUnreachable(s.url());
              }
              long left = deadline - time.nanos();
              if (left <= 0) {
                return Mono.error(
                    new ApiException(
                        503,
                        what
                            + " has no primary that accepted the request within "
                            + timeout.toSeconds()
                            + " s (last error: "
                            + s.getMessage()
                            + ")"));
              }
              metrics.retry();
              Duration jittered = BACKOFF.delay(failures, time.random());
              Duration wait =
                  jittered.compareTo(Duration.ofNanos(left)) < 0
                      ? jittered
                      : Duration.ofNanos(left);
              // A failover shows up as a newer topology; a restarted replica only as time passing.
              Mono<Object> changed = newerThan(table.version()).cast(Object.class);
              return Mono.firstWithSignal(
                      changed, Mono.delay(wait, time.scheduler()).cast(Object.class))
                  .then(Mono.defer(() -> attempt(what, attempt, deadline, failures + 1)));
            });
  }

  /**
   * Runs {@code attempt} planned on {@code planned}; when a shard refuses it as not its own (421),
   * plans it again on the table {@link #afterNotOwned} gives, until it succeeds, fails otherwise or
   * the budget is spent. {@code what} names, for a layout, the key range the attempt covers (for
   * the 503 message). The attempt must keep its request ids across plans: a shard whose rows moved
   * may have applied them before its range was fenced, and the new owner imported them with their
   * ids (docs/resharding.md).
   */
  public <T> Mono<T> rerouted(
      RoutingTable planned,
      MovedBudget budget,
      Function<RoutingTable, String> what,
      Function<RoutingTable, Mono<T>> attempt) {
    return Mono.defer(() -> attempt.apply(planned))
        .onErrorResume(
            e -> e instanceof ShardServerException s && s.notOwned(),
            e ->
                afterNotOwned(
                        budget, planned.version(), what.apply(planned), (ShardServerException) e)
                    // Planned again as a request of the same table.
                    .flatMap(next -> rerouted(planned.sameTable(next), budget, what, attempt)));
  }
}
