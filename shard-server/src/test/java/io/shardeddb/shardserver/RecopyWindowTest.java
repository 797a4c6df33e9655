package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.shardserver.storage.DatabaseNames;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rule 7's window: while a re-copy deletes the old rows, the replica already answers {@code /fence}
 * and {@code /heartbeat} as Copying at LSN 0, never with the position whose rows are going. The
 * delete is held up by a row lock taken from another session, so the window stays open.
 */
class RecopyWindowTest {
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
      "a fence that arrives while a re-copy deletes the old rows is answered Copying at lsn 0")
  void aFenceDuringTheRecopysDeleteReportsCopyingAtLsnZero() throws Exception {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    for (long k = 0; k < 20; k++) {
      Http.Reply r = ThreeReplicaShard.write(shard.get(0), k);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    Replica s = shard.get(2);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(checksum(s)).isEqualTo(checksum(shard.get(0))));
    long held = heartbeat(s).get("appliedLsn").asLong();
    assertThat(held).isPositive();

    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection lock = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.execute(
            "SELECT * FROM `"
                + s.database
                + "`.`"
                + DatabaseNames.userTable("students")
                + "` FOR UPDATE");
      }
      Http.Reply resync = Http.post(s.url() + "/resync", "{}");
      assertThat(resync.status()).as(resync.raw()).isEqualTo(200);
      // The copy has begun (its snapshot is small) and now waits on the lock to delete the rows.
      Thread.sleep(1500);
      Http.Reply fenced = shard.fence(2, 2);
      assertThat(fenced.status()).as(fenced.raw()).isEqualTo(200);
      JsonNode hb = heartbeat(s);
      lock.rollback();
      assertThat(fenced.json().get("state").asText()).isEqualTo("Copying");
      assertThat(fenced.json().get("lastLsn").asLong())
          .as("the fence answer's position while the rows of lsn %d are being deleted", held)
          .isZero();
      assertThat(hb.get("appliedLsn").asLong()).isZero();
    }
  }
}
