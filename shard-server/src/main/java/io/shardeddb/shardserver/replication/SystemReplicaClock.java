package io.shardeddb.shardserver.replication;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link ReplicaClock}: {@link System#nanoTime}, one daemon timer thread for every
 * timer of this replica (each timer task is short: it completes a future or starts an asynchronous
 * call), and a daemon thread per serial executor.
 */
@Singleton
public class SystemReplicaClock implements ReplicaClock, AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  public SystemReplicaClock() {
    timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("replica-timer").factory());
    // Quorum timeouts are cancelled as soon as the quorum is reached: do not keep them queued.
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public long nanos() {
    return System.nanoTime();
  }

  @Override
  public long wallMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public Scheduled schedule(long delayMillis, Runnable task) {
    ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Executor serial(String name) {
    return Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name).factory());
  }

  @Override
  public Executor background(String name) {
    return Executors.newCachedThreadPool(
        Thread.ofPlatform().daemon().name(name + "-", 0).factory());
  }

  @PreDestroy
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
