package io.shardeddb.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the assignment's analysis writes, decided from its rows with no I/O: the Markdown table
 * (each configuration's servers and pods, COLD and WARM seconds with the seed's figure beside
 * each), the server-to-pod mapping, the failure check, and the bars of the two charts.
 */
final class AnalysisReport {
  /** Shown where there is no number: not measured, or no seed figure for the configuration. */
  static final String NONE = "—";

  private AnalysisReport() {}

  /**
   * One chart's bars: a group per configuration, one bar per series, on a log axis from {@link
   * #axisMin()} to {@link #axisMax()}.
   */
  record Bars(String title, List<String> categories, List<Series> series) {
    /** The power of ten at or below the smallest bar (bars on a log axis rise from here). */
    double axisMin() {
      return Math.pow(10, Math.floor(Math.log10(values().min().orElse(1))));
    }

    /** The power of ten above the tallest bar, so its decade is labelled. */
    double axisMax() {
      return Math.pow(10, Math.floor(Math.log10(values().max().orElse(1))) + 1);
    }

    private java.util.stream.DoubleStream values() {
      return series.stream()
          .flatMap(s -> s.values().stream())
          .filter(v -> v != null && v > 0)
          .mapToDouble(Double::doubleValue);
    }
  }

  /** One series of bars; a null value is no bar (not measured, or no seed figure). */
  record Series(String name, List<Double> values) {}

  /** {@code write} or {@code read}: our COLD and WARM seconds and the seed's, per configuration. */
  static Bars bars(List<AnalysisRow> rows, String phase, int ops, int clients) {
    List<String> categories = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    List<Double> seed = new ArrayList<>();
    for (AnalysisRow r : rows) {
      categories.add(r.layout().describe());
      cold.add(seconds(phase.equals("write") ? r.coldWrite() : r.coldRead()));
      warm.add(seconds(phase.equals("write") ? r.warmWrite() : r.warmRead()));
      seed.add(
          SeedFigures.of(r.layout())
              .map(s -> phase.equals("write") ? s.writeSeconds() : s.readSeconds())
              .orElse(null));
    }
    String title =
        String.format(
            Locale.ROOT,
            "%ss: seconds, log scale (ShardedDB %,d %ss, %d clients; seed %,d)",
            capitalized(phase),
            ops,
            phase,
            clients,
            SeedFigures.OPS);
    return new Bars(
        title,
        categories,
        List.of(
            new Series("ShardedDB cold (first run)", cold),
            new Series("ShardedDB warm (median)", warm),
            new Series("seed (assignment report)", seed)));
  }

  /** A phase's seconds when it is a result (every operation done, none failed), else null. */
  private static Double seconds(PhaseResult r) {
    return r != null && r.valid() ? r.seconds() : null;
  }

