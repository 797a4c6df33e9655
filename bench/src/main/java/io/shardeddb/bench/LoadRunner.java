package io.shardeddb.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one phase with a fixed number of client threads, each taking the next key until every key is
 * done or the time limit passes; times every operation and keeps every failure.
 */
final class LoadRunner {
  private static final int FAILURE_SAMPLES = 5;

  /** A phase's operation on one key. */
  interface Operation {
    void run(long key) throws Exception;
  }

  private final Duration limit;
  private final ClientCpu cpu;

  LoadRunner(Duration limit) {
    this(limit, new ClientCpu());
  }

  /** Load threads named by {@code cpu}, each adding its own CPU time to it when it ends. */
  LoadRunner(Duration limit, ClientCpu cpu) {
    this.limit = limit;
    this.cpu = cpu;
  }

  /** Runs {@code op} over {@code keys} with {@code clients} threads; labels from {@code label}. */
  PhaseResult run(PhaseLabel label, KeySet keys, int clients, Operation op)
      throws InterruptedException {
    long[] latencies = new long[keys.count()];
    Arrays.fill(latencies, -1);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<String> samples = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients, cpu.loadThreads());
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        workers.add(
            pool.submit(
                () -> {
                  long cpuFrom = cpu.currentThreadNanos();
                  try {
                    work(keys, op, next, deadline, latencies, failures, samples);
                  } finally {
                    cpu.addLoadThread(cpu.currentThreadNanos() - cpuFrom);
                  }
                }));
      }
      for (Future<?> w : workers) {
        try {
          w.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("client thread died", e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).toArray();
    return new PhaseResult(
        label.suite(),
        label.target(),
        label.shards(),
        label.replicas(),
        label.phase(),
        clients,
        keys.count(),
        ok.length,
        failures.get(),
        seconds,
        LatencyStats.ofNanos(ok),
        List.copyOf(samples));
  }

  /** One load thread: the next key until every key is done or the deadline passes. */
  private static void work(
      KeySet keys,
      Operation op,
      AtomicInteger next,
      long deadline,
      long[] latencies,
      AtomicInteger failures,
      List<String> samples) {
    for (int i = next.getAndIncrement();
        i < keys.count() && System.nanoTime() < deadline;
        i = next.getAndIncrement()) {
      long t0 = System.nanoTime();
      try {
        op.run(keys.key(i));
        latencies[i] = System.nanoTime() - t0;
      } catch (Exception | AssertionError e) {
        failures.incrementAndGet();
        if (samples.size() < FAILURE_SAMPLES) {
          samples.add("key " + keys.key(i) + ": " + e);
        }
      }
    }
  }

  /** What a phase is called in the results. */
  record PhaseLabel(String suite, String target, int shards, int replicas, String phase) {}
}
