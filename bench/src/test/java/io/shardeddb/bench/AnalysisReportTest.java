package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis's outputs from its rows: the table puts the seed's figure beside each of ours and
 * our pods beside the assignment's servers, a phase with failures is no result, the charts' bars
 * are ours cold, ours warm and the seed's per configuration, and the failure check says what
 * happened.
 */
class AnalysisReportTest {

  private static PhaseResult phase(String suite, String phase, int failures, Double... seconds) {
    List<Double> runs = Arrays.asList(seconds);
    double median = runs.stream().sorted().toList().get((runs.size() - 1) / 2);
    return new PhaseResult(
        suite,
        "shardeddb 4x3",
        4,
        3,
        phase,
        16,
        300,
        300 - failures,
        failures,
        median,
        new LatencyStats(1, 2, 3, 4),
        List.of(),
        runs);
  }

  private static AnalysisRow row(String config, double coldWrite, double warmWrite) {
    AssignmentLayout l = AssignmentLayout.parse(config);
    return new AnalysisRow(
        l,
        "analysis-" + l.name(),
        l.pods() + 1,
        "Configured Database",
        phase("cold", "write", 0, coldWrite),
        phase("cold", "read", 0, 1.5),
        phase("warm", "write", 0, warmWrite, warmWrite + 1, warmWrite - 0.5),
        phase("warm", "read", 0, 0.9, 1.0, 0.8),
        null,
        null);
  }

  @Test
  void theTableShowsServersAndPodsAndTheSeedsFigureBesideEachOfOurs() {
    String table =
        AnalysisReport.table(List.of(row("4x3", 4.0, 2.0), row("4x6", 5.0, 3.0), row("6x8", 9, 6)));
    List<String> lines = table.lines().toList();

    assertThat(lines.get(0))
        .isEqualTo(
            "| configuration (shards / servers / replicas) | assignment's servers → ShardedDB pods"
                + " | write cold s | write warm s | seed write s | read cold s | read warm s |"
                + " seed read s |");
    assertThat(lines.get(2))
        .isEqualTo(
            "| 4 / 6 / 3 | 6 servers → 12 shard-server pods + 1 router | 4.00 | 2.00 (median of"
                + " 2.00, 3.00, 1.50) | 896.493 | 1.50 | 0.90 (median of 0.90, 1.00, 0.80) |"
                + " 446.517 |");
    assertThat(lines.get(3))
        .startsWith("| 4 / 6 / 6 | 6 servers → 24 shard-server pods + 1 router");
    assertThat(lines.get(3)).contains("| 914.811 |").endsWith("| 447.068 |");
    assertThat(lines.get(4))
        .startsWith("| 6 / 10 / 8 | 10 servers → 48 shard-server pods + 1 router")
        .contains("| 892.064 |")
        .endsWith("| 454.847 |");
  }

  @Test
  void aPhaseWithFailuresOrCutShortIsNoResultAndAConfigurationWithoutASeedRowShowsNone() {
    AssignmentLayout l = AssignmentLayout.parse("2x3");
    AnalysisRow r =
        new AnalysisRow(
            l,
            "analysis-2x3",
            5,
            null,
            phase("cold", "write", 3, 4.0),
            new PhaseResult(
                "cold",
                "x",
                2,
                3,
                "read",
                16,
                300,
                120,
                0,
                900.0,
                new LatencyStats(1, 2, 3, 4),
                List.of()),
            null,
            null,
            null,
            null);

    String line = AnalysisReport.table(List.of(r)).lines().toList().get(2);

    assertThat(line)
        .isEqualTo(
            "| 2 / 3 / 3 | 3 servers → 6 shard-server pods + 1 router (5 pods seen) | no result:"
                + " 3 of 300 failed | — | — | no result: 120 of 300 done in the time limit | — |"
                + " — |");
    assertThat(r.valid()).isFalse();
  }

