package io.shardeddb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads how much CPU the processes of a run have used so far (each JVM's or MariaDB's user + system
 * time, as the kernel counts it), summed per group, and how busy the whole machine has been. On a
 * machine whose cores are full, CPU per operation is what decides throughput, and unlike wall time
 * it hardly moves with other load.
 */
final class ProcessCpu {
  /**
   * The clients' own CPU in the bench JVM ({@link ClientCpu}): the load threads and the threads of
   * the target's client library (the router target's HTTP client, ShardingSphere's executor).
   */
  static final String CLIENTS = "clients";

  /**
   * The rest of the bench JVM: in local mode the operator and the local Kubernetes API, and for
   * every target the JVM's own GC and JIT threads and the pools' housekeeping.
   */
  static final String BENCH_OTHER = "bench JVM other (operator, local API, GC, JIT)";

  static final String MARIADB = "MariaDB";

  private static final long USER_HZ = 100;

  private ProcessCpu() {}

  /** CPU seconds per group at one moment, and the machine's busy CPU seconds since boot. */
  record Reading(Map<String, Double> groupSeconds, double machineBusySeconds) {
    /** What was used between {@code earlier} and this reading. */
    Reading minus(Reading earlier) {
      Map<String, Double> d = new LinkedHashMap<>();
      groupSeconds.forEach((g, s) -> d.put(g, s - earlier.groupSeconds.getOrDefault(g, 0.0)));
      return new Reading(d, machineBusySeconds - earlier.machineBusySeconds);
    }

    /** Adds {@code other}'s usage to this one's (both are differences). */
    Reading plus(Reading other) {
      Map<String, Double> d = new LinkedHashMap<>(groupSeconds);
      other.groupSeconds.forEach((g, s) -> d.merge(g, s, Double::sum));
      return new Reading(d, machineBusySeconds + other.machineBusySeconds);
    }

    static Reading none() {
      return new Reading(Map.of(), 0);
    }
  }

  /**
   * The bench JVM split into its clients ({@code clients}) and the rest, every process {@code
   * classify} puts in a group (a pod of the configuration being measured, a MariaDB server of its
   * own), and any other MariaDB server started by the bench; processes in no group are left out.
   */
  static Reading read(Function<List<String>, Optional<String>> classify, ClientCpu clients) {
    Map<String, Double> groups = new LinkedHashMap<>();
    double client = clients.seconds();
    double jvm = seconds(ProcessHandle.current());
    groups.put(CLIENTS, client);
    groups.put(BENCH_OTHER, Math.max(0, jvm - client));
    ProcessHandle.current()
        .descendants()
        .forEach(
            p -> {
              List<String> cmd = commandLine(p);
              Optional<String> group =
                  classify
                      .apply(cmd)
                      .or(
                          () ->
                              cmd.stream()
                                      .anyMatch(a -> a.endsWith("mariadbd") || a.endsWith("mysqld"))
                                  ? Optional.of(MARIADB)
                                  : Optional.empty());
              group.ifPresent(g -> groups.merge(g, seconds(p), Double::sum));
            });
    return new Reading(groups, machineBusySeconds());
  }

  private static List<String> commandLine(ProcessHandle p) {
    ProcessHandle.Info info = p.info();
    String[] args = info.arguments().orElse(new String[0]);
    List<String> out = new java.util.ArrayList<>();
    info.command().ifPresent(out::add);
    out.addAll(Arrays.asList(args));
    return out;
  }

  private static double seconds(ProcessHandle p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
  }

  /** Busy time of all cores since boot, from /proc/stat (0 where there is none). */
  private static double machineBusySeconds() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long busy = 0;
      // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return (double) busy / USER_HZ;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
