package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warm-up, repeated runs and the latency run: disjoint keys, every shard, the median reported. */
class RunPlanTest {

  @Test
  void everyRunHasItsOwnKeysAndTheyStayInTheKeySpace() {
    RunPlan plan = new RunPlan(10_000, 3, 1000);
    Set<Long> all = new HashSet<>();
    List<KeySet> sets =
        List.of(
            plan.warmup(), plan.measured(0), plan.measured(1), plan.measured(2), plan.latency());
    int total = 0;
    for (KeySet s : sets) {
      for (int i = 0; i < s.count(); i++) {
        assertThat(s.key(i)).isBetween(0L, plan.keySpace() - 1L);
        all.add(s.key(i));
      }
      total += s.count();
    }

    assertThat(plan.keySpace()).isEqualTo(50_000);
    assertThat(all).as("no key is written by two runs").hasSize(total);
  }

  @Test
  void eachRunTouchesEveryShardEvenly() {
    RunPlan plan = new RunPlan(10_000, 3, 1000);
    DatabaseYaml yaml = new DatabaseYaml("db", 4, 3, plan.keySpace());
    int[] perShard = new int[4];
    KeySet run = plan.measured(1);
    for (int i = 0; i < run.count(); i++) {
      perShard[(int) (run.key(i) / yaml.shardSize())]++;
    }

    assertThat(perShard).containsOnly(2500);
  }

  @Test
  void theMedianRunIsReportedWithEveryRunsSecondsAndAnyFailureSpoilsIt() {
    PhaseResult slow = result(9.0, 0, 100);
    PhaseResult fast = result(3.0, 0, 100);
    PhaseResult mid = result(5.0, 0, 100);

    PhaseResult m = RunPlan.median(List.of(slow, fast, mid));

    assertThat(m.seconds()).isEqualTo(5.0);
    assertThat(m.runSeconds()).containsExactly(9.0, 3.0, 5.0);
    assertThat(m.valid()).isTrue();
    assertThat(RunPlan.median(List.of(fast, result(4.0, 1, 99), mid)).valid()).isFalse();
    assertThat(RunPlan.median(List.of(fast, result(99.0, 0, 60), mid)).valid())
        .as("a run cut short by its time limit")
        .isFalse();
    assertThat(RunPlan.median(List.of(slow, fast)).seconds())
        .as("even: lower middle")
        .isEqualTo(3.0);
  }

  @Test
  void runSecondsSurviveTheCsv(@TempDir Path dir) throws Exception {
    PhaseResult m = RunPlan.median(List.of(result(2.0, 0, 100), result(1.0, 0, 100)));

    new ResultsWriter(dir).write(List.of(m), List.of(), Map.of());

    assertThat(ResultsReader.read(dir.resolve("results.csv")))
        .singleElement()
        .satisfies(r -> assertThat(r.runSeconds()).containsExactly(2.0, 1.0));
    assertThat(dir.resolve("tables.md")).content().contains("1.00 (median of 2.00, 1.00)");
  }

  private static PhaseResult result(double seconds, int failures, int completed) {
    return new PhaseResult(
        "main",
        "shardeddb 4x3",
        4,
        3,
        "write",
        16,
        100,
        completed,
        failures,
        seconds,
        new LatencyStats(1, 2, 3, 4),
        List.of());
  }
}
