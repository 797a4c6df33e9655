package io.shardeddb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shardeddb.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The assignment's analysis ({@code BenchMain --analysis}): for each configuration, a fresh
 * database laid out by the assignment's {@code POST /init} (servers holding sets of shards, {@link
 * AssignmentLayout}), the COLD run (the first writes and reads on it), a warm-up, the WARM runs,
 * then the Task A-4 failure check ({@link FailureCheck}); the database is deleted and its pods gone
 * before the next configuration starts. After each configuration it rewrites {@code analysis.md},
 * {@code analysis.json}, {@code write_performance.png} and {@code read_performance.png} (a crash
 * keeps what was measured). Every phase, wait and check is bounded in time.
 */
final class AssignmentAnalysis {

  /**
   * @param failure the failure check's settings; null: no check
   * @param command the command line, as written into {@code analysis.md}
   */
  record Settings(
      List<AssignmentLayout> layouts,
      AnalysisPlan plan,
      int clients,
      Duration ready,
      FailureCheck.Settings failure,
      String command) {}

  private final LocalCluster cluster;
  private final Path scratch;
  private final Path out;
  private final LoadRunner runner;
  private final Function<AssignmentLayout, DatabaseYaml> databases;
  private final Map<String, String> environment;
  private final Settings settings;
  private final List<AnalysisRow> rows = new ArrayList<>();

  AssignmentAnalysis(
      LocalCluster cluster,
      Path scratch,
      Path out,
      LoadRunner runner,
      Function<AssignmentLayout, DatabaseYaml> databases,
      Map<String, String> environment,
      Settings settings) {
    this.cluster = cluster;
    this.scratch = scratch;
    this.out = out;
    this.runner = runner;
    this.databases = databases;
    this.environment = environment;
    this.settings = settings;
  }

  /** Runs every configuration in turn; the rows, as written. */
  List<AnalysisRow> run() throws Exception {
    for (AssignmentLayout layout : settings.layouts()) {
      Phases.log("analysis: " + layout.describe());
      environment.put("load-average-before " + layout.name(), Phases.loadAverage());
      rows.add(configuration(layout));
      environment.put("load-average-after " + layout.name(), Phases.loadAverage());
      write();
    }
    return List.copyOf(rows);
  }

  private AnalysisRow configuration(AssignmentLayout layout) throws Exception {
    DatabaseYaml yaml = databases.apply(layout);
    LocalDeployment d;
    try {
      d =
          LocalDeployment.upByInit(
              cluster, yaml, layout.initBody(yaml.ranges()), scratch, settings.ready());
    } catch (Exception e) {
      if (e.getSuppressed().length > 0) {
        // Its pods may still run: the next configuration must not start beside them.
        throw e;
      }
      Phases.log("analysis: " + layout.name() + " did not come up: " + e);
      return AnalysisRow.failed(
          layout,
          yaml.name(),
          "not Ready within " + settings.ready().toMinutes() + " min (deleted): " + e);
    }
    try (d;
        // The analysis reports no CPU: its client threads are counted nowhere.
        RouterTarget target = d.target(new ClientCpu())) {
      AnalysisPlan plan = settings.plan();
      PhaseResult coldWrite = phase("cold", layout, "write", target, plan.cold());
      PhaseResult coldRead = phase("cold", layout, "read", target, plan.cold());
      phase("warmup", layout, "write", target, plan.warmup());
      phase("warmup", layout, "read", target, plan.warmup());
      List<PhaseResult> writes = new ArrayList<>();
      List<PhaseResult> reads = new ArrayList<>();
      for (int run = 0; run < plan.runs(); run++) {
        writes.add(phase("warm", layout, "write", target, plan.warm(run)));
        reads.add(phase("warm", layout, "read", target, plan.warm(run)));
      }
      AnalysisRow row =
          new AnalysisRow(
              layout,
              d.name(),
              d.podCount(),
              d.initReply(),
              coldWrite,
              coldRead,
              RunPlan.median(writes),
              RunPlan.median(reads),
              null,
              null);
      if (settings.failure() == null) {
        return row;
      }
      try {
        FailureOutcome.Result check =
            new FailureCheck(
                    cluster, d.name(), layout, plan, yaml.ranges(), d.router(), settings.failure())
                .run();
        Phases.log("analysis: failure check " + (check.passed() ? "passed" : "FAILED"));
        return row.withFailure(check);
      } catch (RuntimeException e) {
        return row.withProblem("the failure check stopped: " + e);
      }
    }
  }

  private PhaseResult phase(
      String suite, AssignmentLayout layout, String phase, RouterTarget target, KeySet keys)
      throws InterruptedException {
    LoadRunner.PhaseLabel label =
        new LoadRunner.PhaseLabel(
            suite, "shardeddb " + layout.name(), layout.shards(), layout.replicas(), phase);
    PhaseResult r =
        runner.run(
            label, keys, settings.clients(), phase.equals("write") ? target::write : target::read);
    Phases.logResult(r);
    return r;
  }

  /** Rewrites the Markdown, the JSON and both charts from the rows so far. */
  private void write() throws IOException {
    Files.createDirectories(out);
    int ops = settings.plan().ops();
    Files.writeString(
        out.resolve("analysis.md"),
        AnalysisReport.markdown(rows, settings.command(), ops, settings.clients(), environment));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("command", settings.command());
    doc.put("environment", environment);
    doc.put("rows", rows);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve("analysis.json").toFile(), doc);
    Charts charts = new Charts(out);
    for (String phase : List.of("write", "read")) {
      Phases.log(
          "plot "
              + charts.analysis(
                  AnalysisReport.bars(rows, phase, ops, settings.clients()),
                  phase + "_performance"));
    }
  }
}
