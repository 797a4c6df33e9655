package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code /log} answers only as the primary the caller expects: a secondary whose primary's address
 * is now served by another replica (an address reused after a pod moved) never takes that replica's
 * log as its primary's, nor counts itself in sync from it.
 */
class LogIdentityTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private ThreeReplicaShard shard;

  @AfterEach
  void stop() {
    if (shard != null) {
      shard.close();
    }
  }

  @Test
  @DisplayName(
      "a secondary pointed at an address that another replica serves does not become Ready from"
          + " that replica's log")
  void aSecondaryNeverFollowsAnotherServerAtItsPrimarysAddress() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    for (long k = 0; k < 10; k++) {
      Http.Reply r = ThreeReplicaShard.write(shard.get(0), k);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(checksum(shard.get(2))).isEqualTo(checksum(shard.get(0))));

    // Epoch 2: replica 0 leads, replica 1 follows (the primary does not push to replica 2);
    // replica 2 is told that its primary (replica 0, by name) lives at replica 1's address.
    for (int i = 0; i < 3; i++) {
      assertThat(shard.fence(i, 2).status()).isEqualTo(200);
    }
    Peer p0 = shard.get(0).peer();
    List<Peer> known = List.of(p0, shard.get(1).peer());
    assertThat(shard.role(0, 2, Role.Primary, p0, known, 3).status()).isEqualTo(200);
    assertThat(shard.role(1, 2, Role.Secondary, p0, known, 3).status()).isEqualTo(200);
    Peer stale = new Peer(shard.get(0).name, shard.get(1).url());
    Http.Reply r = shard.role(2, 2, Role.Secondary, stale, shard.peers(), 3);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    for (long k = 10; k < 20; k++) {
      Http.Reply w = ThreeReplicaShard.write(shard.get(0), k);
      assertThat(w.status()).as(w.raw()).isEqualTo(200);
    }
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(checksum(shard.get(1))).isEqualTo(checksum(shard.get(0))));

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(heartbeat(shard.get(2)).get("state").asText())
                    .as("replica 2, following %s", stale)
                    .isNotEqualTo("Ready"));
  }
}
