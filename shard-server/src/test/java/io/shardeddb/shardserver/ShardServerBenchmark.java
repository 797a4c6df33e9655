package io.shardeddb.shardserver;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shard-server benchmark (not a test): single-row writes/s and point reads/s against a
 * 3-replica shard (Majority quorum) with 16 and 64 concurrent clients, and the same operations
 * directly over JDBC to the same MariaDB. Every phase is bounded by time and by operation count.
 * Usage (see docs/bench-shard-server.md): {@code ShardServerBenchmark [secondsPerPhase]}.
 */
public final class ShardServerBenchmark {
  private static final long MAX_OPS_PER_PHASE = 2_000_000;

  private ShardServerBenchmark() {}

  /** One measured phase: operations per second and latency percentiles in milliseconds. */
  record Result(
      String what, int clients, long ops, long errors, double perSecond, double p50, double p99) {
    String row() {
      return String.format(
          Locale.ROOT,
          "| %s | %d | %d | %d | %.0f | %.2f | %.2f |",
          what,
          clients,
          ops,
          errors,
          perSecond,
          p50,
          p99);
    }
  }

  /** A single operation of a phase; returns whether it succeeded. */
  @FunctionalInterface
  interface Op {
    boolean run(int client, long seq) throws Exception;
  }

  /**
   * One HTTP client per client thread: a single shared JDK HttpClient funnels every request through
   * one selector thread and would measure the client instead of the server.
   */
  private static final ThreadLocal<HttpClient> CLIENTS =
      ThreadLocal.withInitial(
          () -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());

