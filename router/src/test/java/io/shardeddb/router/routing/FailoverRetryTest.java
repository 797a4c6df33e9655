package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.topology.TopologyHolder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Retries against the newest routing table, never waiting on a primary that was replaced. */
class FailoverRetryTest {
  private final TopologyHolder holder = new TopologyHolder("db");
  private final FailoverRetry retry =
      new FailoverRetry(
          holder,
          new ReplicaHealth(holder, null),
          new RouterMetrics(new SimpleMeterRegistry()),
          Duration.ofSeconds(30));

  private static Topology version(long v) {
    return new Topology("db", v, null, null, List.of(), Map.of());
  }

  @Test
  void aCallHangingOnAPrimaryThatWasReplacedIsRetriedAtOnceAgainstTheNewTopology() {
    holder.accept(version(1));
    List<Long> tried = new CopyOnWriteArrayList<>();
    Mono<String> call =
        retry.run(
            "shard sh1",
            table -> {
              tried.add(table.version());
              // The old primary hangs (paused process): its call never answers by itself.
              return table.version() == 1 ? Mono.never() : Mono.just("written");
            });

    var pending = call.toFuture();
    Mono.delay(Duration.ofMillis(200)).subscribe(x -> holder.accept(version(2)));

    assertThat(pending.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join())
        .isEqualTo("written");
    assertThat(tried).containsExactly(1L, 2L);
  }

  @Test
  void aFinishedCallLeavesNothingWaitingOnTheNextTopologyChange() {
    holder.accept(version(1));
    for (int i = 0; i < 1000; i++) {
      // Each call's downstream (here a 1 KB body, in the router a request's rows) must not stay
      // reachable from the pending "next topology" future once the call is over: in a stable
      // cluster that future never completes, so whatever waits on it is kept for good (the
      // 64 MB router once ran out of heap after ~100 writes of 200 rows this way, BigShardIT).
      byte[] body = new byte[1024];
      // Answered later, on another thread, like a shard-server's reply.
      Mono<byte[]> reply = Mono.delay(Duration.ZERO).thenReturn(body);
      assertThat(retry.run("shard sh1", table -> reply).map(b -> b.length).block()).isEqualTo(1024);
    }

    assertThat(holder.newerThan(1).getNumberOfDependents())
        .as("callbacks left on the pending topology future after 1000 finished calls")
        .isLessThanOrEqualTo(1);
  }

  @Test
  void backOffsAreJitteredBetweenHalfAndAllOfTheBackOffSoRetriesDoNotMarchInLockstep() {
    // The fourth failure in a row: 50 ms doubled three times.
    Duration b = Duration.ofMillis(400);
    assertThat(FailoverRetry.BACKOFF.delay(3, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(FailoverRetry.BACKOFF.delay(3, 0.5)).isEqualTo(Duration.ofMillis(300));
    assertThat(FailoverRetry.BACKOFF.delay(3, 0.999)).isBetween(Duration.ofMillis(399), b);
    assertThat(FailoverRetry.BACKOFF.delay(10, 0.999))
        .isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
  }
}
