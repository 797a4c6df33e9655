package io.shardeddb.local;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * Local mode's injected faults, as the pod annotations the {@code local pause/partition/throttle}
 * commands set, and the pure rules that turn those annotations into what the pod runner must do
 * (which process is stopped, which packets are dropped, how much CPU a pod may use). No I/O here:
 * the runner, {@link LoopbackFirewall} and {@link CgroupCpuLimits} act on the answers.
 */
public final class Faults {
  /** {@code "true"} (until resumed) or an ISO-8601 instant until which the pod is paused. */
  public static final String PAUSE_ANNOTATION = "local.shardeddb.io/pause";

  /**
   * Comma-separated peers the pod is cut off from: pod names, {@link #OPERATOR}, {@link #ALL}.
   * Symmetric: packets both ways are dropped.
   */
  public static final String PARTITION_ANNOTATION = "local.shardeddb.io/partition";

  /**
   * The operator in the local-up JVM, which talks from 127.0.0.1 (a pod's own calls to the API
   * server are not cut: they leave from 127.0.0.1 too, not from the pod's address).
   */
  public static final String OPERATOR = "@operator";

  /** Every other pod of the cluster and the operator (not the kubelet's probes). */
  public static final String ALL = "@all";

  /** The address the in-process operator's connections come from. */
  public static final String OPERATOR_ADDRESS = "127.0.0.1";

  /**
   * The CPU a pod's processes may use, in cores ({@code "0.05"}: 5 ms of every 100 ms), as a
   * Kubernetes CPU limit caps a container; optionally {@code "0.05 until <ISO-8601 instant>"}.
   */
  public static final String CPU_ANNOTATION = "local.shardeddb.io/cpu";

  /**
   * The pod runner's answer to {@link #CPU_ANNOTATION}: {@code "applied <value>"} once the pod's
   * processes run under that cap, {@code "failed <value>: <why>"} when it could not be applied.
   */
  public static final String CPU_STATUS_ANNOTATION = "local.shardeddb.io/cpu-status";

  /** The CFS period a CPU cap is a share of (the kernel's and the kubelet's default, 100 ms). */
  public static final long CPU_PERIOD_MICROS = 100_000;

  /** The smallest cap: the kernel refuses a quota under 1 ms per period. */
  public static final double MIN_CPUS = 0.01;

  /** The largest cap accepted (far above any machine local mode runs on). */
  public static final double MAX_CPUS = 1024;

  private static final String UNTIL = " until ";
  private static final String APPLIED = "applied ";
  private static final String FAILED = "failed ";

  /** Packets from {@code source} to {@code destination} are dropped. */
  public record Drop(String source, String destination) {}

  private static final Comparator<Drop> ORDER =
      Comparator.comparing(Drop::source).thenComparing(Drop::destination);

  private Faults() {}

