package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.router.shard.ShardServerClientCoalescingTest.Primary;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Counts the HTTP requests the router's client sends for the bench's write shape (16 clients,
 * single-row writes spread over 4 primaries) with coalescing off, and on with 1 or 2 requests in
 * flight per primary. The primaries are stand-ins that take {@code shardeddb.bench.service-ms} (5)
 * per request plus 0.1 ms per item, a crude model of a primary's group commit and replication round
 * trip: the request counts are measured, the times only show the model's shape. Runs only with
 * {@code -Dshardeddb.bench=true}.
 */
@EnabledIfSystemProperty(named = "shardeddb.bench", matches = "true")
class CoalescingCountBench {
  static final int CLIENTS = 16;
  static final int WRITES = Integer.getInteger("shardeddb.bench.writes", 4000);
  static final int SERVICE_MS = Integer.getInteger("shardeddb.bench.service-ms", 5);

  @Test
  void requestsPerWriteWithCoalescingOffAndOn() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(
        "| setting | writes | HTTP requests | requests/write | mean items/request | wall s |");
    lines.add("|---|---|---|---|---|---|");
    Map<String, Map<String, Object>> configs = new java.util.LinkedHashMap<>();
    configs.put("coalesce off", Map.of("shardeddb.router.coalesce.enabled", "false"));
    configs.put("max-in-flight 1", Map.of("shardeddb.router.coalesce.max-in-flight", "1"));
    configs.put("max-in-flight 2", Map.of("shardeddb.router.coalesce.max-in-flight", "2"));
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, Map<String, Object>> c : configs.entrySet()) {
        lines.add(run(c.getKey() + (round == 0 ? " (warm-up)" : ""), c.getValue()));
      }
    }
    lines.add(
        "load average: "
            + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
            + "; service model "
            + SERVICE_MS
            + " ms + 0.1 ms/item per request");
    System.out.println(String.join("\n", lines));
  }

  private String run(String name, Map<String, Object> settings) throws Exception {
    List<Primary> primaries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Primary p = new Primary();
      p.serviceMillis = SERVICE_MS;
      primaries.add(p);
    }
    Map<String, Object> props = new java.util.HashMap<>(settings);
    props.put("shardeddb.router.auth.enabled", "false");
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (ApplicationContext context = ApplicationContext.run(props)) {
      ShardServerClient client = context.getBean(ShardServerClient.class);
      AtomicLong next = new AtomicLong();
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        done.add(
            clients.submit(
                () -> {
                  long k;
                  while ((k = next.getAndIncrement()) < WRITES) {
                    Primary p = primaries.get(ThreadLocalRandom.current().nextInt(4));
                    client
                        .write(
                            p.url(),
                            "0+4096",
                            new ShardWriteRequest(
                                "sh1",
                                null,
                                List.of(Map.of("Stud_id", k, "Stud_name", "n" + k)),
                                "req-" + k))
                        .block(Duration.ofSeconds(60));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      double wall = (System.nanoTime() - start) / 1e9;
      long requests = 0;
      long rows = 0;
      for (Primary p : primaries) {
        requests += p.seen.size();
        rows += p.rows.size();
      }
      assertThat(rows).isEqualTo(WRITES);
      return String.format(
          Locale.ROOT,
          "| %s | %d | %d | %.3f | %.2f | %.2f |",
          name,
          WRITES,
          requests,
          (double) requests / WRITES,
          (double) WRITES / requests,
          wall);
    } finally {
      clients.shutdownNow();
      primaries.forEach(Primary::close);
    }
  }
}
