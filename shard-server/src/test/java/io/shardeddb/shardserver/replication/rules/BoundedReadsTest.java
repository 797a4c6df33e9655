package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.BoundedReads.Bounded;
import org.junit.jupiter.api.Test;

/** Rule 9, bounded reads: the decision a secondary makes ({@link BoundedReads}). */
class BoundedReadsTest {
  private static final long MS = 1_000_000L;

  @Test
  void servedOnlyWhileTheLastCaughtUpContactOfThisEpochIsWithinTheBound() {
    long contact = 10_000 * MS;
    assertThat(BoundedReads.decide(true, 3, 3, contact, contact + 500 * MS, 500 * MS))
        .isEqualTo(Bounded.SERVE);
    assertThat(BoundedReads.decide(true, 3, 3, contact, contact + 501 * MS, 500 * MS))
        .isEqualTo(Bounded.TOO_STALE);
    // A contact of an earlier epoch proves nothing about the current primary.
    assertThat(BoundedReads.decide(true, 4, 3, contact, contact + MS, 500 * MS))
        .isEqualTo(Bounded.TOO_STALE);
    assertThat(BoundedReads.decide(true, 3, 3, BoundedReads.NEVER, contact, 500 * MS))
        .isEqualTo(Bounded.TOO_STALE);
    // Out of sync (copying, unverified, fenced): never, however recent the contact.
    assertThat(BoundedReads.decide(false, 3, 3, contact, contact, 500 * MS))
        .isEqualTo(Bounded.NOT_IN_SYNC);
  }

  @Test
  void aContactProvesCaughtUpOnlyWithTheLeaseHoldersCommitLsnApplied() {
    assertThat(BoundedReads.caughtUp(true, 42L, 42)).isTrue();
    assertThat(BoundedReads.caughtUp(true, 42L, 41)).isFalse();
    // No commitLsn: the primary did not hold its lease, or predates the field.
    assertThat(BoundedReads.caughtUp(true, null, 100)).isFalse();
    assertThat(BoundedReads.caughtUp(true, -1L, 100)).isFalse();
    assertThat(BoundedReads.caughtUp(false, 42L, 42)).isFalse();
  }
}
