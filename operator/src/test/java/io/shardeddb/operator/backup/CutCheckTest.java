package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.backup.CutCheck.Fail;
import io.shardeddb.operator.backup.CutCheck.PauseResult;
import io.shardeddb.operator.backup.CutCheck.Retry;
import io.shardeddb.operator.backup.CutCheck.Store;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision on one restore-point attempt: stored only when every shard's pause overlapped. */
class CutCheckTest {

  @Test
  void everyPauseHeldUntilItsResume_thenTheCutIsStoredWithEachShardsLsn() {
    CutCheck.Decision d =
        CutCheck.decide(List.of(PauseResult.held("sh2", 40), PauseResult.held("sh1", 7)), 1);

    assertThat(d).isEqualTo(new Store(Map.of("sh1", 7L, "sh2", 40L)));
  }

  @Test
  void onePauseLapsed_thenNothingIsStoredAndTheAttemptIsRetriedNamingTheShard() {
    CutCheck.Decision d =
        CutCheck.decide(List.of(PauseResult.lapsed("sh1", 7), PauseResult.held("sh2", 40)), 1);

    assertThat(d).isInstanceOf(Retry.class);
    assertThat(((Retry) d).reason())
        .contains("shard sh1: its pause lapsed before the resume")
        .doesNotContain("sh2")
        .contains("attempt 1 of " + CutCheck.MAX_ATTEMPTS);
  }

  @Test
  void aPauseRefusedOrAResumeUnanswered_thenTheAttemptIsRetried() {
    assertThat(
            CutCheck.decide(
                List.of(
                    PauseResult.held("sh1", 7), PauseResult.notPaused("sh2", "409 epoch 3 not 4")),
                2))
        .isInstanceOfSatisfying(
            Retry.class, r -> assertThat(r.reason()).contains("sh2: it did not pause: 409"));
    assertThat(
            CutCheck.decide(
                List.of(PauseResult.unknown("sh1", 7, "timed out"), PauseResult.held("sh2", 4)), 2))
        .isInstanceOfSatisfying(
            Retry.class, r -> assertThat(r.reason()).contains("sh1: its resume got no answer"));
  }

  @Test
  void aPrimaryWhoseEpochNoMajorityConfirmedAfterTheResume_thenTheAttemptIsRetried() {
    assertThat(
            CutCheck.decide(
                List.of(PauseResult.held("sh1", 7), PauseResult.unconfirmed("sh2", 40)), 1))
        .isInstanceOfSatisfying(
            Retry.class,
            r -> assertThat(r.reason()).contains("shard sh2: no majority confirmed its primary"));
  }

  @Test
  void theLastAttemptNotConsistent_thenTheRestorePointFails() {
    CutCheck.Decision d =
        CutCheck.decide(
            List.of(PauseResult.held("sh1", 7), PauseResult.lapsed("sh2", 40)),
            CutCheck.MAX_ATTEMPTS);

    assertThat(d).isInstanceOf(Fail.class);
    assertThat(((Fail) d).reason())
        .contains("not a consistent cut")
        .contains("shard sh2: its pause lapsed")
        .contains("after " + CutCheck.MAX_ATTEMPTS + " attempts");
  }

  @Test
  void theLastAttemptConsistent_thenItIsStoredAllTheSame() {
    assertThat(CutCheck.decide(List.of(PauseResult.held("sh1", 7)), CutCheck.MAX_ATTEMPTS))
        .isEqualTo(new Store(Map.of("sh1", 7L)));
  }

  @Test
  void noShards_thenNothingIsStored() {
    assertThat(CutCheck.decide(List.of(), 1)).isInstanceOf(Fail.class);
  }
}
