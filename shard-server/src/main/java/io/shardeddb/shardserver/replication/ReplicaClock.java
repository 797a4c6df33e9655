package io.shardeddb.shardserver.replication;

import java.util.concurrent.Executor;

/**
 * The replica's time and threads, in one place so that the deterministic simulator can drive the
 * production replica classes on its one thread: monotonic nanoseconds (leases, deadlines,
 * back-offs), timers (quorum timeouts, pings), and serial executors (the write batcher). {@link
 * SystemReplicaClock} is the production one; the simulator's runs everything as events of its
 * seeded scheduler.
 */
public interface ReplicaClock {
  /** A timer that may be cancelled before it fires. */
  interface Scheduled {
    void cancel();
  }

  /** Monotonic nanoseconds (only differences mean anything). */
  long nanos();

  /**
   * Wall-clock milliseconds since the epoch (may jump and differ between replicas): only the commit
   * time stamped on log entries reads it, never a lease or a deadline.
   */
  long wallMillis();

  /** Runs {@code task} once, {@code delayMillis} from now, off the caller's stack. */
  Scheduled schedule(long delayMillis, Runnable task);

  /**
   * An executor that runs its tasks one at a time in submission order ({@code name} names its
   * thread in production). Tasks must not block on one another.
   */
  Executor serial(String name);

  /**
   * An executor for background work that may block on a peer (a secondary's catch-up): production
   * gives each task its own thread, so work abandoned after a role change never delays the next.
   */
  Executor background(String name);
}
