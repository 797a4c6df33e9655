package io.shardeddb.cli.local;

import java.util.HashMap;
import java.util.Map;

/**
 * Hands each local pod its own loopback address (127.0.0.2, 127.0.0.3, ...), sticky per pod name,
 * so every pod can listen on the ports its spec declares, as in a cluster.
 */
final class LoopbackAddresses {
  private final Map<String, String> byPod = new HashMap<>();
  private int next = 2;

  /** The address of {@code pod}, allocating the next free one on first use. */
  synchronized String addressOf(String pod) {
    return byPod.computeIfAbsent(pod, p -> allocate());
  }

  private String allocate() {
    while (next % 256 == 0 || next % 256 == 255) {
      next++;
    }
    int n = next++;
    if (n >= 256 * 256) {
      throw new IllegalStateException("out of loopback addresses");
    }
    return "127.0." + (n / 256) + "." + (n % 256);
  }
}
