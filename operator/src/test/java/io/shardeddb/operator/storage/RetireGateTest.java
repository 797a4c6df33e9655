package io.shardeddb.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.operator.storage.RetireGate.Answer;
import io.shardeddb.operator.storage.RetireGate.Delete;
import io.shardeddb.operator.storage.RetireGate.Status;
import io.shardeddb.operator.storage.RetireGate.Wait;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a shard merged away may lose its StatefulSet and volumes: with backups on, only once its
 * archive holds every entry it committed (a restore to a time before the merge keeps every write
 * acknowledged before it, DESIGN §9).
 */
class RetireGateTest {

  private static Status archiving(long archived, long committed) {
    return new Status(true, true, archived, committed, 0, false, null, null);
  }

  private static Status secondary(long archived, long committed) {
    return new Status(true, false, archived, committed, 0, false, null, null);
  }

  @Test
  void withBackupsOffItIsDeletedWithoutAskingAnything() {
    assertThat(RetireGate.decide("sh2", false, List.of())).isInstanceOf(Delete.class);
  }

  @Test
  void aPrimaryWhoseArchiveHoldsItsWholeLogLetsItGo() {
    assertThat(RetireGate.decide("sh2", true, List.of(Answer.of("db-sh2-0", archiving(7, 7)))))
        .isInstanceOfSatisfying(
            Delete.class, d -> assertThat(d.why()).contains("archived through LSN 7"));
  }

  @Test
  void aPrimaryWhoseArchiveLagsKeepsItNamingTheEntriesAndTheStoresError() {
    Status failing = new Status(true, true, 3, 7, 60_000, true, "connection refused", null);

    assertThat(RetireGate.decide("sh2", true, List.of(Answer.of("db-sh2-0", failing))))
        .isInstanceOfSatisfying(
            Wait.class,
            w -> {
              assertThat(w.entries()).isEqualTo(4);
              assertThat(w.message())
                  .startsWith(RetireGate.waitPrefix("sh2"))
                  .contains("4 committed entries (LSN 4..7) are not archived yet")
                  .contains("primary db-sh2-0")
                  .contains("has failed past its bound: connection refused");
            });
  }

  @Test
  void entriesUploadedByAPassThatHasNotEndedDoNotLetItGoYet() {
    // The archiver raises archivedLsn as each segment is stored, and reports no lag only once its
    // pass also wrote the archive's state (how far a restore to a time may go).
    Status midPass = new Status(true, true, 7, 7, 1_200, false, null, null);

    assertThat(RetireGate.decide("sh2", true, List.of(Answer.of("db-sh2-0", midPass))))
        .isInstanceOfSatisfying(
            Wait.class,
            w -> {
              assertThat(w.entries()).isZero();
              assertThat(w.message()).contains("archive's state not yet");
            });
  }

  @Test
  void anArchiveNeverStartedCountsEveryCommittedEntryAsMissing() {
    assertThat(RetireGate.decide("sh2", true, List.of(Answer.of("p", archiving(-1, 5)))))
        .isInstanceOfSatisfying(
            Wait.class,
            w -> {
              assertThat(w.entries()).isEqualTo(5);
              assertThat(w.message()).contains("LSN 1..5");
            });
  }

  @Test
  void aSecondarysCaughtUpAnswerDoesNotCountOnlyTheArchivingPrimarysDoes() {
    // A secondary reads the archive's state from the store now and then, and knows the commit
    // point only as far as it heard: it cannot vouch for the primary's last entries.
    assertThat(
            RetireGate.decide(
                "sh2",
                true,
                List.of(
                    Answer.of("db-sh2-1", secondary(9, 9)),
                    Answer.of("db-sh2-0", archiving(5, 9)))))
        .isInstanceOfSatisfying(
            Wait.class, w -> assertThat(w.message()).contains("LSN 6..9").contains("db-sh2-0"));
  }

  @Test
  void withoutAnArchivingAnswerItWaitsSayingWhatEachReplicaAnswered() {
    Status off = new Status(false, false, -1, 4, 0, false, null, null);
    assertThat(
            RetireGate.decide(
                "sh2",
                true,
                List.of(
                    Answer.failed("db-sh2-0", "connect timed out"),
                    Answer.of("db-sh2-1", secondary(9, 9)),
                    Answer.of("db-sh2-2", off))))
        .isInstanceOfSatisfying(
            Wait.class,
            w -> {
              assertThat(w.entries()).isEqualTo(-1);
              assertThat(w.message())
                  .startsWith(RetireGate.waitPrefix("sh2"))
                  .contains("no replica answers as its archiving primary")
                  .contains("db-sh2-0: no answer (connect timed out)")
                  .contains("db-sh2-1: not its archiving primary")
                  .contains("db-sh2-2: archiving is off on it");
            });
    assertThat(RetireGate.decide("sh2", true, List.of())).isInstanceOf(Wait.class);
  }

  @Test
  void aRefusedArchiveIsAnotherOwnersSoNothingOfOursIsLostAndItGoes() {
    Status refused =
        new Status(true, true, -1, 7, 0, false, null, "the archive belongs to database uid 1234");
    assertThat(RetireGate.decide("sh2", true, List.of(Answer.of("db-sh2-0", refused))))
        .isInstanceOfSatisfying(
            Delete.class, d -> assertThat(d.why()).contains("refused").contains("uid 1234"));
  }

  @Test
  void onlyAnArchivingOrRefusedAnswerSettlesIt() {
    assertThat(archiving(1, 2).decisive()).isTrue();
    assertThat(secondary(2, 2).decisive()).isFalse();
    assertThat(new Status(true, false, -1, 2, 0, false, null, "foreign").decisive()).isTrue();
  }

  @Test
  void theShardServersAnswerIsReadFieldByFieldAndAbsentFieldsMeanNothingArchived()
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    // ArchiveStatus as the shard-server writes it (shard-server/.../backup/ArchiveStatus.java).
    Status s =
        Status.of(
            json.readTree(
                "{\"enabled\":true,\"shard\":\"sh2\",\"archiving\":true,\"archivedLsn\":3,"
                    + "\"committedLsn\":7,\"archivedThroughMillis\":0,\"lagMillis\":900,"
                    + "\"bytes\":10,\"lastError\":\"503\",\"stalled\":true,\"gap\":null,"
                    + "\"refused\":null}"));
    assertThat(s).isEqualTo(new Status(true, true, 3, 7, 900, true, "503", null));
    assertThat(Status.of(json.readTree("{}")))
        .isEqualTo(new Status(false, false, -1, -1, 0, false, null, null));
  }

  @Test
  void aWaitIsAnnouncedOnceWhateverItsLagUntilTheConditionNoLongerShowsIt() {
    String shown = "sh1: copying; " + RetireGate.waitPrefix("sh2") + ": 4 committed entries";

    assertThat(RetireGate.announce("sh2", null)).isTrue();
    assertThat(RetireGate.announce("sh2", "nothing to do")).isTrue();
    assertThat(RetireGate.announce("sh2", shown)).isFalse();
    assertThat(RetireGate.announce("sh20", shown)).isTrue();
    assertThat(RetireGate.announce("sh", shown)).isTrue();
  }
}
