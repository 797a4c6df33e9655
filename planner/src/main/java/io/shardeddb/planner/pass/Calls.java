package io.shardeddb.planner.pass;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How {@link ShardActuator}'s calls run and how long they take: started in parallel, waited for
 * with a bound, and the clock that measures a bounded wait. The operator runs them on a thread pool
 * with {@link System#nanoTime} ({@link #onThreads}); the simulator starts each as an event of its
 * scheduler and waits by running the simulated world on until the answer or the bound, on its
 * simulated clock — so the same pass runs in both, and no pass reads the wall clock or sleeps.
 */
public interface Calls {

  /** A bound on waiting for parallel calls, above the client's own request deadline. */
  Duration PARALLEL_BOUND = Duration.ofSeconds(10);

  /** Starts {@code call} now, alongside the others started; its answer when it comes. */
  <R> CompletableFuture<R> start(Supplier<R> call);

  /**
   * Waits for {@code started} (one started by {@link #start}) at most {@link #PARALLEL_BOUND}; its
   * answer, or a {@link RuntimeException} when it failed or did not answer in time.
   */
  <R> R join(CompletableFuture<R> started);

  /** Monotonic nanoseconds, for the deadline of a bounded wait made of several calls. */
  long nanoTime();

  /** The operator's: calls on {@code pool}, each bounded by {@link #PARALLEL_BOUND}; real time. */
  static Calls onThreads(ExecutorService pool) {
    return new Calls() {
      @Override
      public <R> CompletableFuture<R> start(Supplier<R> call) {
        return CompletableFuture.supplyAsync(call, pool)
            .orTimeout(PARALLEL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      }

      @Override
      public <R> R join(CompletableFuture<R> started) {
        return started.join();
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }
    };
  }
}
