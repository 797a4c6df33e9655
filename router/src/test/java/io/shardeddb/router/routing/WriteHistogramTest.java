package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A shard's write counts: calls, rows and latency buckets only grow, each call lands in the first
 * bucket whose bound is not below its latency, and calls slower than every bound in the last one.
 */
class WriteHistogramTest {

  @Test
  void eachCallCountsOnceInTheBucketOfItsLatencyAndItsRowsAddUp() {
    WriteHistogram h = new WriteHistogram();
    h.record(3, 7_000_000); // 7 ms: the 10 ms bucket
    h.record(1, 10_000_000); // exactly 10 ms: still the 10 ms bucket
    h.record(2, 100_000); // 0.1 ms: the first bucket
    h.record(1, 60_000_000_000L); // a minute: above every bound

    WriteHistogram.Snapshot s = h.snapshot();

    assertThat(s.calls()).isEqualTo(4);
    assertThat(s.rows()).isEqualTo(7);
    assertThat(s.boundsMillis()).isEqualTo(WriteHistogram.BOUNDS_MILLIS);
    assertThat(s.counts()).hasSize(WriteHistogram.BOUNDS_MILLIS.size() + 1);
    int tenMillis = WriteHistogram.BOUNDS_MILLIS.indexOf(10.0);
    assertThat(s.counts().get(tenMillis)).isEqualTo(2);
    assertThat(s.counts().get(0)).isEqualTo(1);
    assertThat(s.counts().get(s.counts().size() - 1)).isEqualTo(1);
    assertThat(s.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
  }

  @Test
  void aSnapshotIsNotChangedByLaterCalls() {
    WriteHistogram h = new WriteHistogram();
    h.record(1, 1_000_000);
    WriteHistogram.Snapshot before = h.snapshot();
    h.record(1, 1_000_000);
    assertThat(before.calls()).isEqualTo(1);
    assertThat(before.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    assertThat(h.snapshot().calls()).isEqualTo(2);
  }

  @Test
  void theBoundsRiseSoEveryLatencyHasOneBucket() {
    assertThat(WriteHistogram.BOUNDS_MILLIS).isSorted().doesNotHaveDuplicates();
    assertThat(WriteHistogram.bucketOf(0)).isZero();
    assertThat(WriteHistogram.bucketOf(0.3)).isEqualTo(1);
    assertThat(WriteHistogram.bucketOf(10_000.1)).isEqualTo(WriteHistogram.BOUNDS_MILLIS.size());
  }
}
