package io.shardeddb.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How one benchmark run measures a target: warm-up, the measured write and read phases (the median
 * of {@code runs}), the one-client latency phase, CPU per process group (idle, writes, reads), and
 * the sweeps' write-then-read steps. It keeps every phase's result, the CPU readings and the
 * environment notes that {@link ResultsWriter} writes; {@link BenchMain} decides what to run.
 */
final class Phases {
  /** How long each target is watched with no load, to tell its background CPU apart. */
  private static final java.time.Duration IDLE_WINDOW = java.time.Duration.ofSeconds(10);

  private final java.time.Duration idleWindow;

  private final LoadRunner runner;
  private final int clients;
  final List<PhaseResult> results = new ArrayList<>();
  final List<CpuUsage> cpu = new ArrayList<>();
  final List<HopMeters.Row> hops = new ArrayList<>();
  final List<MariaDbCounters.Usage> storage = new ArrayList<>();

  /** Targets not measured: their warm-up runs did not agree within the bound ({@link WarmUp}). */
  final List<String> notSteady = new ArrayList<>();

  final Map<String, String> environment = new LinkedHashMap<>();

  Phases(LoadRunner runner, int clients) {
    this(runner, clients, IDLE_WINDOW);
  }

  /** With an idle window of {@code idleWindow} (a test's is short). */
  Phases(LoadRunner runner, int clients, java.time.Duration idleWindow) {
    this.runner = runner;
    this.clients = clients;
    this.idleWindow = idleWindow;
  }

  /**
   * What the bench reads around a measured phase. Only {@link #cpu} brackets the phase: every other
   * reading (a metrics scrape costs the pods a page render and the bench an HTTP call) is taken
   * outside the CPU brackets, so no target's CPU per operation includes the bench's meters.
   */
  interface Meters {
    /** CPU seconds per process group so far ({@link ProcessCpu#read}). */
    ProcessCpu.Reading cpu();

    /** The pods' timers now ({@link HopMeters.Scraper#read}); none for a target without pods. */
    HopMeters.Reading hops();

    /** The target's MariaDB counters now ({@link MariaDbCounters.Probe#read}). */
    MariaDbCounters.Reading storage();

    /** A target with no pods: its processes' CPU and its MariaDB's counters. */
    static Meters noPods(
        Function<List<String>, Optional<String>> groups,
        ClientCpu clients,
        Supplier<MariaDbCounters.Reading> storage) {
      return of(groups, clients, HopMeters.Reading::none, storage);
    }

    static Meters of(
        Function<List<String>, Optional<String>> groups,
        ClientCpu clients,
        Supplier<HopMeters.Reading> hops,
        Supplier<MariaDbCounters.Reading> storage) {
      return new Meters() {
        @Override
        public MariaDbCounters.Reading storage() {
          return storage.get();
        }

        @Override
        public ProcessCpu.Reading cpu() {
          return ProcessCpu.read(groups, clients);
        }

        @Override
        public HopMeters.Reading hops() {
          return hops.get();
        }
      };
    }
  }

  /**
   * The main comparison for one target, treated like every other: a warm-up run, {@code
   * plan.runs()} measured runs of writes then reads (the median of each phase is reported), then
   * the one-client latency phase.
   */
  void measure(String target, int shards, int replicas, Target t, RunPlan plan, Meters meters)
      throws InterruptedException {
    measure(target, shards, replicas, t, plan, WarmUp.once(), meters);
  }

  /**
   * As {@link #measure(String, int, int, Target, RunPlan, Meters)}, warmed by {@code warmUp}: a
   * target whose warm-up runs do not agree within its bound is not measured ({@link #notSteady}).
   */
  void measure(
      String target, int shards, int replicas, Target t, RunPlan plan, WarmUp warmUp, Meters meters)
      throws InterruptedException {
    environment.put("load-average-before " + target, loadAverage());
    if (!warm(target, t, plan, warmUp)) {
      notSteady.add(target);
      environment.put("load-average-after " + target, loadAverage());
      return;
    }
    // What the target's processes use with no client load (heartbeats, lease pings, polls).
    ProcessCpu.Reading idleStart = meters.cpu();
    long idleFrom = System.nanoTime();
    Thread.sleep(idleWindow.toMillis());
    double idleSeconds = (System.nanoTime() - idleFrom) / 1e9;
    cpu.add(CpuUsage.of("main", target, "idle", 0, idleSeconds, meters.cpu().minus(idleStart)));
    List<PhaseResult> writes = new ArrayList<>();
    List<PhaseResult> reads = new ArrayList<>();
    ProcessCpu.Reading writeCpu = ProcessCpu.Reading.none();
    ProcessCpu.Reading readCpu = ProcessCpu.Reading.none();
    HopMeters.Reading writeHops = HopMeters.Reading.none();
    HopMeters.Reading readHops = HopMeters.Reading.none();
    MariaDbCounters.Reading writeStorage = MariaDbCounters.Reading.none();
    MariaDbCounters.Reading readStorage = MariaDbCounters.Reading.none();
    for (int run = 0; run < plan.runs(); run++) {
      // Scrape and MariaDB's counters, then the CPU bracket of the phase alone, then again.
      HopMeters.Reading hopsBefore = meters.hops();
      MariaDbCounters.Reading storageBefore = meters.storage();
      ProcessCpu.Reading before = meters.cpu();
      writes.add(phase("main", target, shards, replicas, "write", t, plan.measured(run)));
      ProcessCpu.Reading written = meters.cpu();
      MariaDbCounters.Reading storageBetween = meters.storage();
      HopMeters.Reading hopsBetween = meters.hops();
      ProcessCpu.Reading readFrom = meters.cpu();
      reads.add(phase("main", target, shards, replicas, "read", t, plan.measured(run)));
      ProcessCpu.Reading after = meters.cpu();
      MariaDbCounters.Reading storageAfter = meters.storage();
      HopMeters.Reading hopsAfter = meters.hops();
      writeCpu = writeCpu.plus(written.minus(before));
      readCpu = readCpu.plus(after.minus(readFrom));
      writeHops = writeHops.plus(hopsBetween.minus(hopsBefore));
      readHops = readHops.plus(hopsAfter.minus(hopsBetween));
      writeStorage = writeStorage.plus(storageBetween.minus(storageBefore));
      readStorage = readStorage.plus(storageAfter.minus(storageBetween));
    }
    storage.add(
        new MariaDbCounters.Usage("main", target, "write", completed(writes), writeStorage));
    storage.add(new MariaDbCounters.Usage("main", target, "read", completed(reads), readStorage));
    hops.addAll(HopMeters.rows(target, "write", completed(writes), writeHops));
    hops.addAll(HopMeters.rows(target, "read", completed(reads), readHops));
    logUnreachable(target, writeHops);
    cpu.add(CpuUsage.of("main", target, "write", completed(writes), seconds(writes), writeCpu));
    cpu.add(CpuUsage.of("main", target, "read", completed(reads), seconds(reads), readCpu));
    results.add(RunPlan.median(writes));
    results.add(RunPlan.median(reads));
    if (plan.latencyOps() > 0) {
      // One client: where a single request's time goes, hop by hop.
      for (String phase : List.of("write", "read")) {
        HopMeters.Reading hopsBefore = meters.hops();
        LoadRunner.PhaseLabel label =
            new LoadRunner.PhaseLabel("latency", target, shards, replicas, phase);
        PhaseResult r =
            runner.run(label, plan.latency(), 1, phase.equals("write") ? t::write : t::read);
        results.add(r);
        logResult(r);
        hops.addAll(
            HopMeters.rows(
                target, "one-client " + phase, r.completed(), meters.hops().minus(hopsBefore)));
      }
    }
    environment.put("load-average-after " + target, loadAverage());
  }

