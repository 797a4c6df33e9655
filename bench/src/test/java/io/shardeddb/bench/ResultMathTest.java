package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shardeddb.api.v1alpha1.ShardSpec;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The arithmetic behind the reported numbers: percentiles, ratios, key spreading. */
class ResultMathTest {

  @Test
  void percentilesUseTheNearestRankOfTheSortedLatencies() {
    // 1..100 ms, shuffled: p50 is the 50th value, p95 the 95th, p99 the 99th.
    long[] nanos = LongStream.rangeClosed(1, 100).map(ms -> (101 - ms) * 1_000_000L).toArray();

    LatencyStats s = LatencyStats.ofNanos(nanos);

    assertThat(s.p50()).isEqualTo(50.0);
    assertThat(s.p95()).isEqualTo(95.0);
    assertThat(s.p99()).isEqualTo(99.0);
    assertThat(s.max()).isEqualTo(100.0);
  }

  @Test
  void aSingleSampleIsEveryPercentileAndNoSamplesIsNotANumber() {
    assertThat(LatencyStats.ofNanos(new long[] {3_000_000L}).p99()).isEqualTo(3.0);
    assertThat(LatencyStats.ofNanos(new long[0]).p50()).isNaN();
  }

  @Test
  void ratiosCompareWithTheDirectRunOfTheSameSuitePhaseClientsAndOps() {
    PhaseResult direct = result("main", Ratios.DIRECT, "write", 16, 10_000, 0, 4.0);
    PhaseResult otherClients = result("main", Ratios.DIRECT, "write", 64, 10_000, 0, 1.0);
    PhaseResult sharded = result("main", "shardeddb 4x3", "write", 16, 10_000, 0, 10.0);
    PhaseResult read = result("main", "shardeddb 4x3", "read", 16, 10_000, 0, 3.0);

    Ratios ratios = new Ratios(List.of(otherClients, direct, sharded, read));

    assertThat(ratios.timeRatio(sharded)).hasValueSatisfying(r -> assertThat(r).isEqualTo(2.5));
    assertThat(ratios.timeRatio(read)).as("no direct read was measured").isEmpty();
  }

  @Test
  void aTargetWithTlsOnIsComparedWithDirectJdbcOverTlsAndOneWithTlsOffWithPlainDirect() {
    PhaseResult direct = result("main", Ratios.DIRECT, "write", 16, 10_000, 0, 4.0);
    PhaseResult directTls = result("main", Ratios.DIRECT_TLS, "write", 16, 10_000, 0, 5.0);
    PhaseResult on = result("main", "shardeddb 4x3 tls-on", "write", 16, 10_000, 0, 20.0);
    PhaseResult onBounded =
        result("main", "shardeddb 4x3 tls-on reads bounded 1s", "write", 16, 10_000, 0, 25.0);
    PhaseResult off = result("main", "shardeddb 4x3 tls-off", "write", 16, 10_000, 0, 12.0);

    Ratios ratios = new Ratios(List.of(direct, directTls, on, onBounded, off));

    assertThat(ratios.timeRatio(on)).contains(4.0);
    assertThat(ratios.timeRatio(onBounded)).contains(5.0);
    assertThat(ratios.timeRatio(off)).contains(3.0);
    assertThat(ratios.timeRatio(directTls)).as("what TLS costs direct JDBC").contains(1.25);
    assertThat(new Ratios(List.of(direct, on)).timeRatio(on))
        .as("never against the other TLS state")
        .isEmpty();
  }

  @Test
  void aBaselineWithFailuresIsNoBaselineAndARunWithFailuresIsNoResult() {
    PhaseResult brokenDirect = result("main", Ratios.DIRECT, "write", 16, 10_000, 3, 4.0);
    PhaseResult sharded = result("main", "shardeddb 4x3", "write", 16, 10_000, 0, 10.0);

    assertThat(new Ratios(List.of(brokenDirect, sharded)).timeRatio(sharded)).isEmpty();
    assertThat(brokenDirect.valid()).isFalse();
    assertThat(sharded.valid()).isTrue();
    assertThat(sharded.opsPerSecond()).isCloseTo(1000.0, within(1e-9));
  }

  @Test
  void theAssignmentsKeysSpreadOverEveryShardOfEachConfiguration() {
    for (int shards : new int[] {1, 2, 4, 6, 8}) {
      DatabaseYaml yaml = new DatabaseYaml("db", shards, 3, 10_000);
      long lastLow = (shards - 1) * yaml.shardSize();
      assertThat(lastLow).as("last shard starts below the last key").isLessThan(10_000);
      assertThat(shards * yaml.shardSize())
          .as("ranges cover 0..9999")
          .isGreaterThanOrEqualTo(10_000);
      assertThat(yaml.resource().getSpec().shardsOrEmpty().get(shards - 1))
          .returns("sh" + shards, ShardSpec::id)
          .returns(lastLow, ShardSpec::low);
    }
  }

  @Test
  void sweepKeySetsOnOneDeploymentAreDisjointAndStayInTheKeySpace() {
    KeySet first = new KeySet(0, 5, 2000);
    KeySet second = new KeySet(1, 5, 2000);

    assertThat(first.key(1999)).isEqualTo(9995);
    assertThat(second.key(1999)).isEqualTo(9996);
    assertThat(first.key(7) % 5).isNotEqualTo(second.key(7) % 5);
  }

  private static PhaseResult result(
      String suite, String target, String phase, int clients, int ops, int failures, double s) {
    return new PhaseResult(
        suite,
        target,
        4,
        3,
        phase,
        clients,
        ops,
        ops - failures,
        failures,
        s,
        new LatencyStats(1, 2, 3, 4),
        List.of());
  }
}
