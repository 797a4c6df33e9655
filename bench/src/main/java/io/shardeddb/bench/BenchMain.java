package io.shardeddb.bench;

import io.shardeddb.local.LocalCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark command: the assignment's workload on ShardedDB in local mode for each
 * configuration, the same workload on direct JDBC and ShardingSphere-JDBC on the same MariaDB, a
 * concurrency sweep and a scale sweep; writes CSV, JSON, Markdown tables and PNG plots.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "ShardedDB benchmarks beside direct JDBC and ShardingSphere-JDBC.")
public final class BenchMain implements Callable<Integer> {
  @Option(names = "--home", description = "Project checkout (crds/, pod jars).", defaultValue = ".")
  Path home;

  @Option(names = "--out", description = "Results directory.", defaultValue = "docs/benchmarks")
  Path out;

  @Option(names = "--work", description = "Scratch directory (MariaDB data, pod logs).")
  Path work;

  @Option(
      names = "--configs",
      split = ",",
      description = "Shards x replicas per configuration.",
      defaultValue = "4x3,4x6,6x8")
  List<String> configs;

  @Option(
      names = "--clients",
      description = "Client threads of the main runs.",
      defaultValue = "16")
  int clients;

  @Option(
      names = "--ops",
      description = "Writes, then reads, per main run.",
      defaultValue = "10000")
  int ops;

  @Option(
      names = "--runs",
      description =
          "Measured runs per main phase after one warm-up run of the same size; the median is"
              + " reported.",
      defaultValue = "3")
  int runs;

  @Option(
      names = "--latency-ops",
      description = "Writes, then reads, of the one-client latency phase per target (0: none).",
      defaultValue = "1000")
  int latencyOps;

  @Option(
      names = "--sweep-clients",
      split = ",",
      description = "Concurrency sweep (on --sweep-base-shards x --sweep-replicas).",
      defaultValue = "1,4,16,64")
  List<Integer> sweepClients;

  @Option(
      names = "--sweep-shards",
      split = ",",
      description = "Scale sweep (shard counts).",
      defaultValue = "1,2,4,8")
  List<Integer> sweepShards;

  @Option(names = "--sweep-base-shards", defaultValue = "4")
  int sweepBaseShards;

  @Option(names = "--sweep-replicas", defaultValue = "3")
  int sweepReplicas;

  @Option(
      names = "--sweep-ops",
      description = "Writes, then reads, per sweep step.",
      defaultValue = "2000")
  int sweepOps;

  @Option(
      names = "--skip-sweeps",
      description = "Only the main runs, no concurrency or scale sweep.")
  boolean skipSweeps;

  @Option(
      names = "--skip-main",
      description =
          "Only the sweeps: no main comparison (the key space still follows --ops/--runs).")
  boolean skipMain;

  @Option(names = "--shardingsphere-shards", defaultValue = "4")
  int shardingSphereShards;

  @Option(names = "--phase-minutes", description = "Time limit of one phase.", defaultValue = "15")
  int phaseMinutes;

  @Option(
      names = "--ready-minutes",
      description = "Time limit for a configuration to be Ready.",
      defaultValue = "10")
  int readyMinutes;

  @Option(
      names = "--pod-jvm-option",
      description = "Extra JVM option for every pod process (e.g. a JFR recording); repeatable.")
  List<String> podJvmOptions = new ArrayList<>();

  @Option(
      names = "--tls",
      description =
          "TLS on every hop of the ShardedDB targets (the default, on), or off (spec.tls.enabled:"
              + " false) to measure what it costs.",
      defaultValue = "on")
  String tls;

  @Option(
      names = "--replot",
      description = "Only redraw the plots from <out>/results.csv; measure nothing.")
  boolean replot;

  private final List<PhaseResult> results = new ArrayList<>();
  private final List<CpuUsage> cpu = new ArrayList<>();

  /** How long each target is watched with no load, to tell its background CPU apart. */
  private static final java.time.Duration IDLE_WINDOW = java.time.Duration.ofSeconds(10);

