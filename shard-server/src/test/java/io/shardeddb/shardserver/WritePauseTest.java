package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A restore point's pause on a real three-replica shard (docs/backup.md): the resume answers
 * whether the pause still held, and only the primary of the expected epoch holding its lease
 * answers a cut.
 */
class WritePauseTest {
  private static ThreeReplicaShard shard;
  private static Replica primary;

  @BeforeAll
  static void start() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(shard);
    primary = shard.get(0);
    // The lease holds one lease period after the promotion, once a majority acknowledged epoch 1.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(pause(primary, "warm-up", 100, 1L).status()).isEqualTo(200));
    resume(primary, "warm-up");
  }

  @AfterAll
  static void stop() {
    shard.close();
  }

  private static Http.Reply pause(Replica r, String id, long millis, Long epoch) {
    return Http.post(
        r.url() + "/backup/pause",
        "{\"id\":\"" + id + "\",\"millis\":" + millis + ",\"epoch\":" + epoch + "}");
  }

  private static Http.Reply resume(Replica r, String id) {
    return Http.post(r.url() + "/backup/resume", "{\"id\":\"" + id + "\",\"millis\":0}");
  }

  @Test
  @DisplayName("a resume after the pause's lease ran out says Lapsed: writes committed meanwhile")
  void aResumeAfterTheLeaseRanOutSaysLapsed() {
    Http.Reply cut = pause(primary, "p-lapse", 300, 1L);
    assertThat(cut.status()).as(cut.raw()).isEqualTo(200);
    long lsn = cut.json().get("lsn").asLong();
    // The write waits out the pause's lease, then commits after the cut.
    Http.Reply w = write(primary, 101);
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
    assertThat(ThreeReplicaShard.heartbeat(primary).get("appliedLsn").asLong()).isGreaterThan(lsn);

    Http.Reply resumed = resume(primary, "p-lapse");

    assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
    assertThat(resumed.json().path("hold").asText()).as(resumed.raw()).isEqualTo("Lapsed");
  }

  @Test
  @DisplayName("a resume while the pause holds says Held: nothing committed after the cut")
  void aResumeWhileThePauseHoldsSaysHeld() {
    Http.Reply cut = pause(primary, "p-held", 5_000, 1L);
    assertThat(cut.status()).as(cut.raw()).isEqualTo(200);

    Http.Reply resumed = resume(primary, "p-held");

    assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
    assertThat(resumed.json().path("hold").asText()).as(resumed.raw()).isEqualTo("Held");
    Http.Reply w = write(primary, 102);
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
  }

  @Test
  @DisplayName("a resume of a pause this server never took says Lapsed")
  void aResumeOfAnUnknownPauseSaysLapsed() {
    Http.Reply resumed = resume(primary, "never-paused");

    assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
    assertThat(resumed.json().path("hold").asText()).as(resumed.raw()).isEqualTo("Lapsed");
  }

  @Test
  @DisplayName("a pause for another epoch, or sent to a secondary, is refused with 409")
  void aPauseOfAnotherEpochOrOnASecondaryIsRefused() {
    Http.Reply stale = pause(primary, "p-epoch", 1_000, 2L);
    assertThat(stale.status()).as(stale.raw()).isEqualTo(409);
    assertThat(stale.message()).contains("epoch");

    Http.Reply secondary = pause(shard.get(1), "p-secondary", 1_000, 1L);
    assertThat(secondary.status()).as(secondary.raw()).isEqualTo(409);

    Http.Reply w = write(primary, 103);
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "a pause on a primary whose secondaries were fenced by a newer epoch meanwhile resumes"
          + " Unconfirmed: a successor may have committed while it held")
  void aResumeAfterAMajorityWasFencedSaysUnconfirmed() {
    try (ThreeReplicaShard deposed = new ThreeReplicaShard()) {
      deposed.assignAll(1, 0);
      ThreeReplicaShard.awaitReady(deposed);
      Replica old = deposed.get(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(pause(old, "p-warm", 100, 1L).status()).isEqualTo(200));
      resume(old, "p-warm");
      Http.Reply cut = pause(old, "p-deposed", 5_000, 1L);
      assertThat(cut.status()).as(cut.raw()).isEqualTo(200);
      // A failover has begun: a majority is fenced at epoch 2, and a successor could commit.
      for (int i = 1; i <= 2; i++) {
        Http.Reply fenced = deposed.fence(i, 2);
        assertThat(fenced.status()).as(fenced.raw()).isEqualTo(200);
      }

      Http.Reply resumed = resume(old, "p-deposed");

      assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
      assertThat(resumed.json().path("hold").asText()).as(resumed.raw()).isEqualTo("Unconfirmed");
    }
  }
}