  /** Whether a pod with this pause annotation value must be stopped at {@code now}. */
  public static boolean paused(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return false;
    }
    if ("true".equals(value.trim())) {
      return true;
    }
    return until(value).map(now::isBefore).orElse(false);
  }

  /** Whether a timed pause is over (its annotation can then be removed). */
  public static boolean pauseExpired(String value, Instant now) {
    return value != null && until(value).map(u -> !now.isBefore(u)).orElse(false);
  }

  private static Optional<Instant> until(String value) {
    try {
      return Optional.of(Instant.parse(value.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The {@link #CPU_ANNOTATION} value capping a pod at {@code cpus} cores, until {@code until}
   * (null: until unthrottled). {@code cpus} must be {@link #validCpus}.
   */
  public static String cpuValue(double cpus, Instant until) {
    if (!validCpus(cpus)) {
      throw new IllegalArgumentException(
          "a CPU cap is between " + MIN_CPUS + " and " + MAX_CPUS + " cores, not " + cpus);
    }
    String c = BigDecimal.valueOf(cpus).stripTrailingZeros().toPlainString();
    return until == null ? c : c + UNTIL + until;
  }

  /** Whether {@code cpus} cores can be a cap ({@link #MIN_CPUS} to {@link #MAX_CPUS}). */
  public static boolean validCpus(double cpus) {
    return cpus >= MIN_CPUS && cpus <= MAX_CPUS;
  }

  /**
   * The cores a pod with this {@link #CPU_ANNOTATION} value may use at {@code now}: empty when
   * there is no cap, when its time is over, or when the value is not one {@link #cpuValue} writes.
   */
  public static OptionalDouble cpuLimit(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return OptionalDouble.empty();
    }
    String v = value.trim();
    int at = v.indexOf(UNTIL);
    if (at >= 0) {
      Optional<Instant> end = until(v.substring(at + UNTIL.length()));
      if (end.isEmpty() || !now.isBefore(end.get())) {
        return OptionalDouble.empty();
      }
      v = v.substring(0, at).trim();
    }
    try {
      double cpus = Double.parseDouble(v);
      return validCpus(cpus) ? OptionalDouble.of(cpus) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /** Whether a timed CPU cap is over (its annotation can then be removed). */
  public static boolean cpuLimitExpired(String value, Instant now) {
    if (value == null) {
      return false;
    }
    int at = value.indexOf(UNTIL);
    return at >= 0
        && until(value.substring(at + UNTIL.length())).map(u -> !now.isBefore(u)).orElse(false);
  }

  /** The kernel's quota per {@link #CPU_PERIOD_MICROS} for a cap of {@code cpus} cores. */
  public static long cpuQuotaMicros(double cpus) {
    return Math.max(1000, Math.round(cpus * CPU_PERIOD_MICROS));
  }

  /** The runner's {@link #CPU_STATUS_ANNOTATION} once {@code value} is applied. */
  public static String cpuApplied(String value) {
    return APPLIED + value;
  }

  /** The runner's {@link #CPU_STATUS_ANNOTATION} when {@code value} could not be applied. */
  public static String cpuFailed(String value, String why) {
    return FAILED + value + ": " + why;
  }

  /** What the runner answered to {@code value} ({@link #CPU_STATUS_ANNOTATION} {@code status}). */
  public sealed interface CpuAnswer {
    /** The cap is in force. */
    record Applied() implements CpuAnswer {}

    /** The cap could not be applied, and why. */
    record Failed(String why) implements CpuAnswer {}
  }

  /** The runner's answer to {@code value} in {@code status}; empty while it has not answered it. */
  public static Optional<CpuAnswer> cpuAnswer(String status, String value) {
    if (status == null || value == null) {
      return Optional.empty();
    }
    if (status.equals(APPLIED + value)) {
      return Optional.of(new CpuAnswer.Applied());
    }
    String failed = FAILED + value + ": ";
    if (status.startsWith(failed)) {
      return Optional.of(new CpuAnswer.Failed(status.substring(failed.length())));
    }
    return Optional.empty();
  }

  /**
   * The packets to drop for the partition annotations of the pods that exist now. {@code
   * addressByPod} holds every existing pod's address; peers naming a pod that does not exist (yet)
   * are skipped, and a pod created later is covered on the next evaluation.
   */
  public static Set<Drop> drops(
      Map<String, String> partitionByPod, Map<String, String> addressByPod) {
    Set<Drop> drops = new TreeSet<>(ORDER);
    partitionByPod.forEach(
        (pod, spec) -> {
          String self = addressByPod.get(pod);
          if (self == null || spec == null || spec.isBlank()) {
            return;
          }
          Set<String> peers = new TreeSet<>();
          for (String token : Arrays.stream(spec.split(",")).map(String::trim).toList()) {
            if (token.equals(ALL)) {
              addressByPod.forEach((other, ip) -> peers.add(ip));
              peers.add(OPERATOR_ADDRESS);
            } else if (token.equals(OPERATOR)) {
              peers.add(OPERATOR_ADDRESS);
            } else if (addressByPod.containsKey(token)) {
              peers.add(addressByPod.get(token));
            }
          }
          peers.remove(self);
          for (String peer : peers) {
            drops.add(new Drop(self, peer));
            drops.add(new Drop(peer, self));
          }
        });
    return drops;
  }
}
