package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code /snapshot} for a re-copy answers only as the primary the caller expects (DESIGN §5 rules 4
 * and 7): a secondary whose primary's address is now served by another replica of the shard (an
 * address reused after a pod moved) never loads that replica's rows as its primary's history.
 */
class SnapshotIdentityTest {
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
      "a secondary re-copying from its primary's address, now served by an old primary of the"
          + " shard, copies nothing from it and counts for nothing")
  void aReCopyNeverLoadsAnotherServersSnapshotAtItsPrimarysAddress() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    for (long k = 0; k < 5; k++) {
      Http.Reply r = ThreeReplicaShard.write(shard.get(0), k);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(shard.get(0)));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(shard.get(0)));
            });

    // Epoch 2: replica 1 leads alone (nobody follows it), so its writes stay an unacknowledged
    // tail: rows 100..102 that no quorum ever held.
    for (int i = 0; i < 3; i++) {
      assertThat(shard.fence(i, 2).status()).isEqualTo(200);
    }
    Peer p1 = shard.get(1).peer();
    Http.Reply lead = shard.role(1, 2, Role.Primary, p1, shard.peers(), 3);
    assertThat(lead.status()).as(lead.raw()).isEqualTo(200);
    for (long k = 100; k < 103; k++) {
      Http.Reply w = ThreeReplicaShard.write(shard.get(1), k);
      assertThat(w.status()).as("a write no secondary holds: %s", w.raw()).isNotEqualTo(200);
    }

    // Epoch 3: replica 0 leads again; replica 2 follows it, but is told that replica 0 (by name)
    // lives at replica 1's address, and is asked to re-copy.
    for (int i = 0; i < 3; i++) {
      assertThat(shard.fence(i, 3).status()).isEqualTo(200);
    }
    Peer p0 = shard.get(0).peer();
    Peer stale = new Peer(shard.get(0).name, shard.get(1).url());
    Http.Reply follow = shard.role(2, 3, Role.Secondary, stale, shard.peers(), 3);
    assertThat(follow.status()).as(follow.raw()).isEqualTo(200);
    Http.Reply primary = shard.role(0, 3, Role.Primary, p0, shard.peers(), 3);
    assertThat(primary.status()).as(primary.raw()).isEqualTo(200);
    Http.Reply resync = Http.post(shard.get(2).url() + "/resync", "{}");
    assertThat(resync.status()).as(resync.raw()).isEqualTo(200);

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(2)).get("digest"))
                  .as("replica 2's rows, following %s: not replica 1's", stale)
                  .isNotEqualTo(checksum(shard.get(1)).get("digest"));
              assertThat(heartbeat(shard.get(2)).get("state").asText())
                  .as("replica 2, following %s", stale)
                  .isEqualTo("Copying");
            });
    Http.Reply w = ThreeReplicaShard.write(shard.get(0), 50);
    assertThat(w.status())
        .as("a write only the primary holds (its one follower copies from nobody): %s", w.raw())
        .isNotEqualTo(200);
    assertThat(checksum(shard.get(2)).get("rows").asLong())
        .as("replica 2 keeps its rows until a copy from its primary begins")
        .isEqualTo(5);
  }
}
