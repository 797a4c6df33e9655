package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The clients' CPU apart from the rest of the bench JVM (in local mode the operator and the local
 * Kubernetes API run there too).
 */
class ClientCpuTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Spins until this thread has used {@code ms} of CPU (bounded by a minute of wall time). */
  private static long burn(long ms) {
    long until = THREADS.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    long wallLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long x = 0;
    while (THREADS.getCurrentThreadCpuTime() < until && System.nanoTime() < wallLimit) {
      for (int i = 0; i < 10_000; i++) {
        x += Long.numberOfTrailingZeros(x + 1);
      }
    }
    return x;
  }

  @Test
  void loadThreadsAndWatchedThreadsAreTheClientsAndOtherThreadsOfTheJvmAreNot() throws Exception {
    ClientCpu cpu = new ClientCpu();
    cpu.watch("test-client-library-");
    ProcessCpu.Reading before = ProcessCpu.read(cmd -> Optional.empty(), cpu);

    // Two load threads (300 ms), a thread of the client's library (200 ms), an "operator" (300 ms).
    new LoadRunner(Duration.ofSeconds(90), cpu)
        .run(
            new LoadRunner.PhaseLabel("main", "t", 0, 0, "write"),
            new KeySet(0, 1, 2),
            2,
            key -> burn(150));
    // A library's I/O threads live on between phases (a pool), as the HTTP client's do.
    java.util.concurrent.CountDownLatch readDone = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch burnt = new java.util.concurrent.CountDownLatch(1);
    Thread library =
        new Thread(
            () -> {
              burn(200);
              burnt.countDown();
              try {
                readDone.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "test-client-library-1");
    Thread operator = new Thread(() -> burn(300), "operator-reconciler");
    library.start();
    operator.start();
    assertThat(burnt.await(90, TimeUnit.SECONDS)).isTrue();
    operator.join(90_000);
    ProcessCpu.Reading used = ProcessCpu.read(cmd -> Optional.empty(), cpu).minus(before);
    readDone.countDown();

    assertThat(used.groupSeconds().get(ProcessCpu.CLIENTS)).isBetween(0.45, 0.8);
    assertThat(used.groupSeconds().get(ProcessCpu.BENCH_OTHER)).isGreaterThan(0.25);
  }

  @Test
  void aWatchedThreadThatEndsKeepsWhatWasReadOfIt() throws Exception {
    ClientCpu cpu = new ClientCpu();
    cpu.watch("test-worker-");
    java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch burnt = new java.util.concurrent.CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              burn(200);
              burnt.countDown();
              try {
                read.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "test-worker-1");
    double start = cpu.seconds();
    worker.start();
    assertThat(burnt.await(90, TimeUnit.SECONDS)).isTrue();
    double whileAlive = cpu.seconds();
    read.countDown();
    worker.join(60_000);

    assertThat(whileAlive - start).isGreaterThan(0.15);
    assertThat(cpu.seconds()).as("never less than before").isGreaterThanOrEqualTo(whileAlive);
  }

  @Test
  void theRouterClientsHttpThreadsAreTheOneHttpClientBuiltInBetween() {
    Set<String> before = Set.of("main", "HttpClient-1-SelectorManager", "HttpClient-1-Worker-0");

    assertThat(
            ClientCpu.newHttpClientPrefix(
                before,
                Set.of("main", "HttpClient-1-SelectorManager", "HttpClient-7-SelectorManager")))
        .isEqualTo("HttpClient-7-");
    assertThat(ClientCpu.newHttpClientPrefix(before, before)).isNull();
    assertThat(
            ClientCpu.newHttpClientPrefix(
                before, Set.of("HttpClient-7-SelectorManager", "HttpClient-8-SelectorManager")))
        .as("two clients built at once: neither is known to be the target's")
        .isNull();
    assertThat(ClientCpu.isWatched("HttpClient-7-Worker-3", Set.of("HttpClient-7-"))).isTrue();
    assertThat(ClientCpu.isWatched("HttpClient-71-Worker-3", Set.of("HttpClient-7-"))).isFalse();
  }

  @Test
  void aRouterTargetWatchesItsOwnHttpClientUntilClosed() throws Exception {
    ClientCpu cpu = new ClientCpu();
    Set<String> before = ClientCpu.threadNames();
    RouterTarget target = new RouterTarget("http://127.0.0.1:1", "t", null, cpu);
    String prefix = ClientCpu.newHttpClientPrefix(before, ClientCpu.threadNames());
    assertThat(prefix).startsWith("HttpClient-");
    target.close();
  }
}
