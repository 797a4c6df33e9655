package io.shardeddb.local;

import java.time.Duration;
import java.time.Instant;

/**
 * When the local kubelet restarts a pod's process that exited: the kubelet's rule, scaled down. The
 * first exit is restarted at once (kubelet: no back-off entry yet for the container); only a crash
 * loop waits, 1 s doubling to 10 s (kubelet: 10 s to 5 min), not jittered (a kubelet's is not
 * either); a process that ran for twice the cap since its last restart counts as new again
 * (kubelet: the back-off entry expires after twice its maximum). Pure: the caller gives the
 * instants, nothing here reads a clock.
 *
 * <p>Why it matters: a killed primary whose secondary was wiped at the same moment holds the only
 * other copy of the shard's writes, so every second its restart waits is a second without writes
 * (FaultMatrixIT, "secondary wiped while the primary is killed"); a back-off meant for crash loops
 * added to that first restart was local mode's own delay, not the system's.
 */
final class RestartBackoff {
  /** The first delay of a crash loop (kubelet: 10 s). */
  static final Duration INITIAL = Duration.ofSeconds(1);

  /** The longest delay (kubelet: 5 min). */
  static final Duration MAX = Duration.ofSeconds(10);

  /** A process that ran this long since its last restart is restarted at once again. */
  static final Duration RESET_AFTER = MAX.multipliedBy(2);

  /** The delay the next exit in a crash loop waits; null while no loop is under way. */
  private Duration delay;

  /** When the process was last restarted (the kubelet's "last update" of the entry). */
  private Instant lastRestart;

  /** The instant to start again a process seen exited at {@code exitedAt}. */
  Instant restartAt(Instant exitedAt) {
    if (delay == null || Duration.between(lastRestart, exitedAt).compareTo(RESET_AFTER) > 0) {
      delay = INITIAL;
      lastRestart = exitedAt;
      return exitedAt;
    }
    Instant at = exitedAt.plus(delay);
    Duration doubled = delay.multipliedBy(2);
    delay = doubled.compareTo(MAX) > 0 ? MAX : doubled;
    lastRestart = at;
    return at;
  }
}
