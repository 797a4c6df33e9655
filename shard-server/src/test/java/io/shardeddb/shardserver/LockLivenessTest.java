package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.shardserver.replication.ReplicaContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A shard-server whose request locks are stuck answers {@code /health/liveness} with 503, so the
 * kubelet restarts it (before: liveness checked nothing a stuck lock stops, and the primary
 * deadlocked on 2026-11-28 answered UP for good while no request got through).
 */
class LockLivenessTest {
  private Replica replica;

  @AfterEach
  void stop() {
    if (replica != null) {
      replica.close();
    }
  }

  @Test
  @DisplayName(
      "the replica state's lock held past stuck-after: liveness DOWN naming the lock; freed: UP")
  void aStuckLockTurnsLivenessDownAndAFreedOneUpAgain() throws Exception {
    replica =
        Replica.start(
            "live-0",
            "lock_liveness",
            Map.of(
                "shardeddb.liveness.probe-interval", "100ms",
                "shardeddb.liveness.stuck-after", "1s"));
    String url = replica.url();
    assertThat(Http.get(url + "/health/liveness").status()).isEqualTo(200);

    ReplicaContext ctx = replica.bean(ReplicaContext.class);
    Thread holder =
        Thread.ofPlatform()
            .name("test-holds-the-replica-state")
            .start(
                () -> {
                  synchronized (ctx) {
                    try {
                      Thread.sleep(Duration.ofSeconds(60));
                    } catch (InterruptedException e) {
                      // released
                    }
                  }
                });
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Http.Reply r = Http.get(url + "/health/liveness");
                assertThat(r.status()).as(r.raw()).isEqualTo(503);
              });
    } finally {
      holder.interrupt();
      holder.join(10_000);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> assertThat(Http.get(url + "/health/liveness").status()).isEqualTo(200));
  }
}
