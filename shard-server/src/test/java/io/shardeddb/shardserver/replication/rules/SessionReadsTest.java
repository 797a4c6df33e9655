package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.shardserver.replication.rules.SessionReads.Session;
import org.junit.jupiter.api.Test;

/** Rule 9: which replica may serve a session's (epoch, lsn). */
class SessionReadsTest {
  @Test
  void anInSyncReplicaHoldingTheSessionsEntryServesIt() {
    assertThat(SessionReads.decide(true, 12, 2, 10, 2)).isEqualTo(Session.SERVE);
  }

  @Test
  void theSameLsnFromAnotherEpochIsAnotherHistory() {
    // An old primary's unacknowledged entry reused LSN 10.
    assertThat(SessionReads.decide(true, 12, 2, 10, 1)).isEqualTo(Session.OTHER_HISTORY);
  }

  @Test
  void aReplicaNotInSyncNeverServesASession() {
    assertThat(SessionReads.decide(false, 12, 2, 10, 2)).isEqualTo(Session.NOT_IN_SYNC);
  }

  @Test
  void aReplicaBehindWaitsAndOneThatTrimmedTheEntryCannotVerify() {
    assertThat(SessionReads.decide(true, 9, 2, 10, LogMatching.NOT_HELD))
        .isEqualTo(Session.NOT_YET);
    assertThat(SessionReads.decide(true, 12, 2, 10, LogMatching.NOT_HELD))
        .isEqualTo(Session.CANNOT_VERIFY);
  }

  @Test
  void theSessionFloorIsReachedByALogEndingAtOrAfterItEpochFirst() {
    LogPosition floor = new LogPosition(3, 40);
    assertThat(SessionReads.floor(true, new LogPosition(3, 40), floor)).isEqualTo(Session.SERVE);
    assertThat(SessionReads.floor(true, new LogPosition(3, 41), floor)).isEqualTo(Session.SERVE);
    // A later epoch's entry: its log holds every committed entry before it, the adopt included.
    assertThat(SessionReads.floor(true, new LogPosition(4, 12), floor)).isEqualTo(Session.SERVE);
    // Behind the adopt in its epoch, or a longer log of an older epoch (a cut-off old primary's
    // tail, or a secondary cut off before the range moved away and back): refused.
    assertThat(SessionReads.floor(true, new LogPosition(3, 39), floor)).isEqualTo(Session.NOT_YET);
    assertThat(SessionReads.floor(true, new LogPosition(2, 90), floor)).isEqualTo(Session.NOT_YET);
    assertThat(SessionReads.floor(false, new LogPosition(5, 90), floor))
        .isEqualTo(Session.NOT_IN_SYNC);
  }
}
