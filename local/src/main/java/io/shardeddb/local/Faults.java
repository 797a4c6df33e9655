package io.shardeddb.local;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Local mode's injected faults, as the pod annotations the {@code local pause/partition} commands
 * set, and the pure rules that turn those annotations into what the pod runner must do (which
 * process is stopped, which packets are dropped). No I/O here: the runner and {@link
 * LoopbackFirewall} act on the answers.
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

  private static java.util.Optional<Instant> until(String value) {
    try {
      return java.util.Optional.of(Instant.parse(value.trim()));
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
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
