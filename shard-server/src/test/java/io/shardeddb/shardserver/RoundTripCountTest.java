package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.keys;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts the MariaDB round trips of one replicated write (on the primary and on each secondary) and
 * of one point read, with a Connector/J query interceptor ({@link SqlRoundTrips}); the numbers
 * docs/shard-server.md gives. Writes go one at a time, so each is its own group commit and its own
 * {@code /replicate} batch.
 */
class RoundTripCountTest {
  private static final int WRITES = 5;
  private ThreeReplicaShard shard;

  @BeforeEach
  void startShard() {
    shard =
        new ThreeReplicaShard(
            ThreeReplicaShard.CONFIG,
            Map.of(
                "shardeddb.storage.jdbc-properties",
                "queryInterceptors=" + SqlRoundTrips.class.getName(),
                // Secondaries that poll the primary's /log only when it has been quiet this long:
                // their catch-up reads would otherwise mix into the counts on a slow machine.
                "shardeddb.replication.poll-interval",
                "10s"));
    shard.assignAll(1, 0);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                List.of(0, 1, 2).stream()
                    .allMatch(i -> "Ready".equals(heartbeat(shard.get(i)).get("state").asText())));
  }

  @AfterEach
  void stopShard() {
    shard.close();
  }

  @Test
  void oneWriteAndOneReadCostAFewRoundTrips() {
    Replica primary = shard.get(0);
    // A first write and read warm every path (the term's no-op, prepared statement caches).
    assertThat(write(primary, 1).status()).isEqualTo(200);
    awaitApplied(heartbeat(primary).get("appliedLsn").asLong());
    assertThat(keys(primary, 1, 1)).containsExactly(1L);

    int[] perReplica = new int[3];
    long firstLsn = 0;
    for (int w = 0; w < WRITES; w++) {
      SqlRoundTrips.clear();
      // As the router sends it: with a request id (rule 8's lookup and record are on the path).
      Http.Reply reply = write(primary, 100 + w, "rt-" + w);
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      // The session token names the entry's epoch, known without a log lookup.
      assertThat(reply.json().get("epoch").asLong()).isEqualTo(1);
      awaitApplied(reply.json().get("lsn").asLong());
      firstLsn = w == 0 ? reply.json().get("lsn").asLong() : firstLsn;
      for (int i = 0; i < 3; i++) {
        List<String> sent = SqlRoundTrips.sent(shard.get(i).database);
        perReplica[i] += sent.size();
        if (w == WRITES - 1) {
          System.out.printf(
              "write: %s (%s) sent %d statements:%n  %s%n",
              shard.get(i).name,
              i == 0 ? "primary" : "secondary",
              sent.size(),
              String.join("\n  ", sent));
        }
      }
    }
    // A retry is answered from the recorded outcome, with the same LSN and epoch.
    Http.Reply retry = write(primary, 100, "rt-0");
    assertThat(retry.status()).as(retry.raw()).isEqualTo(200);
    assertThat(retry.json().get("epoch").asLong()).isEqualTo(1);
    assertThat(retry.json().get("lsn").asLong()).isEqualTo(firstLsn);

    SqlRoundTrips.clear();
    assertThat(keys(primary, 100, 100)).containsExactly(100L);
    List<String> read = SqlRoundTrips.sent(primary.database);
    System.out.printf(
        "read: primary sent %d statements:%n  %s%n", read.size(), String.join("\n  ", read));
    System.out.printf(
        "round trips per write: primary %.1f, secondaries %.1f and %.1f; per read %d%n",
        perReplica[0] / (double) WRITES,
        perReplica[1] / (double) WRITES,
        perReplica[2] / (double) WRITES,
        read.size());
    assertThat(perReplica[0]).isLessThanOrEqualTo(3 * WRITES);
    assertThat(perReplica[1]).isLessThanOrEqualTo(2 * WRITES);
    assertThat(perReplica[2]).isLessThanOrEqualTo(2 * WRITES);
    assertThat(read).hasSizeLessThanOrEqualTo(2);
  }

  private void awaitApplied(long lsn) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                List.of(1, 2).stream()
                    .allMatch(i -> heartbeat(shard.get(i)).get("appliedLsn").asLong() >= lsn));
  }
}
