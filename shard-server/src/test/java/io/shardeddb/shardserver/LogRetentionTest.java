package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The replication log is bounded; a replica that needs trimmed entries re-copies instead. */
class LogRetentionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  @DisplayName("entries beyond the retention are trimmed (410); a lagging secondary re-copies")
  void laggingSecondaryRecopiesWhenTheLogWasTrimmed() {
    Map<String, Object> smallLog =
        Map.of(
            "shardeddb.replication.log-retention",
            5,
            "shardeddb.replication.log-trim-interval",
            "200ms");
    try (ThreeReplicaShard shard = new ThreeReplicaShard(ThreeReplicaShard.CONFIG, smallLog)) {
      shard.assignAll(1, 0);
      Replica primary = shard.get(0);
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready"));
      writeAll(primary, 0, 5);
      shard.get(2).stop();
      writeAll(primary, 5, 40);

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> assertThat(Http.get(primary.url() + "/log?fromLsn=2").status()).isEqualTo(410));
      shard.get(2).start();

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready");
                assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
              });
      assertThat(checksum(primary).get("rows").asLong()).isEqualTo(40);
    }
  }

  private static void writeAll(Replica primary, long from, long to) {
    for (long k = from; k < to; k++) {
      Http.Reply r = write(primary, k);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
  }
}