  private static void logUnreachable(String target, HopMeters.Reading r) {
    if (!r.unreachable().isEmpty()) {
      log("per-hop timers of " + target + ": not read from " + r.unreachable());
    }
  }

  private static int completed(List<PhaseResult> runs) {
    return runs.stream().mapToInt(PhaseResult::completed).sum();
  }

  private static double seconds(List<PhaseResult> runs) {
    return runs.stream().mapToDouble(PhaseResult::seconds).sum();
  }

  /**
   * Warm-up runs on the plan's warm-up keys until {@code rule} says warm (true) or gives up
   * (false); what happened goes to the environment ({@code warm-up <target>}).
   */
  private boolean warm(String target, Target t, RunPlan plan, WarmUp rule)
      throws InterruptedException {
    List<Double> writeSeconds = new ArrayList<>();
    List<Double> readSeconds = new ArrayList<>();
    WarmUp.Verdict verdict = WarmUp.Verdict.AGAIN;
    while (verdict == WarmUp.Verdict.AGAIN && writeSeconds.size() < plan.warmups()) {
      List<PhaseResult> run = warmUp(target, t, plan.warmup(writeSeconds.size()), clients);
      writeSeconds.add(run.get(0).seconds());
      readSeconds.add(run.get(1).seconds());
      verdict = rule.after(writeSeconds, readSeconds);
    }
    String runs =
        String.format(
            java.util.Locale.ROOT,
            "%d run%s: writes %s s, reads %s s",
            writeSeconds.size(),
            writeSeconds.size() == 1 ? "" : "s",
            joined(writeSeconds),
            joined(readSeconds));
    boolean warm = verdict == WarmUp.Verdict.WARM;
    environment.put("warm-up " + target, (warm ? "warm after " : "NOT steady after ") + runs);
    if (!warm) {
      log(
          target
              + ": not measured, its warm-up runs did not agree within "
              + WarmUp.AGREE_PERCENT
              + " % after "
              + runs);
    }
    return warm;
  }

  private static String joined(List<Double> s) {
    return String.join(
        ", ", s.stream().map(x -> String.format(java.util.Locale.ROOT, "%.2f", x)).toList());
  }

  /** A run that is not reported, so no target is measured cold (JIT, pools, caches). */
  List<PhaseResult> warmUp(String target, Target t, KeySet keys, int clients)
      throws InterruptedException {
    List<PhaseResult> out = new ArrayList<>();
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
      out.add(r);
    }
    return out;
  }

  private PhaseResult phase(
      String suite, String target, int shards, int replicas, String phase, Target t, KeySet keys)
      throws InterruptedException {
    LoadRunner.PhaseLabel label = new LoadRunner.PhaseLabel(suite, target, shards, replicas, phase);
    PhaseResult r = runner.run(label, keys, clients, phase.equals("write") ? t::write : t::read);
    logResult(r);
    return r;
  }

  void writeThenRead(
      String suite, String target, int shards, int replicas, Target t, KeySet keys, int clients)
      throws InterruptedException {
    for (String phase : List.of("write", "read")) {
      LoadRunner.PhaseLabel label =
          new LoadRunner.PhaseLabel(suite, target, shards, replicas, phase);
      PhaseResult r = runner.run(label, keys, clients, phase.equals("write") ? t::write : t::read);
      results.add(r);
      logResult(r);
    }
  }

  static void logResult(PhaseResult r) {
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

  static String loadAverage() {
    return String.format(
        java.util.Locale.ROOT,
        "%.2f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static void log(String line) {
    System.out.println("[bench " + Instant.now() + "] " + line);
  }
}
