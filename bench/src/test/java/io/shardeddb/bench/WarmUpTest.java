package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A `c2` row only after warm-up runs that agree: no result measured while C2 still compiles. */
class WarmUpTest {

  @Test
  void fullJitPodsWarmUntilTwoConsecutiveRunsAgreeWithinTenPercentInWritesAndReads() {
    WarmUp rule = WarmUp.untilSteady(6);

    // The review's c2 runs: 25.5 -> 17.6 -> 14.7 s of writes are still compiling.
    assertThat(rule.after(List.of(25.5), List.of(4.7))).isEqualTo(WarmUp.Verdict.AGAIN);
    assertThat(rule.after(List.of(25.5, 17.6), List.of(4.7, 3.9))).isEqualTo(WarmUp.Verdict.AGAIN);
    assertThat(rule.after(List.of(25.5, 17.6, 14.7), List.of(4.7, 3.9, 3.7)))
        .isEqualTo(WarmUp.Verdict.AGAIN);
    assertThat(rule.after(List.of(25.5, 17.6, 14.7, 14.0), List.of(4.7, 3.9, 3.7, 3.6)))
        .isEqualTo(WarmUp.Verdict.WARM);
    // Writes agree, reads do not: again.
    assertThat(rule.after(List.of(14.7, 14.0), List.of(3.0, 4.0))).isEqualTo(WarmUp.Verdict.AGAIN);
  }

  @Test
  void aTargetThatDoesNotSettleWithinTheBoundIsNotSteady() {
    WarmUp rule = WarmUp.untilSteady(3);

    assertThat(rule.after(List.of(30.0, 20.0, 15.0), List.of(5.0, 4.0, 3.0)))
        .isEqualTo(WarmUp.Verdict.NOT_STEADY);
    assertThatThrownBy(() -> WarmUp.untilSteady(1)).hasMessageContaining("two runs");
  }

  @Test
  void everyOtherTargetWarmsOnce() {
    assertThat(WarmUp.once().after(List.of(30.0), List.of(5.0))).isEqualTo(WarmUp.Verdict.WARM);
  }

  @Test
  void theLastTieredFlagDecidesWhetherPodsRunC2() {
    List<String> localMode =
        List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    assertThat(WarmUp.fullJit(localMode)).isFalse();
    List<String> c2 = new ArrayList<>(localMode);
    c2.add("-XX:TieredStopAtLevel=4");
    assertThat(WarmUp.fullJit(c2)).isTrue();
    c2.add("-XX:TieredStopAtLevel=1");
    assertThat(WarmUp.fullJit(c2)).isFalse();
    assertThat(WarmUp.fullJit(List.of("-Xmx256m"))).as("the JVM's default").isTrue();
    assertThat(WarmUp.fullJit(List.of("-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation")))
        .isTrue();
  }

  @Test
  void theC2VariantOfTheBenchWarmsItsShardedDbTargetsUntilSteady() {
    BenchMain c1 = new BenchMain();
    new picocli.CommandLine(c1).parseArgs();
    BenchMain c2 = new BenchMain();
    new picocli.CommandLine(c2).parseArgs("--pod-jvm-option=-XX:TieredStopAtLevel=4");
    BenchMain tooFew = new BenchMain();
    new picocli.CommandLine(tooFew)
        .parseArgs("--pod-jvm-option=-XX:TieredStopAtLevel=4", "--max-warmups", "1");

    assertThat(c1.shardedDbWarmUp()).isEqualTo(WarmUp.once());
    assertThat(c2.shardedDbWarmUp()).isEqualTo(WarmUp.untilSteady(6));
    assertThatThrownBy(tooFew::shardedDbWarmUp)
        .isInstanceOf(picocli.CommandLine.ParameterException.class)
        .hasMessageContaining("--max-warmups");
  }

  /** A target whose run with keys of slot {@code s} (key % slots) takes {@code ms[s]} per write. */
  private static Target timedBySlot(int slots, long[] ms, List<Integer> slotsWritten) {
    return new Target() {
      @Override
      public void write(long key) throws Exception {
        int slot = (int) (key % slots);
        slotsWritten.add(slot);
        Thread.sleep(ms[Math.min(slot, ms.length - 1)]);
      }

      @Override
      public void read(long key) throws Exception {
        Thread.sleep(30);
      }
    };
  }

  private static Phases.Meters noMeters() {
    return Phases.Meters.noPods(
        cmd -> java.util.Optional.empty(), new ClientCpu(), MariaDbCounters.Reading::none);
  }

  @Test
  void aTargetIsMeasuredOnlyAfterItsWarmUpRunsAgreeAndOnKeysNoWarmUpWrote() throws Exception {
    RunPlan plan = new RunPlan(3, 1, 0, 6);
    List<Integer> slots = java.util.Collections.synchronizedList(new ArrayList<>());
    // Compiling: 200, then 100 ms a write; warm from the third run on.
    Target t = timedBySlot(plan.slots(), new long[] {200, 100, 50}, slots);
    Phases phases = new Phases(new LoadRunner(Duration.ofSeconds(60)), 1, Duration.ZERO);

    phases.measure("c2", 1, 3, t, plan, WarmUp.untilSteady(6), noMeters());

    assertThat(phases.environment.get("warm-up c2")).matches("warm after [4-6] runs: .*");
    assertThat(phases.results).hasSize(2);
    assertThat(phases.results.get(0).seconds()).isLessThan(0.3);
    assertThat(slots.subList(slots.size() - 3, slots.size()))
        .as("the measured run's keys")
        .containsOnly(plan.measuredSlot(0));
    assertThat(phases.notSteady).isEmpty();
  }

  @Test
  void aTargetThatNeverSettlesIsNotMeasuredAndSaysSo() throws Exception {
    RunPlan plan = new RunPlan(3, 1, 0, 3);
    List<Integer> slots = java.util.Collections.synchronizedList(new ArrayList<>());
    Target t = timedBySlot(plan.slots(), new long[] {200, 50, 200, 50, 200}, slots);
    Phases phases = new Phases(new LoadRunner(Duration.ofSeconds(60)), 1, Duration.ZERO);

    phases.measure("c2", 1, 3, t, plan, WarmUp.untilSteady(3), noMeters());

    assertThat(phases.results).isEmpty();
    assertThat(phases.cpu).isEmpty();
    assertThat(phases.notSteady).containsExactly("c2");
    assertThat(phases.environment.get("warm-up c2")).startsWith("NOT steady after 3 runs: ");
    assertThat(slots).as("no measured run").allMatch(s -> s < 3);
  }
}
