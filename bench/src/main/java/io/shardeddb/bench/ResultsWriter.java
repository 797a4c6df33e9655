package io.shardeddb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the raw results as CSV and JSON and the tables as Markdown. */
final class ResultsWriter {
  private static final String CSV_HEADER =
      "suite,target,shards,replicas,phase,clients,ops,completed,failures,seconds,ops_per_s,"
          + "p50_ms,p95_ms,p99_ms,max_ms,time_ratio_to_direct,runs_seconds";

  private final Path dir;

  ResultsWriter(Path dir) {
    this.dir = dir;
  }

  /** Rewrites hops.csv and hops.md (the per-hop timers, {@link HopMeters}) when there are any. */
  void writeHops(List<HopMeters.Row> hops) throws IOException {
    if (hops.isEmpty()) {
      return;
    }
    Files.createDirectories(dir);
    Files.write(dir.resolve("hops.csv"), HopMeters.csv(hops));
    Files.writeString(dir.resolve("hops.md"), HopMeters.batches(hops) + HopMeters.table(hops));
  }

  /** As {@link #write(List, List, List, Map)} with no MariaDB counters. */
  void write(List<PhaseResult> results, List<CpuUsage> cpu, Map<String, String> environment)
      throws IOException {
    write(results, cpu, List.of(), environment);
  }