  private static int post(String url, String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + Http.TOKEN)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return CLIENTS.get().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Result> results = new ArrayList<>();
    String wideRange = ThreeReplicaShard.CONFIG.replace("\"size\":4096", "\"size\":1000000000");
    try (ThreeReplicaShard shard = new ThreeReplicaShard(wideRange)) {
      shard.assignAll(1, 0);
      Thread.sleep(1500);
      Replica primary = shard.get(0);
      EmbeddedMariaDb db = SharedMariaDb.get();
      String direct = "bench_direct_" + System.nanoTime();
      createDirectTable(db, direct);
      AtomicLong nextKey = new AtomicLong();
      AtomicLong directKeys = new AtomicLong();
      for (int clients : new int[] {16, 64}) {
        results.add(
            phase(
                "replicated write (3 replicas, Majority)",
                clients,
                seconds,
                (c, s) -> {
                  long key = nextKey.getAndIncrement();
                  return post(
                          primary.url() + "/write",
                          "{\"shard\":\"sh1\",\"data\":[" + ThreeReplicaShard.row(key) + "]}")
                      == 200;
                }));
        System.out.println("    primary after writes: " + serverSide(primary));
        results.add(
            phase(
                "point read (primary)",
                clients,
                seconds,
                (c, s) -> {
                  long key = ThreadLocalRandom.current().nextLong(Math.max(1, nextKey.get()));
                  return post(
                          primary.url() + "/read",
                          "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":"
                              + key
                              + ",\"high\":"
                              + key
                              + "}}")
                      == 200;
                }));
        results.add(directWrites(db, direct, clients, seconds, directKeys));
        results.add(directReads(db, direct, clients, seconds, directKeys));
      }
    }
    System.out.println();
    System.out.println("| operation | clients | ops | errors | ops/s | p50 ms | p99 ms |");
    System.out.println("|---|---|---|---|---|---|---|");
    results.forEach(r -> System.out.println(r.row()));
    System.exit(0);
  }

  private static Result directWrites(
      EmbeddedMariaDb db, String database, int clients, int seconds, AtomicLong nextKey)
      throws Exception {
    List<Connection> conns = connections(db, database, clients);
    try {
      return phase(
          "direct JDBC insert (1 node, autocommit)",
          clients,
          seconds,
          (c, s) -> {
            long key = nextKey.getAndIncrement();
            try (PreparedStatement ps =
                conns
                    .get(c)
                    .prepareStatement(
                        "INSERT INTO students (Stud_id, Stud_name, Stud_marks, gpa, active)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
              ps.setLong(1, key);
              ps.setString(2, "name-" + key);
              ps.setLong(3, key % 100);
              ps.setBigDecimal(4, new java.math.BigDecimal(key + ".125"));
              ps.setBoolean(5, key % 2 == 0);
              return ps.executeUpdate() == 1;
            }
          });
    } finally {
      close(conns);
    }
  }

  private static Result directReads(
      EmbeddedMariaDb db, String database, int clients, int seconds, AtomicLong written)
      throws Exception {
    List<Connection> conns = connections(db, database, clients);
    try {
      return phase(
          "direct JDBC point select",
          clients,
          seconds,
          (c, s) -> {
            try (PreparedStatement ps =
                conns.get(c).prepareStatement("SELECT * FROM students WHERE Stud_id = ?")) {
              ps.setLong(1, ThreadLocalRandom.current().nextLong(Math.max(1, written.get())));
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return true;
              }
            }
          });
    } finally {
      close(conns);
    }
  }

  private static Result phase(String what, int clients, int seconds, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Future<long[]>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      futures.add(
          pool.submit(
              () -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                long seq = 0;
                while (System.nanoTime() < deadline && ops.get() < MAX_OPS_PER_PHASE) {
                  long t0 = System.nanoTime();
                  boolean ok;
                  try {
                    ok = op.run(client, seq++);
                  } catch (Exception e) {
                    ok = false;
                  }
                  long t = System.nanoTime() - t0;
                  if (ok) {
                    ops.incrementAndGet();
                    if (n == lat.length) {
                      lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = t;
                  } else {
                    errors.incrementAndGet();
                  }
                }
                return Arrays.copyOf(lat, n);
              }));
    }
    List<long[]> parts = new ArrayList<>();
    for (Future<long[]> f : futures) {
      parts.add(f.get(seconds + 60L, TimeUnit.SECONDS));
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdownNow();
    long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    Result r =
        new Result(
            what,
            clients,
            ops.get(),
            errors.get(),
            ops.get() / elapsed,
            percentile(all, 0.50),
            percentile(all, 0.99));
    System.out.println(r.row());
    return r;
  }

  /** Mean changes per group commit and mean /replicate round trip, from /prometheus. */
  private static String serverSide(Replica primary) {
    String text = Http.get(primary.url() + "/prometheus").raw();
    double batches = metric(text, "shardeddb_write_batch_size_count");
    double changes = metric(text, "shardeddb_write_batch_size_sum");
    double trips = metric(text, "shardeddb_replication_latency_seconds_count");
    double tripSeconds = metric(text, "shardeddb_replication_latency_seconds_sum");
    return String.format(
        Locale.ROOT,
        "%.0f group commits, %.1f changes each on average; %.0f /replicate calls, %.2f ms mean",
        batches,
        changes / Math.max(1, batches),
        trips,
        1000 * tripSeconds / Math.max(1, trips));
  }

  private static double metric(String prometheus, String name) {
    return prometheus
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  private static void createDirectTable(EmbeddedMariaDb db, String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + database + "`");
      s.execute(
          "CREATE TABLE `"
              + database
              + "`.students (Stud_id BIGINT NOT NULL PRIMARY KEY, Stud_name VARCHAR(1024),"
              + " Stud_marks BIGINT, gpa DECIMAL(38,10), active BOOLEAN) ENGINE = InnoDB");
    }
  }

  private static List<Connection> connections(EmbeddedMariaDb db, String database, int n)
      throws SQLException {
    List<Connection> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          DriverManager.getConnection(
              db.jdbcUrl() + database + "?cachePrepStmts=true", db.user(), db.password()));
    }
    return out;
  }

  private static void close(List<Connection> conns) throws SQLException {
    for (Connection c : conns) {
      c.close();
    }
  }
}
