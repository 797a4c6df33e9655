package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.CgroupCpuLimits;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.local.LocalPodRunner;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.lb.ReadConsistency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cabinet's quorum and SEER's choice following a really slowed replica on real processes (issue
 * 51's Done when): local mode — the real operator, router and five shard-servers as processes —
 * with {@code writeQuorum: Cabinet}, one secondary slowed as a Kubernetes CPU limit slows a
 * container ({@code kubectl sdb local throttle}: a cgroup CPU quota on its process).
 *
 * <p>Under a steady writer its Cabinet weight falls below every other secondary's and it leaves the
 * best-weighted majority {@code /query/status} and {@code kubectl sdb quorum} show, while writes go
 * on being acknowledged; lifted, its weight recovers. A CPU cap slows a process only while it wants
 * more than the cap (an idle shard-server needs under 2% of a core), so for the elections readers
 * read from any replica ({@code consistency: any}, follower reads) and keep the slowed one busy:
 * with the writer stopped and every replica holding the whole log (all safe to elect), the primary
 * is frozen, and the operator's election picks the best SEER score among the safe candidates, not
 * the slowed one (short of CPU, it has so far always missed the fence's 1 s deadline and gone
 * uncounted; counted, it must lose on its score); then {@code kubectl sdb elect} ranks the slowed
 * one last and switches over to SEER's choice. Every acknowledged write is read back after the
 * failover.
 *
 * <p>Needs cgroup v1's cpu controller, writable: elsewhere every test is skipped with the reason
 * ({@code -Dshardeddb.cgroup.required=true} makes that a failure). Every wait and load is bounded;
 * nothing asserts a measured time, and the bounds are loose for a loaded 2-core machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlowReplicaIT {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "cabinet";
  private static final String SHARD = "sh1";

  /**
   * The slowed replica's cap: 2 ms of CPU per 100 ms. Whenever it wants more — under the writer, or
   * serving its share of follower reads on top of the ~1.6% of a core an idle shard-server needs —
   * its answers wait for the next period: it answers late, and falls behind under writes, but
   * within its deadlines, so it stays a replica that may be elected. Well under what a busy 2-core
   * machine still gives each process, so the slowdown is the cap's, not the machine's.
   */
  private static final String CPU = "0.02";

  /** The writers' bound: they stop at this many writes each even if never told to. */
  private static final int PER_WRITER = 20_000;

  /** The readers' bound, each: reads, and time. */
  private static final int MAX_READS = 100_000;

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private RouterClient router;
  private ConcurrentWriters writers;
  private Readers readers;
  private String slowed;
  private final List<String> paused = new ArrayList<>();

  /** Why this machine cannot slow a replica (null: it can), said by every test it skips. */
  private String cannotRun;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cannotRun = CgroupCpuLimits.whyUnavailable().orElse(null);
    if (cannotRun != null) {
      System.out.println("SlowReplicaIT cannot run: " + cannotRun);
      return;
    }
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/cabinet.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    await().atMost(LONG).until(() -> db.isReady() && db.replicas(SHARD).size() == 5);
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), Objects::nonNull);
    router = info.client(info.token(), "Stud_id", Duration.ofSeconds(10));
  }

  /** Skips the test with the reason, or fails it with {@code -Dshardeddb.cgroup.required=true}. */
  private void requireCpuCaps() {
    if (cannotRun == null) {
      return;
    }
    if (Boolean.getBoolean("shardeddb.cgroup.required")) {
      fail("cannot run: " + cannotRun + " (-Dshardeddb.cgroup.required=true)");
    }
    Assumptions.abort(
        "cannot run: " + cannotRun + " — skipped (-Dshardeddb.cgroup.required=true fails instead)");
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    if (writers != null) {
      writers.stop();
    }
    if (readers != null) {
      readers.stop();
    }
    for (String pod : paused) {
      CliRun.cli("local", "resume", pod, "--kubeconfig", cluster.kubeconfig().toString());
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aThrottledSecondaryLeavesCabinetsQuorumWhileWritesGoOnBeingAcknowledged() throws Exception {
    requireCpuCaps();
    writers =
        new ConcurrentWriters(List.of(router), 2, 0, PER_WRITER, Duration.ofMinutes(10))
            .paced(Duration.ofMillis(20));
    writers.start();
    // Every replica weighed by the primary, and a best-weighted majority of three.
    Map<String, Object> before =
        await()
            .atMost(LONG)
            .until(
                this::shardStatus,
                s -> weights(s).size() == 5 && majority(s).size() == 3 && writers.ackCount() >= 50);
    String primary = (String) before.get("primary");
    slowed =
        majority(before).stream()
            .filter(n -> !n.equals(primary))
            .sorted()
            .findFirst()
            .orElseThrow();
    System.out.printf("load %s; before the throttle: %s%n", load(), describe(before));

    String out = sdb("local", "throttle", slowed, "--cpu", CPU);
    assertThat(out).startsWith("throttling pod " + slowed + " to " + CPU + " CPU");
    String group = cpuGroupOf(pid(slowed));
    assertThat(group).as("the slowed pod's cpu group").endsWith("/" + slowed);
    long throttledAt = System.nanoTime();

    // Its smoothed acknowledgement round trip grows, its weight falls below every other
    // secondary's, and the primary's best-weighted majority goes on without it.
    Map<String, Object> after =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1))
            .until(this::shardStatus, s -> leftTheQuorum(s, slowed));
    System.out.printf(
        "%.1f s after `local throttle %s --cpu %s`: %s%n",
        (System.nanoTime() - throttledAt) / 1e9, slowed, CPU, describe(after));
    assertThat(weightOf(after, slowed)).isLessThan(weightOf(before, slowed));
    // And stays out while it is slowed: ten looks a second apart.
    int outOfQuorum = 0;
    for (int i = 0; i < 10; i++) {
      Thread.sleep(1000);
      if (leftTheQuorum(shardStatus(), slowed)) {
        outOfQuorum++;
      }
    }
    Map<String, Object> last = shardStatus();
    System.out.printf(
        "out of the quorum and the lightest in %d of 10 looks (load %s); last: %s%n",
        outOfQuorum, load(), describe(last));
    assertThat(outOfQuorum)
        .as("looks with the slowed replica out, by far the lightest")
        .isGreaterThan(5);

    // `kubectl sdb quorum` shows the same choice.
    List<Map<String, Object>> quorum =
        JSON.readValue(
            sdb("quorum", DB, "-o", "json"), new TypeReference<List<Map<String, Object>>>() {});
    System.out.println("kubectl sdb quorum " + DB + ":\n" + sdb("quorum", DB));
    @SuppressWarnings("unchecked")
    List<String> shown = (List<String>) quorum.get(0).get("best_weighted_majority");
    assertThat(shown).hasSize(3).contains((String) quorum.get(0).get("primary"));

    // Writes went on being acknowledged all along: a majority without the slowed replica.
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.acksSince(throttledAt) >= 100);
    System.out.printf(
        "writes acknowledged since the throttle: %d (longest gap %.1f s)%n",
        writers.acksSince(throttledAt), writers.longestOutageSince(throttledAt).toMillis() / 1e3);

    // Lifted: back in the group local mode started it in, its group gone, its weight recovered.
    double throttledWeight = weightOf(last, slowed);
    sdb("local", "unthrottle", slowed);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> cpuGroupOf(pid(slowed)).equals(cpuGroupOf(ProcessHandle.current().pid())));
    assertThat(Path.of("/sys/fs/cgroup/cpu" + group)).doesNotExist();
    Map<String, Object> lifted =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1))
            .until(this::shardStatus, s -> weights(s).size() == 5 && !clearlyLightest(s, slowed));
    System.out.printf(
        "after `local unthrottle %s` (its weight %.4f while throttled): %s%n",
        slowed, throttledWeight, describe(lifted));
  }

  @Test
  @Order(2)
  void theFrozenPrimarysSuccessorIsTheBestScoredSafeCandidateNotTheThrottledOne() throws Exception {
    requireCpuCaps();
    assertThat(slowed).as("the first test chose a secondary to slow").isNotNull();
    writers.stop();
    // Every replica at the primary's position, the slowed one included: all safe to elect, so
    // only SEER's score can tell them apart.
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(1))
        .until(this::shardStatus, s -> allAtThePrimarysPosition(s, (String) s.get("primary")));
    // Follower reads keep every secondary busy; capped below what that needs, the slowed one
    // answers its primary's pings late again: by far the lightest.
    readers = new Readers(router, 3, writers.lastKey(), Duration.ofMinutes(10));
    readers.start();
    sdb("local", "throttle", slowed, "--cpu", CPU);
    Map<String, Object> busy =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                this::shardStatus,
                s ->
                    clearlyLightest(s, slowed)
                        && allAtThePrimarysPosition(s, (String) s.get("primary")));
    String primary = (String) busy.get("primary");
    long epoch = ((Number) busy.get("epoch")).longValue();
    System.out.printf(
        "writer stopped, %d follower reads so far, %s throttled to %s again (load %s): %s%n",
        readers.served(), slowed, CPU, load(), describe(busy));
    assertThat(primary)
        .as(
            "the primary to freeze (an unplanned failover, on a stalled machine, may have moved it)")
        .isNotEqualTo(slowed);

    Set<String> earlier = new HashSet<>();
    events("FailoverCompleted").forEach(e -> earlier.add(e.getMetadata().getName()));
    sdb("local", "pause", primary);
    paused.add(primary);
    long pausedAt = System.nanoTime();
    Event won =
        await()
            .atMost(Duration.ofMinutes(2))
            .until(
                () ->
                    events("FailoverCompleted").stream()
                        .filter(e -> !earlier.contains(e.getMetadata().getName()))
                        .filter(e -> e.getMessage().contains("promoted "))
                        .findFirst()
                        .orElse(null),
                Objects::nonNull);
    System.out.printf(
        "%.1f s after freezing %s: %s%n",
        (System.nanoTime() - pausedAt) / 1e9, primary, won.getMessage());
    Election e = Election.parse(won.getMessage());
    System.out.printf(
        "%d of the 4 secondaries answered the fence within the operator's deadline%n", e.counted());
    assertThat(e.winner()).as("the elected replica").isNotEqualTo(slowed).isNotEqualTo(primary);
    assertThat(e.epoch()).isGreaterThan(epoch);
    await().atMost(LONG).until(() -> e.winner().equals(db.primary(SHARD)));
    if (e.runnerUp() != null && e.runnerUpSafe()) {
      assertThat(e.score())
          .as("the winner's SEER score against the runner-up's, both safe to elect")
          .isGreaterThanOrEqualTo(e.runnerUpScore());
    }
    if (slowed.equals(e.runnerUp())) {
      assertThat(e.runnerUpLatency())
          .as("the slowed runner-up's latency term against the winner's")
          .isLessThan(e.latency());
    }

    // Every write acknowledged before, through the new primary: none lost, none twice.
    Set<Long> acked = writers.acked();
    List<Long> keys =
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(
                () ->
                    router.read(0, writers.lastKey()).data().stream()
                        .map(row -> ((Number) row.get("Stud_id")).longValue())
                        .toList(),
                Objects::nonNull);
    Set<Long> seen = new HashSet<>(keys);
    Set<Long> lost = new HashSet<>(acked);
    lost.removeAll(seen);
    System.out.printf(
        "%d of %d writes acknowledged, %d lost, %d read twice%n",
        acked.size(), writers.attempts(), lost.size(), keys.size() - seen.size());
    assertThat(acked).hasSizeGreaterThan(100);
    assertThat(lost).as("acknowledged keys missing").isEmpty();
    assertThat(keys).as("keys read twice").doesNotHaveDuplicates();
  }

  @Test
  @Order(3)
  void electSwitchesOverToSeersChoiceNotTheThrottledReplica() throws Exception {
    requireCpuCaps();
    assertThat(readers).as("the second test started the readers").isNotNull();
    for (String pod : List.copyOf(paused)) {
      sdb("local", "resume", pod);
      paused.remove(pod);
    }
    // The frozen primary comes back as a secondary. The slowed one, short of CPU, misses the 1 s
    // of the new term's role request again and again (the operator retries), so it is lifted
    // while both rejoin, and capped again once every secondary is ready in the new term.
    sdb("local", "unthrottle", slowed);
    await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> readySecondaries() == 4);
    sdb("local", "throttle", slowed, "--cpu", CPU);
    // `elect` ranks the ready secondaries; the ranking is asked until it holds all four with the
    // slowed one answering its primary late (its readiness may flap: probes have 1 s too).
    String dry =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> {
                  Map<String, Object> s = shardStatus();
                  CliRun asked = sdbRun("elect", DB, SHARD, "--dry-run");
                  String ranking = asked.code() == 0 ? asked.out() : "";
                  return clearlyLightest(s, slowed)
                          && scores(ranking).size() == 4
                          && scores(ranking).containsKey(slowed)
                      ? ranking
                      : null;
                },
                Objects::nonNull);
    System.out.println("kubectl sdb elect " + DB + " " + SHARD + " --dry-run:\n" + dry);
    Map<String, Double> scores = scores(dry);
    Matcher dryChoice = Pattern.compile("SEER's choice: (\\S+)").matcher(dry);
    assertThat(dryChoice.find()).as(dry).isTrue();
    assertThat(dryChoice.group(1)).isNotEqualTo(slowed);
    assertThat(scores.get(slowed))
        .as("the slowed replica's SEER score against SEER's choice's")
        .isLessThan(scores.get(dryChoice.group(1)));
    assertThat(scores.get(slowed))
        .as("the slowed replica's SEER score against every other secondary's (two decimals)")
        .isLessThanOrEqualTo(
            scores.entrySet().stream()
                .filter(en -> !en.getKey().equals(slowed))
                .mapToDouble(Map.Entry::getValue)
                .min()
                .orElseThrow());

    String primary = db.primary(SHARD);
    String run = sdb("elect", DB, SHARD);
    System.out.println("kubectl sdb elect " + DB + " " + SHARD + ":\n" + run);
    Matcher choice = Pattern.compile("SEER's choice: (\\S+)").matcher(run);
    assertThat(choice.find()).as(run).isTrue();
    assertThat(choice.group(1)).isNotEqualTo(slowed).isNotEqualTo(primary);
    assertThat(run).contains("PREVIOUS").contains(primary);
    assertThat(db.primary(SHARD)).isEqualTo(choice.group(1));
    readers.stop();
    System.out.printf(
        "follower reads: %d served, %d failed (load %s)%n",
        readers.served(), readers.failed(), load());
  }

  /** The one-minute load average per core. */
  private static double loadPerCore() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os.getSystemLoadAverage() / os.getAvailableProcessors();
  }

  /** The load, for the record. */
  private static String load() {
    return String.format(Locale.ROOT, "%.1f per core", loadPerCore());
  }

  /**
   * Readers reading ten keys at a time from any replica ({@code consistency: any}), each until
   * stopped, {@link #MAX_READS} reads, or {@code maxTime}. Small reads: a capped replica is then
   * short of CPU (slow) without a queue of long reads ahead of its probes and heartbeats, which
   * must answer within their 1 s.
   */
  static final class Readers {
    private final RouterClient router;
    private final int threads;
    private final long high;
    private final long deadline;
    private final java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong served =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failed =
        new java.util.concurrent.atomic.AtomicLong();
    private final List<Thread> running = new ArrayList<>();

    Readers(RouterClient router, int threads, long high, Duration maxTime) {
      this.router = router;
      this.threads = threads;
      this.high = high;
      this.deadline = System.nanoTime() + maxTime.toNanos();
    }

    void start() {
      for (int i = 0; i < threads; i++) {
        Thread t =
            new Thread(
                () -> {
                  for (int n = 0;
                      n < MAX_READS && !stop.get() && System.nanoTime() < deadline;
                      n++) {
                    try {
                      long low =
                          java.util.concurrent.ThreadLocalRandom.current()
                              .nextLong(Math.max(1, high - 10));
                      router.read(low, low + 9, ReadConsistency.ANY, null);
                      served.incrementAndGet();
                    } catch (RuntimeException e) {
                      failed.incrementAndGet();
                    }
                  }
                },
                "e2e-reader-" + i);
        t.setDaemon(true);
        running.add(t);
        t.start();
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : running) {
        t.join(Duration.ofMinutes(1).toMillis());
      }
    }

    long served() {
      return served.get();
    }

    long failed() {
      return failed.get();
    }
  }

  /** The pid local mode runs {@code pod}'s process as (its pid annotation). */
  private long pid(String pod) {
    return Long.parseLong(
        cluster
            .client()
            .pods()
            .inNamespace(cluster.namespace())
            .withName(pod)
            .get()
            .getMetadata()
            .getAnnotations()
            .get(LocalPodRunner.PID_ANNOTATION));
  }

  /** The cpu cgroup a process is in, as {@code /proc/<pid>/cgroup} names it. */
  private static String cpuGroupOf(long pid) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains("cpu")) {
        return parts[2];
      }
    }
    return "/";
  }

  // --- what the real status says ------------------------------------------------------------

  /** The shard's entry in the router's {@code GET /query/status}. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> shardStatus() {
    Object shards = router.queryStatus().get("shards");
    return ((List<Map<String, Object>>) shards)
        .stream().filter(s -> SHARD.equals(s.get("shard"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> replicas(Map<String, Object> shard) {
    return (List<Map<String, Object>>) shard.getOrDefault("replicas", List.of());
  }

  @SuppressWarnings("unchecked")
  private static List<String> majority(Map<String, Object> shard) {
    Object m = shard.get("best_weighted_majority");
    return m == null ? List.of() : (List<String>) m;
  }

  /** Each weighed replica's Cabinet weight, as the primary measured it. */
  private static Map<String, Double> weights(Map<String, Object> shard) {
    Map<String, Double> w = new LinkedHashMap<>();
    for (Map<String, Object> r : replicas(shard)) {
      if (r.get("weight") instanceof Number n) {
        w.put((String) r.get("name"), n.doubleValue());
      }
    }
    return w;
  }

  private static double weightOf(Map<String, Object> shard, String name) {
    return weights(shard).getOrDefault(name, 0.0);
  }

  /** Out of the majority, by far the lightest: Cabinet's choice went on without it. */
  private static boolean leftTheQuorum(Map<String, Object> shard, String name) {
    return majority(shard).size() == 3
        && !majority(shard).contains(name)
        && clearlyLightest(shard, name);
  }

  /**
   * Every replica weighed, {@code name}'s weight at most half of every other's: it answers its
   * primary late (or is behind), not just a little later than the rest.
   */
  private static boolean clearlyLightest(Map<String, Object> shard, String name) {
    Map<String, Double> w = weights(shard);
    return w.size() == 5
        && w.containsKey(name)
        && w.entrySet().stream()
            .filter(e -> !e.getKey().equals(name))
            .allMatch(e -> e.getValue() >= 2 * w.get(name));
  }

  private static boolean allAtThePrimarysPosition(Map<String, Object> shard, String primary) {
    Map<String, Object> p =
        replicas(shard).stream()
            .filter(r -> primary.equals(r.get("name")))
            .findFirst()
            .orElse(Map.of());
    Object lsn = p.get("applied_lsn");
    Object epoch = p.get("last_entry_epoch");
    return lsn != null
        && replicas(shard).size() == 5
        && replicas(shard).stream()
            .allMatch(
                r -> lsn.equals(r.get("applied_lsn")) && epoch.equals(r.get("last_entry_epoch")));
  }

  private static String describe(Map<String, Object> shard) {
    StringBuilder sb = new StringBuilder("quorum ").append(majority(shard)).append("; ");
    replicas(shard).stream()
        .sorted(Comparator.comparing(r -> (String) r.get("name")))
        .forEach(
            r ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "%s %s ack %s ms lag %s weight %s; ",
                        r.get("name"),
                        r.get("role"),
                        r.get("ack_latency_ms") instanceof Number n
                            ? String.format(Locale.ROOT, "%.1f", n.doubleValue())
                            : "-",
                        r.get("lag_behind_primary"),
                        r.get("weight") instanceof Number n
                            ? String.format(Locale.ROOT, "%.4f", n.doubleValue())
                            : "-")));
    return sb.toString().strip();
  }

  /** Secondaries the resource's status shows ready in the current term. */
  private long readySecondaries() {
    String primary = db.primary(SHARD);
    return db.replicas(SHARD).stream()
        .filter(r -> !Objects.equals(primary, r.get("pod")))
        .filter(r -> "Secondary".equals(r.get("role")) && Boolean.TRUE.equals(r.get("ready")))
        .count();
  }

  /** The SCORE column of {@code elect}'s ranking, by replica. */
  private static Map<String, Double> scores(String table) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (String line : table.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length > 2 && cols[0].startsWith(DB + "-") && cols[1].matches("[0-9.]+")) {
        scores.put(cols[0], Double.parseDouble(cols[1]));
      }
    }
    return scores;
  }

  private List<Event> events(String reason) {
    return cluster
        .client()
        .v1()
        .events()
        .inNamespace(cluster.namespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /** The operator's {@code FailoverCompleted} message, read back into what SEER decided. */
  record Election(
      String winner,
      long epoch,
      int counted,
      double score,
      double latency,
      String runnerUp,
      Double runnerUpScore,
      Double runnerUpLatency,
      boolean runnerUpSafe) {
    private static final Pattern WON =
        Pattern.compile(
            "promoted (\\S+) to primary at epoch (\\d+) .*?most up to date of (\\d+) replicas"
                + " .*? SEER score ([0-9.]+) \\(latency"
                + " ([0-9.]+), stability [0-9.]+, lag [0-9.]+\\); (no runner-up|runner-up (\\S+)"
                + " SEER score ([0-9.]+) \\(latency ([0-9.]+), stability [0-9.]+, lag"
                + " [0-9.]+\\)(, not safe to elect)?)");

    static Election parse(String message) {
      Matcher m = WON.matcher(message);
      assertThat(m.find()).as("a FailoverCompleted message: %s", message).isTrue();
      boolean hasRunnerUp = m.group(7) != null;
      return new Election(
          m.group(1),
          Long.parseLong(m.group(2)),
          Integer.parseInt(m.group(3)),
          Double.parseDouble(m.group(4)),
          Double.parseDouble(m.group(5)),
          m.group(7),
          hasRunnerUp ? Double.parseDouble(m.group(8)) : null,
          hasRunnerUp ? Double.parseDouble(m.group(9)) : null,
          hasRunnerUp && m.group(10) == null);
    }
  }

  /** Runs {@code kubectl-sdb ARGS --kubeconfig <local>} in-process, as a user would. */
  private String sdb(String... args) {
    CliRun run = sdbRun(args);
    assertThat(run.code()).as("kubectl-sdb %s: %s", List.of(args), run.err()).isZero();
    return run.out();
  }

  private CliRun sdbRun(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    return CliRun.cli(all.toArray(String[]::new));
  }
}
