package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router benchmark (docs/bench-router.md), the shard-server benchmark's phases taken through
 * the router: three shards of three replicas each (Majority quorum), real shard-servers on one
 * MariaDB, clients over HTTP with the typed RouterClient. Runs only with {@code
 * -Dshardeddb.bench=true}; every phase is bounded in time and in operations. Prints a Markdown
 * table and writes it to target/bench-router.md.
 */
@EnabledIfSystemProperty(named = "shardeddb.bench", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterBenchIT {
  static final int SECONDS = Integer.getInteger("shardeddb.bench.seconds", 10);
  static final long MAX_OPS_PER_PHASE = 2_000_000;
  static final long SHARD_SIZE = 100_000_000L;

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter router;
  RouterClient client;
  final List<String> results = new ArrayList<>();
  final AtomicLong[] nextKey = {new AtomicLong(), new AtomicLong(), new AtomicLong()};

  /** One operation of a phase, given a per-phase sequence number. */
  @FunctionalInterface
  interface Op {
    void run(long seq);
  }

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = fleet.startServers("bench", 9);
    router = TestRouter.start("bench", Map.of("shardeddb.router.standalone.shard-servers", pool));
    String base = router.url();
    Http.Reply init =
        new Http(base, "bench")
            .send(
                "POST",
                "/init",
                ("""
                {"N":3,
                 "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
                 "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":SIZE},
                           {"Stud_id_low":SIZE,"Shard_id":"sh2","Shard_size":SIZE},
                           {"Stud_id_low":SIZE2,"Shard_id":"sh3","Shard_size":SIZE}],
                 "servers":{"Server0":["sh1","sh2","sh3"],"Server1":["sh1","sh2","sh3"],
                            "Server2":["sh1","sh2","sh3"]}}
                """)
                    .replace("SIZE2", String.valueOf(2 * SHARD_SIZE))
                    .replace("SIZE", String.valueOf(SHARD_SIZE)));
    assertThat(init.status()).as(init.text()).isEqualTo(200);
    client = new RouterClient(base, "bench", "Stud_id");
  }

  @AfterAll
  void stop() throws Exception {
    router.close();
    fleet.close();
  }

  @Test
  void benchmarkThroughTheRouter() throws Exception {
    results.add("| operation through the router | clients | ops | ops/s | p50 ms | p99 ms |");
    results.add("|---|---|---|---|---|---|");
    for (int clients : new int[] {16, 64}) {
      phase(
          "write 1 row (3 replicas, Majority)",
          clients,
          s -> client.write(List.of(row(nextKey(0)))));
    }
    phase(
        "write 3 rows, one per shard (3-way fan-out)",
        16,
        s -> client.write(List.of(row(nextKey(0)), row(nextKey(1)), row(nextKey(2)))));
    long written = nextKey[0].get();
    for (int clients : new int[] {16, 64}) {
      phase(
          "read 1 key, primary",
          clients,
          s -> {
            long k = Math.floorMod(s * 7919, written);
            client.read(k, k);
          });
    }
    phase(
        "read 1 key, any replica",
        16,
        s -> {
          long k = Math.floorMod(s * 7919, written);
          client.read(k, k, ReadConsistency.ANY, null);
        });
    phase(
        "read 100-key range spanning 2 shards",
        16,
        s -> client.read(SHARD_SIZE - 50, SHARD_SIZE + 49));
    String table = String.join("\n", results);
    System.out.println(table);
    Files.writeString(Path.of("target", "bench-router.md"), table + "\n");
  }

  long nextKey(int shard) {
    return shard * SHARD_SIZE + nextKey[shard].getAndIncrement();
  }

  static Map<String, Object> row(long key) {
    return Map.of("Stud_id", key, "Stud_name", "n" + key, "Stud_marks", key % 100);
  }

  void phase(String name, int clients, Op op) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    AtomicLong seq = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> perClient = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                long[] lat = new long[1024];
                int n = 0;
                long s;
                while (System.nanoTime() < deadline
                    && (s = seq.getAndIncrement()) < MAX_OPS_PER_PHASE) {
                  long t0 = System.nanoTime();
                  try {
                    op.run(s);
                  } catch (RuntimeException e) {
                    errors.incrementAndGet();
                  }
                  if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                  }
                  lat[n++] = System.nanoTime() - t0;
                }
                return Arrays.copyOf(lat, n);
              }));
    }
    for (Future<long[]> f : futures) {
      perClient.add(f.get());
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    assertThat(errors.get()).as(name + " errors").isZero();
    results.add(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %.0f | %.2f | %.2f |",
            name,
            clients,
            all.length,
            all.length / seconds,
            all[all.length / 2] / 1e6,
            all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6));
  }
}
