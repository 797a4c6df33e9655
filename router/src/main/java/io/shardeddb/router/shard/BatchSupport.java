package io.shardeddb.router.shard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shard-servers answered that they have no batch endpoint (a rolling upgrade: an older
 * version still runs there), so calls to them go one by one for a while. Forgotten after {@code
 * forgetNanos}: the same URL is a new pod once its StatefulSet replaced it. Takes time as an
 * argument; no clock of its own.
 */
final class BatchSupport {
  private final long forgetNanos;
  private final Map<String, Long> refusedAt = new ConcurrentHashMap<>();

  BatchSupport(long forgetNanos) {
    this.forgetNanos = forgetNanos;
  }

  /** Whether calls to {@code url} may be batched at {@code now} (nanoseconds, monotonic). */
  boolean allowed(String url, long now) {
    Long at = refusedAt.get(url);
    if (at == null) {
      return true;
    }
    if (now - at >= forgetNanos) {
      refusedAt.remove(url, at);
      return true;
    }
    return false;
  }

  /** {@code url} answered a batch with "no such endpoint" at {@code now}. */
  void refused(String url, long now) {
    refusedAt.put(url, now);
  }
}
