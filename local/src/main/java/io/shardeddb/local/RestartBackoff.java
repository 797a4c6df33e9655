package io.shardeddb.local;

import io.shardeddb.protocol.client.Backoff;
import java.time.Duration;
import java.time.Instant;

/**
 * When the local kubelet restarts a pod's process that exited: the kubelet's crash-loop back-off,
 * scaled down. Pure: the caller gives the instants, nothing here reads a clock.
 */
final class RestartBackoff {
  /** The first delay of a crash loop (kubelet: 10 s). */
  static final Duration INITIAL = Duration.ofSeconds(1);

  /** The longest delay (kubelet: 5 min). */
  static final Duration MAX = Duration.ofSeconds(10);

  private final Backoff.Sequence backoff =
      Backoff.exponential(INITIAL, MAX, Backoff.Jitter.NONE).start(() -> 0);

  /** The instant to start again a process seen exited at {@code exitedAt}. */
  Instant restartAt(Instant exitedAt) {
    return exitedAt.plus(backoff.next());
  }
}
