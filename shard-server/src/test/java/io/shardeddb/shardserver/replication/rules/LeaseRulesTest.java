package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.LeaseRules.Lease;
import org.junit.jupiter.api.Test;

/** Rule 9: when a primary holds its read lease. */
class LeaseRulesTest {
  private static final long LEASE = 2_000;
  private static final long DRIFT = 200;

  @Test
  void aNewPrimaryWaitsOneLeasePeriodPlusDriftAfterItsPromotion() {
    long[] acks = {9_900, 9_900};
    assertThat(LeaseRules.primaryLease(10_000, 8_500, LEASE, DRIFT, false, 2, acks))
        .isEqualTo(Lease.TOO_SOON_AFTER_PROMOTION);
    assertThat(LeaseRules.primaryLease(10_000, 7_800, LEASE, DRIFT, false, 2, acks))
        .isEqualTo(Lease.HELD);
  }

  @Test
  void aPrimaryPromotedAfterItsFormerHandedTheLeaseOverDoesNotWait() {
    long[] acks = {9_900, 9_900};
    assertThat(LeaseRules.primaryLease(10_000, 9_999, LEASE, DRIFT, true, 2, acks))
        .isEqualTo(Lease.HELD);
    // It still needs its majority's recent acknowledgements.
    assertThat(LeaseRules.primaryLease(10_000, 9_999, LEASE, DRIFT, true, 2, new long[] {7_000}))
        .isEqualTo(Lease.EXPIRED);
  }

  @Test
  void aPrimaryPastItsWaitOrAReplicaSilentForALeaseHandsItsLeaseOver() {
    assertThat(LeaseRules.handsOverLease(true, Lease.HELD, 0, LEASE)).isTrue();
    assertThat(LeaseRules.handsOverLease(true, Lease.EXPIRED, 0, LEASE)).isTrue();
    // Promoted less than a lease period ago: a primary before it may still serve reads.
    assertThat(LeaseRules.handsOverLease(true, Lease.TOO_SOON_AFTER_PROMOTION, 0, LEASE)).isFalse();
    // Any other replica: only once it heard from no primary for a lease period.
    assertThat(LeaseRules.handsOverLease(false, Lease.HELD, LEASE - 1, LEASE)).isFalse();
    assertThat(LeaseRules.handsOverLease(false, Lease.EXPIRED, LEASE, LEASE)).isTrue();
  }

  @Test
  void aMajorityOfRecentAcknowledgementsHoldsTheLease() {
    // Required 2 of 3: the primary plus the most recent other acknowledgement.
    long[] acks = {Long.MIN_VALUE, 8_500};
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, false, 2, acks))
        .isEqualTo(Lease.HELD);
  }

  @Test
  void theLeaseEndsOnceTheAcknowledgementsAreOlderThanTheLeaseMinusDrift() {
    long[] acks = {8_100, 8_000};
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, false, 2, acks))
        .isEqualTo(Lease.EXPIRED);
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, false, 3, new long[] {9_000}))
        .isEqualTo(Lease.EXPIRED);
  }

  @Test
  void aShardWhoseQuorumIsThePrimaryAloneHoldsItsLease() {
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, false, 1, new long[0]))
        .isEqualTo(Lease.HELD);
  }
}
