package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.local.Faults.Drop;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsTest {
  private static final Map<String, String> PODS =
      Map.of("db-sh1-0", "127.16.1.2", "db-sh1-1", "127.16.1.3", "db-router-local-0", "127.16.1.4");

  @Test
  void aPauseLastsUntilResumedOrUntilItsInstant() {
    Instant now = Instant.parse("2026-11-22T14:00:00Z");
    assertThat(Faults.paused("true", now)).isTrue();
    assertThat(Faults.paused(null, now)).isFalse();
    assertThat(Faults.paused("2026-11-22T14:00:20Z", now)).isTrue();
    assertThat(Faults.paused("2026-11-22T13:59:59Z", now)).isFalse();
    assertThat(Faults.pauseExpired("2026-11-22T13:59:59Z", now)).isTrue();
    assertThat(Faults.pauseExpired("true", now)).isFalse();
    assertThat(Faults.paused("garbage", now)).isFalse();
  }

  @Test
  void aPartitionFromOnePodDropsBothDirectionsBetweenTheTwoOnly() {
    assertThat(Faults.drops(Map.of("db-sh1-0", "db-sh1-1"), PODS))
        .containsExactly(
            new Drop("127.16.1.2", "127.16.1.3"), new Drop("127.16.1.3", "127.16.1.2"));
  }

  @Test
  void aPartitionFromTheOperatorDropsTrafficWith127001Only() {
    assertThat(Faults.drops(Map.of("db-sh1-0", Faults.OPERATOR), PODS))
        .containsExactly(new Drop("127.0.0.1", "127.16.1.2"), new Drop("127.16.1.2", "127.0.0.1"));
  }

  @Test
  void aFullPartitionCutsEveryOtherPodAndTheOperatorButNotThePodItself() {
    var drops = Faults.drops(Map.of("db-sh1-0", Faults.ALL), PODS);
    assertThat(drops).hasSize(6).noneMatch(d -> d.source().equals(d.destination()));
    assertThat(drops)
        .contains(
            new Drop("127.16.1.2", "127.16.1.4"),
            new Drop("127.16.1.4", "127.16.1.2"),
            new Drop("127.0.0.1", "127.16.1.2"));
  }

  @Test
  void peersThatDoNotExistAreSkippedAndNoAnnotationMeansNoDrops() {
    assertThat(Faults.drops(Map.of("db-sh1-0", "gone-pod"), PODS)).isEmpty();
    assertThat(Faults.drops(Map.of(), PODS)).isEmpty();
    assertThat(Faults.drops(Map.of("gone-pod", Faults.ALL), PODS)).isEmpty();
  }

  @Test
  void theFirewallScriptReplacesTheClustersChainWithExactlyTheDrops() {
    String script =
        LoopbackFirewall.restoreScript(
            "SDB-LOCAL-7", Faults.drops(Map.of("db-sh1-0", "db-sh1-1"), PODS));
    assertThat(script)
        .isEqualTo(
            "*filter\n"
                + ":SDB-LOCAL-7 - [0:0]\n"
                + "-A SDB-LOCAL-7 -s 127.16.1.2/32 -d 127.16.1.3/32 -j DROP\n"
                + "-A SDB-LOCAL-7 -s 127.16.1.3/32 -d 127.16.1.2/32 -j DROP\n"
                + "COMMIT\n");
  }

  @Test
  void aCpuCapIsAFractionOfACoreUntilLiftedOrUntilItsInstant() {
    Instant now = Instant.parse("2026-11-22T14:00:00Z");
    assertThat(Faults.cpuValue(0.05, null)).isEqualTo("0.05");
    assertThat(Faults.cpuValue(1.5, Instant.parse("2026-11-22T14:00:20Z")))
        .isEqualTo("1.5 until 2026-11-22T14:00:20Z");
    assertThat(Faults.cpuLimit("0.05", now)).hasValue(0.05);
    assertThat(Faults.cpuLimit("0.05 until 2026-11-22T14:00:20Z", now)).hasValue(0.05);
    assertThat(Faults.cpuLimit("0.05 until 2026-11-22T13:59:59Z", now)).isEmpty();
    assertThat(Faults.cpuLimitExpired("0.05 until 2026-11-22T13:59:59Z", now)).isTrue();
    assertThat(Faults.cpuLimitExpired("0.05 until 2026-11-22T14:00:20Z", now)).isFalse();
    assertThat(Faults.cpuLimitExpired("0.05", now)).isFalse();
    assertThat(Faults.cpuLimit(null, now)).isEmpty();
    assertThat(Faults.cpuLimit("garbage", now)).isEmpty();
    assertThat(Faults.cpuLimit("0.001", now)).as("below the kernel's 1 ms quota").isEmpty();
    assertThat(Faults.cpuLimit("0.05 until garbage", now)).isEmpty();
  }

  @Test
  void aCpuCapIsAQuotaOfTheHundredMillisecondPeriodNeverBelowOneMillisecond() {
    assertThat(Faults.cpuQuotaMicros(0.05)).isEqualTo(5_000);
    assertThat(Faults.cpuQuotaMicros(0.01)).isEqualTo(1_000);
    assertThat(Faults.cpuQuotaMicros(2)).isEqualTo(200_000);
    assertThat(Faults.cpuQuotaMicros(0.004)).isEqualTo(1_000);
    assertThat(Faults.validCpus(0.009)).isFalse();
    assertThat(Faults.validCpus(0.01)).isTrue();
  }

  @Test
  void theRunnersAnswerIsReadOnlyForTheValueItAnswers() {
    assertThat(Faults.cpuAnswer(Faults.cpuApplied("0.05"), "0.05"))
        .containsInstanceOf(Faults.CpuAnswer.Applied.class);
    assertThat(Faults.cpuAnswer(Faults.cpuApplied("0.05"), "0.1")).isEmpty();
    assertThat(Faults.cpuAnswer(Faults.cpuFailed("0.05", "no cgroup v1"), "0.05"))
        .contains(new Faults.CpuAnswer.Failed("no cgroup v1"));
    assertThat(Faults.cpuAnswer(Faults.cpuFailed("0.05", "no cgroup v1"), "0.1")).isEmpty();
    assertThat(Faults.cpuAnswer(null, "0.05")).isEmpty();
  }
}
