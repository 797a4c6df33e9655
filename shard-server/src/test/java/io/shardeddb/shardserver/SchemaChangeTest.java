package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A schema change as a log entry (docs/log-format.md, "Schema entries"): {@code POST /schema} on
 * the primary adds columns; every copy applies it in log order — the secondaries, a restarted
 * replica, a wiped one re-copied from a snapshot — and the rows stored before it read as the added
 * columns' defaults on every copy.
 */
class SchemaChangeTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final String V1_COLUMNS =
      """
      {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
      {"name":"Stud_marks","type":"Number"},{"name":"gpa","type":"Decimal"},
      {"name":"active","type":"Boolean"}""";

  private static final String V2 =
      """
      {"version":2,"schema":{"table":"students","shardKey":"Stud_id","columns":[%s,
       {"name":"note","type":"String","nullable":true},
       {"name":"level","type":"Number","default":"7"}]}}"""
          .formatted(V1_COLUMNS);

  private ThreeReplicaShard shard;

  @BeforeEach
  void startShard() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(shard);
  }

  @AfterEach
  void stopShard() {
    shard.close();
  }

  @Test
  @DisplayName(
      "added columns reach every copy in log order; old rows read as the defaults everywhere")
  void addedColumnsReachEveryCopy() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 20).status()).isEqualTo(200);
    // Before the change the new column is unknown: a clear 400, nothing written.
    Http.Reply early = Http.post(primary.url() + "/write", writeWithNote(100, "x"));
    assertThat(early.status()).as(early.raw()).isEqualTo(400);
    assertThat(early.raw()).contains("unknown column 'note'");

    Http.Reply changed = Http.post(primary.url() + "/schema", V2);
    assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
    assertThat(changed.json().get("version").asLong()).isEqualTo(2);

    Http.Reply late = Http.post(primary.url() + "/write", writeWithNote(100, "hello"));
    assertThat(late.status()).as(late.raw()).isEqualTo(200);
    assertThat(ThreeReplicaShard.writeRange(primary, 20, 30).status()).isEqualTo(200);

    JsonNode old = readKey(primary, 3);
    assertThat(old.get("level").asLong()).isEqualTo(7);
    assertThat(old.get("note").isNull()).isTrue();
    JsonNode fresh = readKey(primary, 100);
    assertThat(fresh.get("note").asText()).isEqualTo("hello");
    assertThat(fresh.get("level").asLong()).isEqualTo(7);
    assertThat(readKey(primary, 25).get("level").asLong()).isEqualTo(7);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(readKey(shard.get(1), 3).get("level").asLong()).isEqualTo(7);

    // The same change again appends an entry that alters nothing.
    Http.Reply again = Http.post(primary.url() + "/schema", V2);
    assertThat(again.status()).as(again.raw()).isEqualTo(200);

    // A restarted replica keeps version 2; a wiped one gets it from the primary's snapshot.
    shard.get(1).stop();
    shard.get(1).start();
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    assertThat(Http.post(primary.url() + "/write", writeWithNote(101, "after")).status())
        .isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(readKey(shard.get(2), 101).get("note").asText()).isEqualTo("after");
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(32);
  }

  @Test
  @DisplayName("a change that cannot follow is refused naming why, and changes nothing")
  void refusals() {
    Replica primary = shard.get(0);
    Http.Reply skip =
        Http.post(primary.url() + "/schema", V2.replace("\"version\":2", "\"version\":3"));
    assertThat(skip.status()).as(skip.raw()).isEqualTo(409);
    assertThat(skip.raw()).contains("is at schema version 1").contains("after version 2");

    Http.Reply required =
        Http.post(primary.url() + "/schema", V2.replace("\"default\":\"7\"", "\"nullable\":false"));
    assertThat(required.status()).as(required.raw()).isEqualTo(400);
    assertThat(required.raw()).contains("added column 'level' needs NULL or a DEFAULT");

    Http.Reply dropped =
        Http.post(
            primary.url() + "/schema",
            V2.replace(
                "{\"name\":\"active\",\"type\":\"Boolean\"}",
                "{\"name\":\"x\",\"type\":\"Boolean\",\"nullable\":true}"));
    assertThat(dropped.status()).as(dropped.raw()).isEqualTo(400);
    assertThat(dropped.raw()).contains("column 'active' is removed");

    Http.Reply secondary = Http.post(shard.get(1).url() + "/schema", V2);
    assertThat(secondary.status()).as(secondary.raw()).isEqualTo(409);
    assertThat(secondary.raw()).contains("not primary");

    assertThat(Http.post(primary.url() + "/schema", V2).status()).isEqualTo(200);
    Http.Reply other =
        Http.post(primary.url() + "/schema", V2.replace("\"default\":\"7\"", "\"default\":\"8\""));
    assertThat(other.status()).as(other.raw()).isEqualTo(409);
    assertThat(other.raw()).contains("is at schema version 2");
  }

  private static String writeWithNote(long key, String note) {
    String row = ThreeReplicaShard.row(key);
    return "{\"shard\":\"sh1\",\"curr_idx\":0,\"data\":["
        + row.substring(0, row.length() - 1)
        + ",\"note\":\""
        + note
        + "\"}]}";
  }

  private static JsonNode readKey(Replica r, long key) {
    JsonNode rows =
        Http.post(
                r.url() + "/read",
                "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":" + key + ",\"high\":" + key + "}}")
            .json()
            .get("data");
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
