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
    assertThat(LeaseRules.primaryLease(10_000, 8_500, LEASE, DRIFT, 2, acks))
        .isEqualTo(Lease.TOO_SOON_AFTER_PROMOTION);
    assertThat(LeaseRules.primaryLease(10_000, 7_800, LEASE, DRIFT, 2, acks)).isEqualTo(Lease.HELD);
  }

  @Test
  void aMajorityOfRecentAcknowledgementsHoldsTheLease() {
    // Required 2 of 3: the primary plus the most recent other acknowledgement.
    long[] acks = {Long.MIN_VALUE, 8_500};
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, 2, acks)).isEqualTo(Lease.HELD);
  }

  @Test
  void theLeaseEndsOnceTheAcknowledgementsAreOlderThanTheLeaseMinusDrift() {
    long[] acks = {8_100, 8_000};
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, 2, acks)).isEqualTo(Lease.EXPIRED);
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, 3, new long[] {9_000}))
        .isEqualTo(Lease.EXPIRED);
  }

  @Test
  void aShardWhoseQuorumIsThePrimaryAloneHoldsItsLease() {
    assertThat(LeaseRules.primaryLease(10_000, 0, LEASE, DRIFT, 1, new long[0]))
        .isEqualTo(Lease.HELD);
  }
}
