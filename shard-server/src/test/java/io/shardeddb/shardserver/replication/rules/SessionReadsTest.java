package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

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
}
