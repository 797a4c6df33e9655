package io.shardeddb.simulation;

import io.shardeddb.shardserver.replication.ReplicaClock;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * One incarnation's {@link ReplicaClock}: the production replica's timers and its serial executor
 * (the write batcher) as events of the {@link Scheduler}. A crash stops the incarnation: its events
 * are dropped. While the replica is paused its events wait (as a stopped process's threads do). A
 * serial executor's task never runs before {@code busyUntil} (a slow fsync holds the batcher).
 */
final class SimClock implements ReplicaClock {
  private static final long PAUSE_POLL = 50;
  private static final long BLOCKED_POLL = 5;
  private static final long PAUSE_CAP = 3_000;

  /** The simulated wall clock's start: 2026-01-01T00:00:00Z. */
  static final long WALL_START_MILLIS = 1_767_225_600_000L;

  /** How far a replica's wall clock may be from the simulated time, either way. */
  static final long MAX_SKEW_MILLIS = 20_000;

  private final Scheduler scheduler;
  private final Network network;
  private final String name;
  private final LongSupplier busyUntil;
  private boolean stopped;

  /**
   * Whether a background task of this incarnation is blocked in a call that takes simulated time
   * ({@link #await}): its other background tasks wait meanwhile, as the production run that
   * replaces an abandoned re-copy waits on the secondary's apply lock until the old run lets go.
   */
  private boolean blocked;

  /** Whether a background task of this incarnation is blocked in {@link #await} now. */
  boolean blocked() {
    return blocked && !stopped;
  }

  /** The incarnation died while one of its calls was blocked: that call unwinds at once. */
  static final class ProcessDied extends Error {
    ProcessDied(String name) {
      super(name + " died during a blocking call", null, false, false);
    }
  }

  SimClock(Scheduler scheduler, Network network, String name, LongSupplier busyUntil) {
    this.scheduler = scheduler;
    this.network = network;
    this.name = name;
    this.busyUntil = busyUntil;
  }

  /** The incarnation crashed: nothing it scheduled runs any more. */
  void stop() {
    stopped = true;
  }

  @Override
  public long nanos() {
    return scheduler.nanos();
  }

  /**
   * The simulated wall clock: a fixed start plus simulated time plus this replica's own skew (up to
   * {@link #MAX_SKEW_MILLIS} either way, fixed by its name), so replicas disagree about the time as
   * real ones with a broken NTP do, and a new primary may be behind the one before it by more than
   * a failover takes (the commit-time rule, DESIGN §9).
   */
  @Override
  public long wallMillis() {
    return WALL_START_MILLIS + scheduler.nanos() / 1_000_000 + skewMillis(name);
  }

  /** The skew of replica {@code name}'s wall clock, in [-MAX_SKEW_MILLIS, MAX_SKEW_MILLIS]. */
  static long skewMillis(String name) {
    return Math.floorMod(name.hashCode() * 0x9E3779B1L, 2 * MAX_SKEW_MILLIS + 1) - MAX_SKEW_MILLIS;
  }

  @Override
  public Scheduled schedule(long delayMillis, Runnable task) {
    boolean[] cancelled = {false};
    scheduler.after(delayMillis, () -> runLive(task, cancelled, false, false));
    return () -> cancelled[0] = true;
  }

  @Override
  public Executor serial(String ignored) {
    // Scheduler events at one time run in the order they were added: submission order.
    return task -> scheduler.after(0, () -> runLive(task, new boolean[] {false}, true, false));
  }

  @Override
  public Executor background(String ignored) {
    return task -> scheduler.after(0, () -> runLive(task, new boolean[] {false}, false, true));
  }

  /**
   * A blocking call of this incarnation's background task that takes {@code millis} of simulated
   * time (a chunk of a snapshot stream arriving): the world goes on meanwhile, this process's own
   * waiting tasks excepted; a pause of this process stretches it (by up to {@code PAUSE_CAP}).
   * Throws {@link ProcessDied} when the process crashed meanwhile, so nothing more of it runs.
   */
  void await(long millis) {
    boolean outer = !blocked;
    blocked = true;
    try {
      scheduler.waitUntil(scheduler.now() + millis);
      // A paused process reads nothing more until it resumes (at most PAUSE_CAP here: the
      // world's heal, which resumes it, runs only once this call returns).
      long until = scheduler.now() + PAUSE_CAP;
      while (!stopped
          && network.liveness(name) == Network.Liveness.PAUSED
          && scheduler.now() < until) {
        scheduler.waitUntil(scheduler.now() + PAUSE_POLL);
      }
    } finally {
      if (outer) {
        blocked = false;
      }
    }
    if (stopped) {
      throw new ProcessDied(name);
    }
  }

  private void runLive(
      Runnable task, boolean[] cancelled, boolean storageBound, boolean background) {
    if (stopped || cancelled[0]) {
      return;
    }
    long waitFor = 0;
    if (network.liveness(name) == Network.Liveness.PAUSED) {
      waitFor = PAUSE_POLL;
    } else if (blocked && background) {
      waitFor = BLOCKED_POLL;
    } else if (storageBound && busyUntil.getAsLong() > scheduler.now()) {
      waitFor = busyUntil.getAsLong() - scheduler.now();
    }
    if (waitFor > 0) {
      scheduler.after(waitFor, () -> runLive(task, cancelled, storageBound, background));
      return;
    }
    try {
      task.run();
    } finally {
      // A production background run has a thread of its own, whose interrupt (a cancelled
      // re-copy) dies with it; here every task shares the simulator's one thread.
      Thread.interrupted();
    }
  }
}
