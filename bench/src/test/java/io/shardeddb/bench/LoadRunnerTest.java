package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load loop's bookkeeping: every key once, every failure counted, results survive a file. */
class LoadRunnerTest {
  private final LoadRunner runner = new LoadRunner(Duration.ofSeconds(30));
  private final LoadRunner.PhaseLabel label =
      new LoadRunner.PhaseLabel("main", "test", 4, 3, "write");

  @Test
  void everyKeyIsRunExactlyOnceAcrossTheClients() throws Exception {
    Set<Long> seen = ConcurrentHashMap.newKeySet();

    PhaseResult r =
        runner.run(
            label,
            new KeySet(2, 5, 1000),
            8,
            key -> assertThat(seen.add(key)).as("key %d run twice", key).isTrue());

    assertThat(seen).hasSize(1000).contains(2L, 4997L);
    assertThat(r.completed()).isEqualTo(1000);
    assertThat(r.failures()).isZero();
    assertThat(r.valid()).isTrue();
  }

  @Test
  void everyFailedRequestIsCountedAndMakesThePhaseNoResult() throws Exception {
    PhaseResult r =
        runner.run(
            label,
            KeySet.contiguous(100),
            4,
            key -> {
              if (key % 10 == 0) {
                throw new IllegalStateException("router said 503");
              }
            });

    assertThat(r.failures()).isEqualTo(10);
    assertThat(r.completed()).isEqualTo(90);
    assertThat(r.valid()).isFalse();
    assertThat(r.failedSamples()).isNotEmpty().allMatch(s -> s.contains("router said 503"));
  }

  @Test
  void resultsWrittenAsCsvReadBackForReplotting(@TempDir Path dir) throws Exception {
    PhaseResult written = runner.run(label, KeySet.contiguous(50), 2, key -> {});

    new ResultsWriter(dir).write(List.of(written), List.of(), Map.of("cpus", "2"));
    List<PhaseResult> read = ResultsReader.read(dir.resolve("results.csv"));

    assertThat(read)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.target()).isEqualTo("test");
              assertThat(r.shards()).isEqualTo(4);
              assertThat(r.completed()).isEqualTo(50);
              assertThat(r.valid()).isTrue();
            });
    assertThat(dir.resolve("tables.md")).content().contains("| test | 4x3 | write | 2 | 50 | 0 |");
  }
}
