package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Rule 11's two reports: a primary stands down, a secondary reports its primary lost. */
class LivenessRulesTest {
  static final long LEASE = 2_000_000_000L;

  @Test
  void aPrimaryStandsDownOnceNoMajorityAnsweredForALeasePeriod() {
    assertThat(LivenessRules.standsDown(10 * LEASE, 10 * LEASE - LEASE + 1, LEASE)).isFalse();
    assertThat(LivenessRules.standsDown(10 * LEASE, 9 * LEASE, LEASE)).isTrue();
    assertThat(new Rulebook().standsDown(10 * LEASE, 8 * LEASE, LEASE)).isTrue();
  }

  @Test
  void aSecondaryReportsItsPrimaryLostAfterALeasePeriodOfSilence() {
    assertThat(LivenessRules.primaryLost(5 * LEASE, 5 * LEASE - 1, LEASE)).isFalse();
    assertThat(LivenessRules.primaryLost(5 * LEASE, 4 * LEASE, LEASE)).isTrue();
    assertThat(new Rulebook().primaryLost(5 * LEASE, 3 * LEASE, LEASE)).isTrue();
  }
}