  private final Map<String, String> environment = new LinkedHashMap<>();

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (replot) {
      for (Path p : new Charts(out).draw(ResultsReader.read(out.resolve("results.csv")))) {
        log("plot " + p);
      }
      return 0;
    }
    RunPlan plan = new RunPlan(ops, runs, latencyOps);
    int keySpace = plan.keySpace();
    long stride = keySpace / sweepOps;
    // One key slot per client step, one for the shard step, one for the deployment's warm-up.
    if (!skipSweeps && stride < sweepClients.size() + 2) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--sweep-ops "
              + sweepOps
              + " too large: the sweep steps on one deployment need disjoint keys below "
              + keySpace);
    }
    Path scratch = work != null ? work : Files.createTempDirectory("shardeddb-bench");
    Path dataDir = scratch.resolve("local");
    describeMachine();
    ResultsWriter writer = new ResultsWriter(out);
    LoadRunner runner = new LoadRunner(Duration.ofMinutes(phaseMinutes));
    Duration ready = Duration.ofMinutes(readyMinutes);
    LocalCluster.Options defaults = LocalCluster.Options.defaults(home.toAbsolutePath(), dataDir);
    List<String> podJvm = new ArrayList<>(defaults.jvmOptions());
    podJvm.addAll(podJvmOptions);
    environment.put("pod-jvm-options", String.join(" ", podJvm));
    environment.put("tls", tlsOn() ? "on" : "off");
    LocalCluster.Options options =
        new LocalCluster.Options(
            defaults.projectHome(), dataDir, defaults.namespace(), defaults.apiPort(), podJvm);
    try (LocalCluster cluster = LocalCluster.start(options)) {
      MariaDbServer mariadb = MariaDbServer.of(cluster.database());
      environment.put("mariadb", mariadb.baseUrl());
      Baselines baselines = new Baselines(mariadb, scratch.resolve("shardingsphere"));
      if (!skipMain) {
        log("main: direct JDBC");
        try (JdbcTarget direct = baselines.direct(clients)) {
          measure(runner, Ratios.DIRECT, 0, 0, direct, plan, cmd -> Optional.empty());
        }
        writer.write(results, cpu, environment);
        log("main: ShardingSphere-JDBC");
        try (JdbcTarget ss = baselines.shardingSphere(shardingSphereShards, clients)) {
          measure(
              runner,
              "shardingsphere-jdbc",
              shardingSphereShards,
              1,
              ss,
              plan,
              cmd -> Optional.empty());
        } catch (Exception | LinkageError e) {
          environment.put("shardingsphere-error", e.toString());
          log("ShardingSphere-JDBC failed: " + e);
        }
        writer.write(results, cpu, environment);
        for (String config : configs) {
          int shards = Integer.parseInt(config.split("x")[0].trim());
          int replicas = Integer.parseInt(config.split("x")[1].trim());
          log("main: ShardedDB " + config);
          DatabaseYaml yaml =
              new DatabaseYaml(
                  "bench-" + shards + "x" + replicas, shards, replicas, keySpace, tlsOn());
          try (LocalDeployment d = LocalDeployment.up(cluster, yaml, scratch, ready);
              RouterTarget router = d.target()) {
            measure(
                runner, "shardeddb " + config, shards, replicas, router, plan, d.processGroups());
          }
          writer.write(results, cpu, environment);
        }
      }

      if (!skipSweeps) {
        sweeps(cluster, baselines, runner, writer, scratch, ready, keySpace, stride);
      }
    }
    environment.put("finished", Instant.now().toString());
    environment.put("load-average-at-end", loadAverage());
    writer.write(results, cpu, environment);
    for (Path p : new Charts(out).draw(results)) {
      log("plot " + p);
    }
    System.out.println(ResultsWriter.tables(results, new Ratios(results)));
    System.out.println(ResultsWriter.cpuTable(cpu));
    long invalid = results.stream().filter(r -> !r.valid()).count();
    if (invalid > 0) {
      System.err.println(invalid + " phase(s) had failures or did not finish: not a result");
      return 1;
    }
    return 0;
  }

  private void sweeps(
      LocalCluster cluster,
      Baselines baselines,
      LoadRunner runner,
      ResultsWriter writer,
      Path scratch,
      Duration ready,
      int keySpace,
      long stride)
      throws Exception {
    KeySet sweepKeys = new KeySet(0, stride, sweepOps);
    // The last slot of the stride: no sweep step uses it.
    KeySet warmKeys = new KeySet(stride - 1, stride, sweepOps);
    if (!sweepClients.isEmpty() || !sweepShards.isEmpty()) {
      log("sweeps: direct JDBC");
      for (int c : sweepClients) {
        try (JdbcTarget direct = baselines.direct(c)) {
          warmUp(runner, Ratios.DIRECT, direct, warmKeys, c);
          writeThenRead(runner, "clients", Ratios.DIRECT, 0, 0, direct, sweepKeys, c);
        }
      }
      if (!sweepShards.isEmpty()) {
        try (JdbcTarget direct = baselines.direct(clients)) {
          warmUp(runner, Ratios.DIRECT, direct, warmKeys, clients);
          writeThenRead(runner, "shards", Ratios.DIRECT, 0, 0, direct, sweepKeys, clients);
        }
      }
      writer.write(results, cpu, environment);
    }
    List<Integer> shardCounts = new ArrayList<>(sweepShards);
    if (!sweepClients.isEmpty() && !shardCounts.contains(sweepBaseShards)) {
      shardCounts.add(sweepBaseShards);
    }
    for (int shards : shardCounts) {
      log("sweeps: ShardedDB " + shards + "x" + sweepReplicas);
      DatabaseYaml yaml =
          new DatabaseYaml(
              "sweep-" + shards + "x" + sweepReplicas, shards, sweepReplicas, keySpace, tlsOn());
      String target = "shardeddb";
      try (LocalDeployment d = LocalDeployment.up(cluster, yaml, scratch, ready);
          RouterTarget router = d.target()) {
        warmUp(runner, target + " " + shards + "x" + sweepReplicas, router, warmKeys, clients);
        int base = 0;
        if (shards == sweepBaseShards) {
          // Each step writes keys no earlier step wrote, on the same deployment.
          for (int c : sweepClients) {
            KeySet keys = new KeySet(base++, stride, sweepOps);
            writeThenRead(runner, "clients", target, shards, sweepReplicas, router, keys, c);
          }
        }
        if (sweepShards.contains(shards)) {
          KeySet keys = new KeySet(base, stride, sweepOps);
          writeThenRead(runner, "shards", target, shards, sweepReplicas, router, keys, clients);
        }
      }
      writer.write(results, cpu, environment);
    }
  }

  /**
   * The main comparison for one target, treated like every other: a warm-up run, {@code
   * plan.runs()} measured runs of writes then reads (the median of each phase is reported), then
   * the one-client latency phase.
   */
  private void measure(
      LoadRunner runner,
      String target,
      int shards,
      int replicas,
      Target t,
      RunPlan plan,
      Function<List<String>, Optional<String>> groups)
      throws InterruptedException {
    environment.put("load-average-before " + target, loadAverage());
    warmUp(runner, target, t, plan.warmup(), clients);
    // What the target's processes use with no client load (heartbeats, lease pings, polls).
    ProcessCpu.Reading idleStart = ProcessCpu.read(groups);
    long idleFrom = System.nanoTime();
    Thread.sleep(IDLE_WINDOW.toMillis());
    double idleSeconds = (System.nanoTime() - idleFrom) / 1e9;
    cpu.add(
        CpuUsage.of(
            "main", target, "idle", 0, idleSeconds, ProcessCpu.read(groups).minus(idleStart)));
    List<PhaseResult> writes = new ArrayList<>();
    List<PhaseResult> reads = new ArrayList<>();
    ProcessCpu.Reading writeCpu = ProcessCpu.Reading.none();
    ProcessCpu.Reading readCpu = ProcessCpu.Reading.none();
    for (int run = 0; run < plan.runs(); run++) {
      ProcessCpu.Reading before = ProcessCpu.read(groups);
      writes.add(phase(runner, "main", target, shards, replicas, "write", t, plan.measured(run)));
      ProcessCpu.Reading between = ProcessCpu.read(groups);
      reads.add(phase(runner, "main", target, shards, replicas, "read", t, plan.measured(run)));
      ProcessCpu.Reading after = ProcessCpu.read(groups);
      writeCpu = writeCpu.plus(between.minus(before));
      readCpu = readCpu.plus(after.minus(between));
    }
    cpu.add(CpuUsage.of("main", target, "write", completed(writes), seconds(writes), writeCpu));
    cpu.add(CpuUsage.of("main", target, "read", completed(reads), seconds(reads), readCpu));
    results.add(RunPlan.median(writes));
    results.add(RunPlan.median(reads));
    if (plan.latencyOps() > 0) {
      writeThenRead(runner, "latency", target, shards, replicas, t, plan.latency(), 1);
    }
    environment.put("load-average-after " + target, loadAverage());
  }

  private static int completed(List<PhaseResult> runs) {
    return runs.stream().mapToInt(PhaseResult::completed).sum();
  }

  private static double seconds(List<PhaseResult> runs) {
    return runs.stream().mapToDouble(PhaseResult::seconds).sum();
  }

  /** A run that is not reported, so no target is measured cold (JIT, pools, caches). */
  private void warmUp(LoadRunner runner, String target, Target t, KeySet keys, int clients)
      throws InterruptedException {
    for (String phase : List.of("write", "read")) {
      PhaseResult r =
          runner.run(
              new LoadRunner.PhaseLabel("warmup", target, 0, 0, phase),
              keys,
              clients,
              phase.equals("write") ? t::write : t::read);
      logResult(r);
      if (!r.valid()) {
        // Keep going: the measured runs after it say whether the target works.
        log("warm-up of " + target + " " + phase + " had failures: " + r.failedSamples());
      }
    }
  }

  private PhaseResult phase(
      LoadRunner runner,
      String suite,
      String target,
      int shards,
      int replicas,
      String phase,
      Target t,
      KeySet keys)
      throws InterruptedException {
    LoadRunner.PhaseLabel label = new LoadRunner.PhaseLabel(suite, target, shards, replicas, phase);
    PhaseResult r = runner.run(label, keys, clients, phase.equals("write") ? t::write : t::read);
    logResult(r);
    return r;
  }

  private void writeThenRead(
      LoadRunner runner,
      String suite,
      String target,
      int shards,
      int replicas,
      Target t,
      KeySet keys,
      int clients)
      throws InterruptedException {
    for (String phase : List.of("write", "read")) {
      LoadRunner.PhaseLabel label =
          new LoadRunner.PhaseLabel(suite, target, shards, replicas, phase);
      PhaseResult r = runner.run(label, keys, clients, phase.equals("write") ? t::write : t::read);
      results.add(r);
      logResult(r);
    }
  }

  private static void logResult(PhaseResult r) {
    log(
        String.format(
            java.util.Locale.ROOT,
            "%s %s %s clients=%d ops=%d completed=%d failed=%d %.2fs %.0f ops/s p50=%.2f"
                + " p95=%.2f p99=%.2f ms %s",
            r.suite(),
            r.target(),
            r.phase(),
            r.clients(),
            r.ops(),
            r.completed(),
            r.failures(),
            r.seconds(),
            r.opsPerSecond(),
            r.latency().p50(),
            r.latency().p95(),
            r.latency().p99(),
            r.failedSamples().isEmpty() ? "" : r.failedSamples().toString()));
  }

  private void describeMachine() throws IOException {
    environment.put("started", Instant.now().toString());
    environment.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
    environment.put("memory", memTotal());
    environment.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    environment.put("load-average-at-start", loadAverage());
    environment.put(
        "arguments",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
            + " | configs="
            + configs
            + " clients="
            + clients
            + " ops="
            + ops
            + " runs="
            + runs
            + " latencyOps="
            + latencyOps
            + " sweepClients="
            + sweepClients
            + " sweepShards="
            + sweepShards
            + " sweepOps="
            + sweepOps);
  }

  private static String memTotal() throws IOException {
    Path meminfo = Path.of("/proc/meminfo");
    return Files.isReadable(meminfo)
        ? Files.readAllLines(meminfo).get(0).replaceAll("\\s+", " ")
        : "unknown";
  }

  private static String loadAverage() {
    return String.format(
        java.util.Locale.ROOT,
        "%.2f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void log(String line) {
    System.out.println("[bench " + Instant.now() + "] " + line);
  }

  private boolean tlsOn() {
    return switch (tls) {
      case "on" -> true;
      case "off" -> false;
      default ->
          throw new picocli.CommandLine.ParameterException(
              new picocli.CommandLine(this), "--tls must be on or off, not " + tls);
    };
  }
}
