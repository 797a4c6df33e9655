package io.shardeddb.bench;

import io.shardeddb.api.v1alpha1.RouterReadsSpec;
import io.shardeddb.local.LocalCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark command: the assignment's workload on ShardedDB in local mode for each
 * configuration (with TLS on, off or both), the same workload on direct JDBC (plain and over TLS)
 * and ShardingSphere-JDBC on the same MariaDB and on MariaDB's own semi-synchronous three copies, a
 * concurrency sweep and a scale sweep; writes CSV, JSON, Markdown tables and PNG plots.
 *
 * <p>Why this file is over 450 lines: it is the picocli command, and its thirty options are the
 * bench's whole surface — kept in one class so {@code --help}, the defaults and the text of each
 * option read in one place, in the order a user meets them. What the command does is elsewhere:
 * {@link Phases} measures, {@link Baselines} and {@link SemiSyncMariaDb} make the targets beside
 * ShardedDB, {@link TlsChoice} and {@link WarmUp} decide which states and how long to warm, {@link
 * AssignmentAnalysis} runs {@code --analysis}, {@link ResultsWriter} and {@link Charts} write; the
 * methods here only sequence them.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "ShardedDB benchmarks beside direct JDBC, ShardingSphere-JDBC and MariaDB semi-sync.")
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
      names = "--max-warmups",
      description =
          "When the pods run the full JIT (a --pod-jvm-option -XX:TieredStopAtLevel=4, the `c2`"
              + " variant), a ShardedDB target is warmed until two consecutive warm-up runs agree"
              + " within 10 % in write and read time, at most this many runs; one that does not"
              + " settle is not measured (exit status 1). Every other target warms once.",
      defaultValue = "6")
  int maxWarmups;

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

  @Option(
      names = "--skip-semisync",
      description =
          "No mariadb-semisync target: MariaDB's own three copies (a primary and two replicas"
              + " with semi-synchronous replication) running the same workload over JDBC.")
  boolean skipSemiSync;

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
          "TLS on every hop of the ShardedDB targets (the default, on), off (spec.tls.enabled:"
              + " false; direct JDBC and ShardingSphere run without TLS), or both: the main"
              + " comparison deploys each configuration with TLS on, then off (targets"
              + " 'shardeddb 4x3 tls-on' and '... tls-off'); the sweeps run with TLS on.",
      defaultValue = "on")
  String tls;

  @Option(
      names = "--reads",
      description =
          "How the ShardedDB databases read when /read names no consistency (spec.router.reads):"
              + " primary (the default, every read at the shard's primary) or bounded (follower"
              + " reads within --max-staleness: reads spread over the replicas).",
      defaultValue = "primary")
  String reads;

  @Option(
      names = "--max-staleness",
      description =
          "The bound of --reads bounded (spec.router.reads.maxStaleness: 500ms, 2s; 1ms to 1h).",
      defaultValue = RouterReadsSpec.DEFAULT_MAX_STALENESS)
  String maxStaleness;

  @Option(
      names = "--analysis",
      description =
          "The assignment's analysis instead of the comparison: each of --configs"
              + " (SHARDSxREPLICAS[@SERVERS]; 4x3, 4x6 on 6 servers and 6x8 on 10 as the seed)"
              + " laid out by POST /init, a COLD run, a warm-up and --runs WARM runs of --ops"
              + " writes then reads with --clients, then the Task A-4 failure check; writes"
              + " analysis.md, analysis.json, write_performance.png and read_performance.png into"
              + " --out (default docs/benchmarks/<date>-analysis).")
  boolean analysis;

  @Option(
      names = "--fail-server",
      description =
          "With --analysis: the assignment server whose pods the failure check deletes with"
              + " their volumes, or none for no check.",
      defaultValue = "Server0")
  String failServer;

  @Option(
      names = "--check-minutes",
      description = "With --analysis: time limit of one configuration's failure check.",
      defaultValue = "5")
  int checkMinutes;

  @Option(
      names = "--probes",
      description = "With --analysis: rows the failure check writes to each shard of the server.",
      defaultValue = "10")
  int probes;

  @Option(
      names = "--replot",
      description = "Only redraw the plots from <out>/results.csv; measure nothing.")
  boolean replot;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Phases phases;
  private final ClientCpu clientCpu = new ClientCpu();
  private Map<String, String> environment;

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
    if (analysis) {
      return analysis();
    }
    readsChoice(); // a usage error before anything starts
    tlsChoice();
    RunPlan plan = new RunPlan(ops, runs, latencyOps, shardedDbWarmUp().maxRuns());
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
    phases = new Phases(new LoadRunner(Duration.ofMinutes(phaseMinutes), clientCpu), clients);
    environment = phases.environment;
    describeMachine();
    ResultsWriter writer = new ResultsWriter(out);
    Duration ready = Duration.ofMinutes(readyMinutes);
    try (LocalCluster cluster = LocalCluster.start(clusterOptions(dataDir))) {
      MariaDbServer mariadb = MariaDbServer.of(cluster.database());
      environment.put("mariadb", mariadb.baseUrl());
      Baselines baselines = new Baselines(mariadb, scratch.resolve("shardingsphere"));
      if (!skipMain) {
        mainComparison(cluster, baselines, writer, plan, scratch, ready);
      }
      if (!skipSweeps) {
        sweeps(cluster, baselines, writer, scratch, ready, keySpace, stride);
      }
    }
    return finish(writer);
  }

  /** Local mode's pod JVM options followed by the bench's {@code --pod-jvm-option}s. */
  private List<String> podJvm(LocalCluster.Options defaults) {
    List<String> podJvm = new ArrayList<>(defaults.jvmOptions());
    podJvm.addAll(podJvmOptions);
    return podJvm;
  }

  /** How the ShardedDB targets warm: until steady when their pods run the full JIT, else once. */
  WarmUp shardedDbWarmUp() {
    List<String> podJvm = podJvm(LocalCluster.Options.defaults(home.toAbsolutePath(), home));
    if (!WarmUp.fullJit(podJvm)) {
      return WarmUp.once();
    }
    try {
      return WarmUp.untilSteady(maxWarmups);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--max-warmups: " + e.getMessage());
    }
  }

  /**
   * Local mode's options with the pod JVM options; notes them, TLS and reads in the environment.
   */
  private LocalCluster.Options clusterOptions(Path dataDir) {
    LocalCluster.Options defaults = LocalCluster.Options.defaults(home.toAbsolutePath(), dataDir);
    List<String> podJvm = podJvm(defaults);
    environment.put("pod-jvm-options", String.join(" ", podJvm));
    environment.put(
        "pods-full-jit",
        WarmUp.fullJit(podJvm)
            ? "yes: ShardedDB targets warm until two runs agree within 10 %, at most " + maxWarmups
            : "no (C1): every target warms once");
    environment.put("tls", tlsChoice().describe());
    environment.put("reads", readsChoice().describe());
    return new LocalCluster.Options(
        defaults.projectHome(), dataDir, defaults.namespace(), defaults.apiPort(), podJvm);
  }

  /**
   * {@code --analysis}: the assignment's three configurations like for like ({@link
   * AssignmentAnalysis}); exit status 1 when a phase or a failure check did not pass.
   */
  private int analysis() throws Exception {
    List<AssignmentLayout> layouts = analysisLayouts();
    readsChoice(); // a usage error before anything starts
    analysisTls();
    AnalysisPlan plan = new AnalysisPlan(ops, runs);
    Path target =
        spec.commandLine().getParseResult().hasMatchedOption("--out")
            ? out
            : Path.of(
                "docs/benchmarks", java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "-analysis");
    Path scratch = work != null ? work : Files.createTempDirectory("shardeddb-analysis");
    environment = new java.util.LinkedHashMap<>();
    describeMachine();
    FailureCheck.Settings failure =
        failServer.equalsIgnoreCase("none")
            ? null
            : new FailureCheck.Settings(
                failServer, probes, Duration.ofMinutes(checkMinutes), Duration.ofSeconds(20));
    String command =
        "java -cp bench/target/bench.jar:$(cat bench/target/classpath.txt)"
            + " io.shardeddb.bench.BenchMain "
            + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    List<AnalysisRow> rows;
    try (LocalCluster cluster = LocalCluster.start(clusterOptions(scratch.resolve("local")))) {
      rows =
          new AssignmentAnalysis(
                  cluster,
                  scratch,
                  target,
                  new LoadRunner(Duration.ofMinutes(phaseMinutes)),
                  l -> database("analysis-", l.shards(), l.replicas(), plan.keySpace()),
                  environment,
                  new AssignmentAnalysis.Settings(
                      layouts, plan, clients, Duration.ofMinutes(readyMinutes), failure, command))
              .run();
    }
    System.out.println(AnalysisReport.table(rows));
    log("analysis written to " + target.toAbsolutePath());
    long bad = rows.stream().filter(r -> !r.valid()).count();
    if (bad > 0) {
      System.err.println(bad + " configuration(s) had failures or a failed check: see analysis.md");
      return 1;
    }
    return 0;
  }

  /** {@code --configs} as the assignment's configurations; a usage error names a bad one. */
  List<AssignmentLayout> analysisLayouts() {
    List<AssignmentLayout> layouts = new ArrayList<>();
    for (String c : configs) {
      try {
        layouts.add(AssignmentLayout.parse(c));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--configs: " + e.getMessage());
      }
    }
    return layouts;
  }

  /**
   * Direct JDBC, ShardingSphere-JDBC, then each ShardedDB configuration: the same plan on each,
   * results written after every target (a crash keeps what was measured).
   */
  private void mainComparison(
      LocalCluster cluster,
      Baselines baselines,
      ResultsWriter writer,
      RunPlan plan,
      Path scratch,
      Duration ready)
      throws Exception {
    // The cluster's MariaDB serves direct JDBC, ShardingSphere and the ShardedDB pods alike.
    try (MariaDbCounters.Probe shared =
        new MariaDbCounters.Probe(List.of(MariaDbServer.of(cluster.database())))) {
      mainComparison(cluster, baselines, writer, plan, scratch, ready, shared);
    }
  }

  private void mainComparison(
      LocalCluster cluster,
      Baselines baselines,
      ResultsWriter writer,
      RunPlan plan,
      Path scratch,
      Duration ready,
      MariaDbCounters.Probe shared)
      throws Exception {
    log("main: direct JDBC");
    try (JdbcTarget direct = baselines.direct(clients)) {
      phases.measure(Ratios.DIRECT, 0, 0, direct, plan, noPods(shared));
    }
    if (tlsChoice().states().contains(true)) {
      // The ShardedDB rows with TLS on compare with this one (Ratios).
      log("main: direct JDBC over TLS");
      try (JdbcTarget direct = baselines.direct(clients, true)) {
        phases.measure(Ratios.DIRECT_TLS, 0, 0, direct, plan, noPods(shared));
      }
    }
    write(writer);
    log("main: ShardingSphere-JDBC");
    // ShardingSphere-JDBC may run statements on its own executor: its threads are the client's.
    clientCpu.watch(SHARDINGSPHERE_THREADS);
    try (JdbcTarget ss = baselines.shardingSphere(shardingSphereShards, clients)) {
      phases.measure("shardingsphere-jdbc", shardingSphereShards, 1, ss, plan, noPods(shared));
    } catch (Exception | LinkageError e) {
      environment.put("shardingsphere-error", e.toString());
      log("ShardingSphere-JDBC failed: " + e);
    } finally {
      clientCpu.unwatch(SHARDINGSPHERE_THREADS);
    }
    write(writer);
    if (!skipSemiSync) {
      semiSync(plan, scratch, ready);
      write(writer);
    }
    for (String config : configs) {
      int shards = Integer.parseInt(config.split("x")[0].trim());
      int replicas = Integer.parseInt(config.split("x")[1].trim());
      for (boolean tlsOn : tlsChoice().states()) {
        String target =
            "shardeddb " + config + TlsChoice.targetSuffix(tlsOn) + readsChoice().targetSuffix();
        log("main: " + target);
        DatabaseYaml yaml = database("bench-", shards, replicas, plan.keySpace(), tlsOn);
        try (LocalDeployment d = LocalDeployment.up(cluster, yaml, scratch, ready);
            RouterTarget router = d.target(clientCpu);
            HopMeters.Scraper scraper = new HopMeters.Scraper(d.meterPods())) {
          phases.measure(
              target,
              shards,
              replicas,
              router,
              plan,
              shardedDbWarmUp(),
              Phases.Meters.of(d.processGroups(), clientCpu, scraper::read, shared::read));
        }
        write(writer);
      }
    }
  }

  /**
   * The replicated floor: MariaDB's own three copies with semi-synchronous replication, started for
   * this target alone and stopped after it; a failure is noted and the run goes on.
   */
  private void semiSync(RunPlan plan, Path scratch, Duration ready) {
    log("main: " + SEMISYNC);
    try (SemiSyncMariaDb copies = SemiSyncMariaDb.start(scratch.resolve("semisync"), ready);
        MariaDbCounters.Probe counters = new MariaDbCounters.Probe(copies.servers());
        JdbcTarget t = Baselines.semiSync(copies, clients)) {
      phases.measure(
          SEMISYNC,
          1,
          SemiSyncMariaDb.COPIES,
          t,
          plan,
          Phases.Meters.noPods(copies.processGroups(), clientCpu, counters::read));
    } catch (Exception e) {
      environment.put("mariadb-semisync-error", e.toString());
      log(SEMISYNC + " failed: " + e);
    }
  }

  static final String SEMISYNC = "mariadb-semisync";

  /** The thread-name prefix of ShardingSphere-JDBC's executor (ExecutorThreadFactoryBuilder). */
  private static final String SHARDINGSPHERE_THREADS = "ShardingSphere-";

  /** A target that runs no pods: its processes' CPU and its MariaDB's counters are read. */
  private Phases.Meters noPods(MariaDbCounters.Probe storage) {
    return Phases.Meters.noPods(cmd -> Optional.empty(), clientCpu, storage::read);
  }

  /** The results, tables and plots; exit status 1 when a phase had failures or did not finish. */
  private int finish(ResultsWriter writer) throws IOException {
    environment.put("finished", Instant.now().toString());
    environment.put("load-average-at-end", loadAverage());
    write(writer);
    List<PhaseResult> results = phases.results;
    for (Path p : new Charts(out).draw(results)) {
      log("plot " + p);
    }
    System.out.println(ResultsWriter.tables(results, new Ratios(results)));
    System.out.println(ResultsWriter.cpuTable(phases.cpu));
    System.out.println(MariaDbCounters.table(phases.storage));
    long invalid = results.stream().filter(r -> !r.valid()).count();
    if (invalid > 0) {
      System.err.println(invalid + " phase(s) had failures or did not finish: not a result");
      return 1;
    }
    if (!phases.notSteady.isEmpty()) {
      System.err.println(
          "not measured, warm-up runs never agreed (results.json 'warm-up <target>'): "
              + phases.notSteady);
      return 1;
    }
    return 0;
  }

  private void write(ResultsWriter writer) throws IOException {
    writer.write(phases.results, phases.cpu, phases.storage, environment);
    writer.writeHops(phases.hops);
  }

  private void sweeps(
      LocalCluster cluster,
      Baselines baselines,
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
          phases.warmUp(Ratios.DIRECT, direct, warmKeys, c);
          phases.writeThenRead("clients", Ratios.DIRECT, 0, 0, direct, sweepKeys, c);
        }
      }
      if (!sweepShards.isEmpty()) {
        try (JdbcTarget direct = baselines.direct(clients)) {
          phases.warmUp(Ratios.DIRECT, direct, warmKeys, clients);
          phases.writeThenRead("shards", Ratios.DIRECT, 0, 0, direct, sweepKeys, clients);
        }
      }
      write(writer);
    }
    List<Integer> shardCounts = new ArrayList<>(sweepShards);
    if (!sweepClients.isEmpty() && !shardCounts.contains(sweepBaseShards)) {
      shardCounts.add(sweepBaseShards);
    }
    for (int shards : shardCounts) {
      log("sweeps: ShardedDB " + shards + "x" + sweepReplicas);
      boolean tlsOn = tlsChoice().single();
      DatabaseYaml yaml = database("sweep-", shards, sweepReplicas, keySpace, tlsOn);
      String target = "shardeddb" + TlsChoice.targetSuffix(tlsOn) + readsChoice().targetSuffix();
      try (LocalDeployment d = LocalDeployment.up(cluster, yaml, scratch, ready);
          RouterTarget router = d.target(clientCpu)) {
        phases.warmUp(target + " " + shards + "x" + sweepReplicas, router, warmKeys, clients);
        int base = 0;
        if (shards == sweepBaseShards) {
          // Each step writes keys no earlier step wrote, on the same deployment.
          for (int c : sweepClients) {
            KeySet keys = new KeySet(base++, stride, sweepOps);
            phases.writeThenRead("clients", target, shards, sweepReplicas, router, keys, c);
          }
        }
        if (sweepShards.contains(shards)) {
          KeySet keys = new KeySet(base, stride, sweepOps);
          phases.writeThenRead("shards", target, shards, sweepReplicas, router, keys, clients);
        }
      }
      write(writer);
    }
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
            + " | "
            + (analysis
                ? "analysis configs="
                    + configs
                    + " clients="
                    + clients
                    + " ops="
                    + ops
                    + " runs="
                    + runs
                    + " failServer="
                    + failServer
                    + " probes="
                    + probes
                    + " checkMinutes="
                    + checkMinutes
                : "configs="
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
                    + sweepOps)
            + " reads="
            + reads
            + " maxStaleness="
            + maxStaleness);
  }

  private static String memTotal() throws IOException {
    Path meminfo = Path.of("/proc/meminfo");
    return Files.isReadable(meminfo)
        ? Files.readAllLines(meminfo).get(0).replaceAll("\\s+", " ")
        : "unknown";
  }

  private static String loadAverage() {
    return Phases.loadAverage();
  }

  private static void log(String line) {
    Phases.log(line);
  }

  /**
   * The ShardedDatabase of one {@code --analysis} configuration, with the run's --tls (on or off:
   * the analysis deploys each configuration once) and --reads.
   */
  DatabaseYaml database(String prefix, int shards, int replicas, long keySpace) {
    return database(prefix, shards, replicas, keySpace, analysisTls());
  }

  /** The ShardedDatabase of one configuration in one TLS state, with the run's --reads. */
  DatabaseYaml database(String prefix, int shards, int replicas, long keySpace, boolean tlsOn) {
    return new DatabaseYaml(
        TlsChoice.namePrefix(prefix, tlsOn) + shards + "x" + replicas,
        shards,
        replicas,
        keySpace,
        tlsOn,
        readsChoice());
  }

  private ReadsChoice readsChoice() {
    try {
      return ReadsChoice.parse(reads, maxStaleness);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  private TlsChoice tlsChoice() {
    try {
      return TlsChoice.parse(tls);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  private boolean analysisTls() {
    if (tlsChoice() == TlsChoice.BOTH) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--tls both is for the main comparison; --analysis deploys each configuration once:"
              + " run it with --tls on and again with --tls off");
    }
    return tlsChoice().single();
  }
}
