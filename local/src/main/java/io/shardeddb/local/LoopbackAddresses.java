package io.shardeddb.local;

import java.util.HashMap;
import java.util.Map;

/**
 * Hands each local pod its own loopback address in the cluster's block ({@code 127.X.Y.2}, {@code
 * .3}, ...), sticky per pod name, so every pod can listen on the ports its spec declares, as in a
 * cluster, and traffic between pods is told apart by address.
 */
final class LoopbackAddresses {
  private final String prefix;
  private final Map<String, String> byPod = new HashMap<>();
  private int next = 2;

  /** {@code prefix} is the block's first three octets with a trailing dot, e.g. "127.16.5.". */
  LoopbackAddresses(String prefix) {
    this.prefix = prefix;
  }

  /** The address of {@code pod}, allocating the next free one on first use. */
  synchronized String addressOf(String pod) {
    return byPod.computeIfAbsent(pod, p -> allocate());
  }

  /** The pod holding {@code address}, if one was given it. */
  synchronized java.util.Optional<String> podAt(String address) {
    return byPod.entrySet().stream()
        .filter(e -> e.getValue().equals(address))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private String allocate() {
    if (next > 254) {
      throw new IllegalStateException("out of loopback addresses in " + prefix + "0/24");
    }
    return prefix + next++;
  }
}