  /** The performance table: one row per configuration, in the order run. */
  static String table(List<AnalysisRow> rows) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| configuration (shards / servers / replicas) | assignment's servers → ShardedDB pods |"
            + " write cold s | write warm s | seed write s | read cold s | read warm s |"
            + " seed read s |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (AnalysisRow r : rows) {
      AssignmentLayout l = r.layout();
      var seed = SeedFigures.of(l);
      md.append("| ")
          .append(l.shards())
          .append(" / ")
          .append(l.servers())
          .append(" / ")
          .append(l.replicas())
          .append(" | ")
          .append(podsCell(r))
          .append(" | ")
          .append(cell(r.coldWrite()))
          .append(" | ")
          .append(cell(r.warmWrite()))
          .append(" | ")
          .append(seed.map(s -> seedCell(s.writeSeconds())).orElse(NONE))
          .append(" | ")
          .append(cell(r.coldRead()))
          .append(" | ")
          .append(cell(r.warmRead()))
          .append(" | ")
          .append(seed.map(s -> seedCell(s.readSeconds())).orElse(NONE))
          .append(" |\n");
    }
    return md.toString();
  }

  /** {@code 6 servers → 12 shard-server pods + 1 router} (the running count when it differs). */
  static String podsCell(AnalysisRow r) {
    AssignmentLayout l = r.layout();
    String cell = l.servers() + " servers → " + l.pods() + " shard-server pods + 1 router";
    if (r.pods() > 0 && r.pods() != l.pods() + 1) {
      cell += " (" + r.pods() + " pods seen)";
    }
    return cell;
  }

  /**
   * A phase's seconds; a WARM median lists every run; a phase with failures or cut short says so
   * instead of passing for a result.
   */
  static String cell(PhaseResult r) {
    if (r == null) {
      return NONE;
    }
    String seconds = fmt(r.seconds());
    if (r.failures() > 0) {
      return "no result: " + r.failures() + " of " + r.ops() + " failed";
    }
    if (r.completed() < r.ops()) {
      return "no result: " + r.completed() + " of " + r.ops() + " done in the time limit";
    }
    if (r.runSeconds().size() > 1) {
      return seconds
          + " (median of "
          + r.runSeconds().stream().map(AnalysisReport::fmt).collect(Collectors.joining(", "))
          + ")";
    }
    return seconds;
  }

  private static String seedCell(double seconds) {
    return String.format(Locale.ROOT, "%.3f", seconds);
  }

  /** Which pods stand for which assignment server, per configuration. */
  static String mapping(List<AnalysisRow> rows) {
    StringBuilder md = new StringBuilder();
    for (AnalysisRow r : rows) {
      AssignmentLayout l = r.layout();
      md.append("- **")
          .append(l.describe())
          .append("** (database `")
          .append(r.database())
          .append("`, ")
          .append(l.pods())
          .append(" shard-server pods):");
      for (Map.Entry<String, List<String>> e : l.serverMap().entrySet()) {
        md.append("\n  - ")
            .append(e.getKey())
            .append(": ")
            .append(String.join(", ", e.getValue()))
            .append(" → ")
            .append(
                l.podsOf(r.database(), e.getKey()).values().stream()
                    .map(p -> "`" + p + "`")
                    .collect(Collectors.joining(", ")));
      }
      md.append("\n");
    }
    return md.toString();
  }

  /** The A-4 check of each configuration that ran it. */
  static String failureChecks(List<AnalysisRow> rows) {
    StringBuilder md = new StringBuilder();
    for (AnalysisRow r : rows) {
      if (r.failure() != null) {
        md.append(failureCheck(r.layout(), r.failure()));
      }
    }
    return md.toString();
  }

  private static String failureCheck(AssignmentLayout layout, FailureOutcome.Result f) {
    StringBuilder md = new StringBuilder();
    md.append("\n### ")
        .append(layout.describe())
        .append(": ")
        .append(f.server())
        .append(" failed — ")
        .append(f.passed() ? "passed" : "FAILED")
        .append("\n\n");
    md.append("Deleted with their volumes (the StatefulSets spawn empty replacements): ")
        .append(
            f.pods().values().stream().map(p -> "`" + p + "`").collect(Collectors.joining(", ")))
        .append(".\n");
    for (String d : f.deletions()) {
      md.append("- `").append(d.replace('\n', ' ').replace('`', '\'')).append("`\n");
    }
    md.append("\n`GET /status` echoed the `/init` layout before the fault: ")
        .append(yesNo(f.statusBefore()))
        .append("; after: ")
        .append(yesNo(f.statusAfter()))
        .append(". Database Ready again: ")
        .append(f.readySeconds() == null ? "not in time" : "+" + fmt(f.readySeconds()) + " s")
        .append(" after the fault. Times count from the first deletion; the shards are checked one")
        .append(" after another, so a later shard's times include the earlier shards' checks.\n\n");
    md.append(shardTable(f.shards()));
    List<String> problems = new ArrayList<>(f.problems());
    f.shards().forEach(s -> s.problems().forEach(p -> problems.add(s.shard() + ": " + p)));
    if (!problems.isEmpty()) {
      md.append("\nProblems:\n");
      problems.forEach(p -> md.append("- ").append(p).append("\n"));
    }
    if (!f.replicas().isEmpty()) {
      md.append("\nThe failed server's shards at the end, as the status reports them:\n\n");
      md.append(replicaTable(f.replicas()));
    }
    return md.toString();
  }

  private static String shardTable(List<FailureOutcome.ShardCheck> shards) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| shard | pod (role at the fault) | first write answered | probe writes | probe reads |"
            + " /update | /del | whole-shard read | replacement caught up |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (FailureOutcome.ShardCheck s : shards) {
      md.append("| ")
          .append(s.shard())
          .append(" | `")
          .append(s.pod())
          .append("` (")
          .append(s.wasPrimary() ? "primary" : "secondary")
          .append(") | ")
          .append(s.firstWriteSeconds() == null ? "no" : "+" + fmt(s.firstWriteSeconds()) + " s")
          .append(" | ")
          .append(s.probesWritten())
          .append("/")
          .append(s.probes())
          .append(" | ")
          .append(s.probesRead())
          .append("/")
          .append(s.probes())
          .append(" | ")
          .append(yesNo(s.updateAnswered()))
          .append(" | ")
          .append(yesNo(s.deleteAnswered()))
          .append(" | ")
          .append(s.rowsRead())
          .append(" rows, ")
          .append(s.rowsMissing())
          .append(" of ")
          .append(s.rowsExpected())
          .append(" missing, ")
          .append(s.rowsUnexpected())
          .append(" unexpected | ")
          .append(
              s.caughtUpSeconds() == null
                  ? "no (LSN ≥ " + s.caughtUpLsn() + ")"
                  : "+" + fmt(s.caughtUpSeconds()) + " s (LSN ≥ " + s.caughtUpLsn() + ")")
          .append(" |\n");
    }
    return md.toString();
  }

  private static String replicaTable(List<FailureOutcome.ReplicaRow> replicas) {
    StringBuilder md = new StringBuilder();
    md.append("| shard | pod | role | ready | state | applied LSN | lag |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (FailureOutcome.ReplicaRow x : replicas) {
      md.append("| ")
          .append(x.shard())
          .append(" | `")
          .append(x.pod())
          .append("` | ")
          .append(x.role())
          .append(" | ")
          .append(x.ready())
          .append(" | ")
          .append(x.state())
          .append(" | ")
          .append(x.appliedLsn())
          .append(" | ")
          .append(x.lag())
          .append(" |\n");
    }
    return md.toString();
  }

  /** The whole analysis.md: command, table, charts, mapping, failure checks, environment. */
  static String markdown(
      List<AnalysisRow> rows, String command, int ops, int clients, Map<String, String> env) {
    StringBuilder md = new StringBuilder();
    md.append("# The assignment's analysis, like for like\n\n");
    md.append("```sh\n").append(command).append("\n```\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "ShardedDB in local mode: %,d writes, then %,d reads of the same keys, through the"
                + " router's assignment API (`POST /write` of one row, `POST /read` with low ="
                + " high), %d clients. COLD: the first run on a fresh deployment (right after"
                + " `/init` and Ready), nothing before it. WARM: the median of the measured runs"
                + " after one warm-up run of the same size. Seed: the assignment report's table,"
                + " %,d writes and %,d reads, clients not stated.\n\n",
            ops,
            ops,
            clients,
            SeedFigures.OPS,
            SeedFigures.OPS));
    md.append(table(rows));
    for (AnalysisRow r : rows) {
      if (r.problem() != null) {
        md.append("\n").append(r.layout().describe()).append(": ").append(r.problem()).append("\n");
      }
    }
    md.append("\n![write times](write_performance.png)\n![read times](read_performance.png)\n");
    md.append("\n## Servers and pods\n\n");
    md.append(
        "Each configuration is laid out by the assignment's `POST /init` with its `servers` map;"
            + " a server listed for a shard is one replica of that shard, each its own pod"
            + " (`<database>-<shard>-<ordinal>`). The k-th server listing a shard stands for the"
            + " shard's pod of ordinal k. `/init` replies:");
    for (AnalysisRow r : rows) {
      md.append("\n- ")
          .append(r.layout().name())
          .append(": ")
          .append(r.initReply() == null ? NONE : "`" + r.initReply() + "`");
    }
    md.append("\n\n").append(mapping(rows));
    String checks = failureChecks(rows);
    if (!checks.isEmpty()) {
      md.append("\n## Failure check (the assignment's Task A-4)\n").append(checks);
    }
    md.append("\n## Environment\n\n");
    env.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v).append("`\n"));
    return md.toString();
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  private static String capitalized(String s) {
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
