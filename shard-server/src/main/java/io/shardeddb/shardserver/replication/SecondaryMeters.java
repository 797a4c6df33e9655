package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * What a secondary measures of each replicate request it takes, over HTTP or the stream: the time
 * inside its handler (log matching, the durable apply), beside the round trip the primary sees
 * ({@code shardeddb.replication.latency}); the difference is transport (issue 27's per-hop view).
 */
public final class SecondaryMeters {
  private final Timer apply;

  public SecondaryMeters(MeterRegistry registry) {
    this.apply =
        Timer.builder("shardeddb.replication.apply.latency")
            .description(
                "one replicate request handled by a secondary, from its arrival until its answer"
                    + " (pings included)")
            .register(registry);
  }

  /** Runs {@code handler} and records how long it took, also when it throws. */
  public <T> T timed(Supplier<T> handler) {
    long start = System.nanoTime();
    try {
      return handler.get();
    } finally {
      apply.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }
}
