package io.shardeddb.router.routing;

import io.shardeddb.protocol.logging.RequestIds;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The router's time, chance and delays, as the write path and its retries see them: a monotonic
 * clock, a random number for back-off jitter, the scheduler that runs delays, and fresh request
 * ids. {@link #SYSTEM} in production; the simulator gives its own, so one seed runs the production
 * {@link WritePath} and {@link FailoverRetry} the same way every time, in simulated time.
 */
public interface RouterTime {

  /** Monotonic nanoseconds. */
  long nanos();

  /** A random number in [0, 1). */
  double random();

  /** Where delays (back-offs, waits for a newer layout) run. */
  Scheduler scheduler();

  /** A request id no other request has. */
  String requestId();

  /**
   * The process's clock, {@link ThreadLocalRandom}, Reactor's parallel scheduler, time-ordered
   * UUIDs ({@link RequestIds#timeOrdered}).
   */
  RouterTime SYSTEM =
      new RouterTime() {
        @Override
        public long nanos() {
          return System.nanoTime();
        }

        @Override
        public double random() {
          return ThreadLocalRandom.current().nextDouble();
        }

        @Override
        public Scheduler scheduler() {
          return Schedulers.parallel();
        }

        @Override
        public String requestId() {
          return RequestIds.timeOrdered();
        }
      };
}