  @Test
  void theChartsBarsAreOursColdOursWarmAndTheSeedsPerConfiguration() {
    List<AnalysisRow> rows =
        List.of(
            row("4x3", 4.0, 2.0),
            AnalysisRow.failed(AssignmentLayout.parse("6x8"), "analysis-6x8", "not Ready"));

    AnalysisReport.Bars writes = AnalysisReport.bars(rows, "write", 300, 16);
    AnalysisReport.Bars reads = AnalysisReport.bars(rows, "read", 300, 16);

    assertThat(writes.categories())
        .containsExactly("4 shards / 6 servers / 3 replicas", "6 shards / 10 servers / 8 replicas");
    assertThat(writes.series())
        .extracting(AnalysisReport.Series::name)
        .containsExactly(
            "ShardedDB cold (first run)", "ShardedDB warm (median)", "seed (assignment report)");
    assertThat(writes.series().get(0).values()).containsExactly(4.0, null);
    assertThat(writes.series().get(1).values()).containsExactly(2.0, null);
    assertThat(writes.series().get(2).values()).containsExactly(896.493, 892.064);
    assertThat(reads.series().get(2).values()).containsExactly(446.517, 454.847);
    assertThat(writes.title()).contains("300 writes, 16 clients").contains("seed 10,000");
    assertThat(writes.axisMin()).as("a decade below 2.0 s").isEqualTo(1.0);
    assertThat(writes.axisMax()).as("the decade above 896 s").isEqualTo(1000.0);
    assertThat(reads.axisMin())
        .as("0.9 s")
        .isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void theChartsAreDrawnAsPngsEvenWithABarMissing(@TempDir Path dir) throws Exception {
    List<AnalysisRow> rows =
        List.of(
            row("4x3", 4.0, 2.0),
            AnalysisRow.failed(AssignmentLayout.parse("6x8"), "analysis-6x8", "not Ready"));
    Charts charts = new Charts(dir);

    Path write = charts.analysis(AnalysisReport.bars(rows, "write", 300, 16), "write_performance");
    Path read = charts.analysis(AnalysisReport.bars(rows, "read", 300, 16), "read_performance");

    assertThat(write).isEqualTo(dir.resolve("write_performance.png"));
    assertThat(read).isEqualTo(dir.resolve("read_performance.png"));
    for (Path p : List.of(write, read)) {
      BufferedImage image = ImageIO.read(Files.newInputStream(p));
      assertThat(image).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
    }
  }

  @Test
  void theMappingNamesEachServersShardsAndPods() {
    String md = AnalysisReport.mapping(List.of(row("4x3", 4.0, 2.0)));

    assertThat(md)
        .contains(
            "- **4 shards / 6 servers / 3 replicas** (database `analysis-4x3`, 12 shard-server"
                + " pods):")
        .contains("  - Server0: sh1, sh3 → `analysis-4x3-sh1-0`, `analysis-4x3-sh3-0`")
        .contains("  - Server5: sh2, sh4 → `analysis-4x3-sh2-2`, `analysis-4x3-sh4-2`");
  }

  @Test
  void theFailureCheckSaysWhatFailedAndWhatCameBack() {
    FailureOutcome.ShardCheck ok =
        new FailureOutcome.ShardCheck(
            "sh1",
            "analysis-4x3-sh1-0",
            true,
            6.5,
            10,
            10,
            10,
            true,
            true,
            459,
            459,
            0,
            0,
            812,
            null,
            List.of());
    FailureOutcome.ShardCheck caughtUp = ok.withCaughtUp(14.25, null);
    FailureOutcome.ShardCheck late = ok.withCaughtUp(null, "replacement did not catch up");
    FailureOutcome.Result passed =
        new FailureOutcome.Result(
            "Server0",
            Map.of("sh1", "analysis-4x3-sh1-0"),
            true,
            List.of("kubectl-sdb local delete-pod analysis-4x3-sh1-0 --wipe: exit 0: deleted"),
            List.of(caughtUp),
            15.0,
            true,
            List.of(
                FailureOutcome.ReplicaRow.of(
                    "sh1",
                    new ReplicaStatus(
                        "analysis-4x3-sh1-0",
                        "https://x",
                        Role.Secondary,
                        true,
                        ReplicaState.Ready,
                        812L,
                        0L,
                        null))),
            List.of());
    FailureOutcome.Result failed =
        new FailureOutcome.Result(
            "Server0",
            Map.of("sh1", "analysis-4x3-sh1-0"),
            true,
            List.of(),
            List.of(late),
            15.0,
            true,
            List.of(),
            List.of());

    assertThat(passed.passed()).isTrue();
    assertThat(failed.passed()).isFalse();
    String md = AnalysisReport.failureChecks(List.of(row("4x3", 4.0, 2.0).withFailure(passed)));
    assertThat(md)
        .contains("### 4 shards / 6 servers / 3 replicas: Server0 failed — passed")
        .contains(
            "| sh1 | `analysis-4x3-sh1-0` (primary) | +6.50 s | 10/10 | 10/10 | yes | yes | 459"
                + " rows, 0 of 459 missing, 0 unexpected | +14.25 s (LSN ≥ 812) |")
        .contains("| sh1 | `analysis-4x3-sh1-0` | Secondary | true | Ready | 812 | 0 |")
        .contains("Database Ready again: +15.00 s after the fault");
    assertThat(AnalysisReport.failureChecks(List.of(row("4x3", 4, 2).withFailure(failed))))
        .contains("Server0 failed — FAILED")
        .contains("- sh1: replacement did not catch up")
        .contains("| no (LSN ≥ 812) |");
    assertThat(row("4x3", 4, 2).withFailure(failed).valid()).isFalse();
    assertThat(row("4x3", 4, 2).withFailure(passed).valid()).isTrue();
  }
}
