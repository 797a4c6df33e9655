package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /replicate} is applied only by the replica it is meant for (DESIGN §5 rules 4 and 5): a
 * primary whose peer list still names a replica at an address that another replica of the shard now
 * serves (a pod moved and its address was reused) must not count that other replica's answer as the
 * named one's — one copy counted twice would let a write be acknowledged by fewer replicas than its
 * quorum.
 */
class ReplicateIdentityTest {
  private ThreeReplicaShard shard;

  @AfterEach
  void stop() {
    if (shard != null) {
      shard.close();
    }
  }

  @ParameterizedTest(name = "replication stream {0}")
  @ValueSource(strings = {"true", "false"})
  @DisplayName(
      "a replica answering at another replica's address is not counted as that replica: a write"
          + " two copies hold is not acknowledged under a quorum of three of five")
  void oneCopyIsNeverCountedTwice(String stream) {
    shard =
        new ThreeReplicaShard(
            ThreeReplicaShard.CONFIG, Map.of("shardeddb.replication.stream", stream));
    shard.assignAll(1, 0);
    Http.Reply first = ThreeReplicaShard.write(shard.get(0), 1);
    assertThat(first.status()).as(first.raw()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(checksum(shard.get(1))).isEqualTo(checksum(shard.get(0))));

    // Epoch 2, five voters (three of five make a quorum): replica 1 follows; "ghost-3" is listed
    // at replica 1's address (its old address, now reused), "ghost-4" at an address nobody serves.
    for (int i = 0; i < 3; i++) {
      assertThat(shard.fence(i, 2).status()).isEqualTo(200);
    }
    Peer p0 = shard.get(0).peer();
    Peer p1 = shard.get(1).peer();
    List<Peer> five =
        List.of(
            p0,
            p1,
            new Peer("ghost-3", shard.get(1).url()),
            new Peer("ghost-4", "http://127.0.0.1:9"));
    Http.Reply s = shard.role(1, 2, Role.Secondary, p0, five, 5);
    assertThat(s.status()).as(s.raw()).isEqualTo(200);
    Http.Reply p = shard.role(0, 2, Role.Primary, p0, five, 5);
    assertThat(p.status()).as(p.raw()).isEqualTo(200);

    Http.Reply w = ThreeReplicaShard.write(shard.get(0), 2);
    assertThat(w.status())
        .as("a write held by replicas 0 and 1 only, under a quorum of 3 of 5: %s", w.raw())
        .isNotEqualTo(200);
  }
}
