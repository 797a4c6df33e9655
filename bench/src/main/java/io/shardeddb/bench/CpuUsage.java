package io.shardeddb.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU used by one target's processes over the measured runs of one phase (summed over the runs),
 * per process group, with the operations completed and the wall time they took.
 */
record CpuUsage(
    String suite,
    String target,
    String phase,
    int ops,
    double wallSeconds,
    double machineBusySeconds,
    Map<String, Double> groupSeconds) {

  static CpuUsage of(
      String suite,
      String target,
      String phase,
      int ops,
      double wallSeconds,
      ProcessCpu.Reading d) {
    return new CpuUsage(
        suite,
        target,
        phase,
        ops,
        wallSeconds,
        d.machineBusySeconds(),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(d.groupSeconds())));
  }

  /** Milliseconds of CPU per operation, per group, plus their total. */
  Map<String, Double> msPerOp() {
    Map<String, Double> out = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, Double> e : groupSeconds.entrySet()) {
      double ms = ops == 0 ? 0 : e.getValue() * 1000 / ops;
      out.put(e.getKey(), ms);
      total += ms;
    }
    out.put("total", total);
    return out;
  }

  /** Cores used per group (CPU seconds per wall second), plus their total. */
  Map<String, Double> cores() {
    Map<String, Double> out = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, Double> e : groupSeconds.entrySet()) {
      double c = wallSeconds <= 0 ? 0 : e.getValue() / wallSeconds;
      out.put(e.getKey(), c);
      total += c;
    }
    out.put("total", total);
    return out;
  }

  /**
   * Milliseconds of CPU per operation, per group, less what the group spends with no load: the
   * {@code idle} window's cores times this phase's wall time (never below 0), plus their total.
   * Background work (heartbeats, lease pings, polls, the JIT) goes on under load too, so this is
   * the work the operations themselves cost, as issue 27 asks ("active").
   */
  Map<String, Double> activeMsPerOp(CpuUsage idle) {
    Map<String, Double> idleCores = idle.cores();
    Map<String, Double> out = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, Double> e : groupSeconds.entrySet()) {
      double background = idleCores.getOrDefault(e.getKey(), 0.0) * wallSeconds;
      double ms = ops == 0 ? 0 : Math.max(0, e.getValue() - background) * 1000 / ops;
      out.put(e.getKey(), ms);
      total += ms;
    }
    out.put("total", total);
    return out;
  }

  /** How many cores the whole machine kept busy on average while the phase ran. */
  double machineCores() {
    return wallSeconds <= 0 ? 0 : machineBusySeconds / wallSeconds;
  }
}
