package io.shardeddb.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StrandedPodTest {
  @Test
  void aPodNotRunningWhoseClaimIsGoneOrGoingWaitsInVain() {
    assertThat(StrandedPod.waitsForAGoneClaim(false, false, false)).isTrue();
    assertThat(StrandedPod.waitsForAGoneClaim(false, true, true)).isTrue();
  }

  @Test
  void aRunningPodOrOneWhoseClaimIsThereWaitsForNothingGone() {
    // Pending on a claim that exists (being bound, or the new one) will start.
    assertThat(StrandedPod.waitsForAGoneClaim(false, true, false)).isFalse();
    // Running holds its volume; pvc-protection keeps a deleted claim until the pod goes.
    assertThat(StrandedPod.waitsForAGoneClaim(true, true, true)).isFalse();
    assertThat(StrandedPod.waitsForAGoneClaim(true, false, false)).isFalse();
  }
}
