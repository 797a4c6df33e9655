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

  private final Scheduler scheduler;
  private final Network network;
  private final String name;
  private final LongSupplier busyUntil;
  private boolean stopped;

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

  @Override
  public Scheduled schedule(long delayMillis, Runnable task) {
    boolean[] cancelled = {false};
    scheduler.after(delayMillis, () -> runLive(task, cancelled, false));
    return () -> cancelled[0] = true;
  }

  @Override
  public Executor serial(String ignored) {
    // Scheduler events at one time run in the order they were added: submission order.
    return task -> scheduler.after(0, () -> runLive(task, new boolean[] {false}, true));
  }

  @Override
  public Executor background(String ignored) {
    return task -> scheduler.after(0, () -> runLive(task, new boolean[] {false}, false));
  }

  private void runLive(Runnable task, boolean[] cancelled, boolean storageBound) {
    if (stopped || cancelled[0]) {
      return;
    }
    long waitFor = 0;
    if (network.liveness(name) == Network.Liveness.PAUSED) {
      waitFor = PAUSE_POLL;
    } else if (storageBound && busyUntil.getAsLong() > scheduler.now()) {
      waitFor = busyUntil.getAsLong() - scheduler.now();
    }
    if (waitFor > 0) {
      scheduler.after(waitFor, () -> runLive(task, cancelled, storageBound));
      return;
    }
    task.run();
  }
}