  /** Rewrites results.csv, results.json and tables.md from everything measured so far. */
  void write(
      List<PhaseResult> results,
      List<CpuUsage> cpu,
      List<MariaDbCounters.Usage> storage,
      Map<String, String> environment)
      throws IOException {
    Files.createDirectories(dir);
    Ratios ratios = new Ratios(results);
    List<String> csv = new ArrayList<>();
    csv.add(CSV_HEADER);
    List<Map<String, Object>> json = new ArrayList<>();
    for (PhaseResult r : results) {
      String ratio = ratios.timeRatio(r).map(x -> fmt(x)).orElse("");
      csv.add(
          String.join(
              ",",
              r.suite(),
              r.target(),
              String.valueOf(r.shards()),
              String.valueOf(r.replicas()),
              r.phase(),
              String.valueOf(r.clients()),
              String.valueOf(r.ops()),
              String.valueOf(r.completed()),
              String.valueOf(r.failures()),
              fmt(r.seconds()),
              fmt(r.opsPerSecond()),
              fmt(r.latency().p50()),
              fmt(r.latency().p95()),
              fmt(r.latency().p99()),
              fmt(r.latency().max()),
              ratio,
              String.join(";", r.runSeconds().stream().map(ResultsWriter::fmt).toList())));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("result", r);
      row.put("opsPerSecond", r.opsPerSecond());
      row.put("valid", r.valid());
      ratios.timeRatio(r).ifPresent(x -> row.put("timeRatioToDirect", x));
      json.add(row);
    }
    Files.write(dir.resolve("results.csv"), csv);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("environment", environment);
    doc.put("results", json);
    List<Map<String, Object>> cpuJson = new ArrayList<>();
    for (CpuUsage u : cpu) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("usage", u);
      row.put("cpuMsPerOp", u.msPerOp());
      row.put("machineCores", u.machineCores());
      cpuJson.add(row);
    }
    doc.put("cpu", cpuJson);
    List<Map<String, Object>> storageJson = new ArrayList<>();
    for (MariaDbCounters.Usage u : storage) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("target", u.target());
      row.put("phase", u.phase());
      row.put("ops", u.ops());
      row.put("deltas", u.counters().values());
      row.put("perOp", u.perOp());
      storageJson.add(row);
    }
    doc.put("mariadb", storageJson);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("results.json").toFile(), doc);
    Files.writeString(
        dir.resolve("tables.md"),
        tables(results, ratios) + cpuTable(cpu) + MariaDbCounters.table(storage));
  }

  /** One Markdown table per suite, in the order measured. */
  static String tables(List<PhaseResult> results, Ratios ratios) {
    StringBuilder md = new StringBuilder();
    for (String suite : results.stream().map(PhaseResult::suite).distinct().toList()) {
      md.append("\n### suite: ").append(suite).append("\n\n");
      md.append(
          "| target | shards x replicas | phase | clients | ops | failed | seconds | ops/s |"
              + " p50 ms | p95 ms | p99 ms | time / direct |\n");
      md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (PhaseResult r : results) {
        if (!r.suite().equals(suite)) {
          continue;
        }
        md.append("| ")
            .append(r.target())
            .append(" | ")
            .append(r.shards() == 0 ? "-" : r.shards() + "x" + r.replicas())
            .append(" | ")
            .append(r.phase())
            .append(" | ")
            .append(r.clients())
            .append(" | ")
            .append(r.completed() == r.ops() ? r.ops() : r.completed() + "/" + r.ops())
            .append(" | ")
            .append(r.failures())
            .append(" | ")
            .append(fmt(r.seconds()))
            .append(r.runSeconds().size() > 1 ? " (median of " + runs(r) + ")" : "")
            .append(" | ")
            .append(String.format(Locale.ROOT, "%.0f", r.opsPerSecond()))
            .append(" | ")
            .append(fmt(r.latency().p50()))
            .append(" | ")
            .append(fmt(r.latency().p95()))
            .append(" | ")
            .append(fmt(r.latency().p99()))
            .append(" | ")
            .append(ratios.timeRatio(r).map(x -> fmt(x) + "x").orElse("-"))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  /**
   * CPU milliseconds per operation of each process group, over all measured runs of a phase, and
   * how many cores the machine kept busy meanwhile (everything on it, not only these processes).
   */
  static String cpuTable(List<CpuUsage> cpu) {
    // Rows with operations give CPU ms per operation; an idle row gives cores used.
    if (cpu.isEmpty()) {
      return "";
    }
    List<String> groups = new ArrayList<>();
    for (CpuUsage u : cpu) {
      for (String g : u.msPerOp().keySet()) {
        if (!groups.contains(g) && !g.equals("total")) {
          groups.add(g);
        }
      }
    }
    groups.add("total");
    StringBuilder md = new StringBuilder("\n### CPU per operation (ms), measured runs summed\n\n");
    md.append("| target | phase | ops |");
    groups.forEach(g -> md.append(' ').append(g).append(" |"));
    md.append(" machine busy (cores) |\n|---|---|---|");
    groups.forEach(g -> md.append("---|"));
    md.append("---|\n");
    for (CpuUsage u : cpu) {
      // With no operations (the idle window), the cores each group kept busy instead.
      boolean idle = u.ops() == 0;
      Map<String, Double> ms = idle ? u.cores() : u.msPerOp();
      cpuRow(md, u, u.phase(), idle ? "none (cores used)" : String.valueOf(u.ops()), groups, ms);
      // The same phase less the target's idle background, when its idle window was measured.
      CpuUsage background = idle ? null : idleOf(cpu, u);
      if (background != null) {
        cpuRow(
            md,
            u,
            u.phase() + ", active (minus idle)",
            String.valueOf(u.ops()),
            groups,
            u.activeMsPerOp(background));
      }
    }
    return md.toString();
  }

  private static void cpuRow(
      StringBuilder md,
      CpuUsage u,
      String phase,
      String ops,
      List<String> groups,
      Map<String, Double> ms) {
    md.append("| ").append(u.target()).append(" | ").append(phase).append(" | ");
    md.append(ops).append(" |");
    for (String g : groups) {
      md.append(' ')
          .append(ms.containsKey(g) ? String.format(Locale.ROOT, "%.3f", ms.get(g)) : "-");
      md.append(" |");
    }
    md.append(' ').append(fmt(u.machineCores())).append(" |\n");
  }

  /** The idle window measured for {@code u}'s target in the same suite, or null. */
  private static CpuUsage idleOf(List<CpuUsage> cpu, CpuUsage u) {
    return cpu.stream()
        .filter(i -> i.ops() == 0 && i.target().equals(u.target()) && i.suite().equals(u.suite()))
        .findFirst()
        .orElse(null);
  }

  private static String runs(PhaseResult r) {
    return String.join(", ", r.runSeconds().stream().map(ResultsWriter::fmt).toList());
  }

  static String fmt(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }
}
