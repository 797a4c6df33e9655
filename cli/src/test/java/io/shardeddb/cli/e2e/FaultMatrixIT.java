package io.shardeddb.cli.e2e;

import static io.shardeddb.api.ShardedDatabaseResources.routerName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix on real processes: one local cluster (1 shard x 3 replicas, two routers, default
 * failover settings), four concurrent writers through both routers, and the faults injected with
 * the {@code kubectl-sdb local} commands a user would type. Each scenario checks that every
 * acknowledged key is readable through both routers, none is stored twice, the longest write outage
 * stays under the stated bound and its system part (after a restart the fault itself causes) under
 * the 10 s, all replicas converge to one {@code /checksum}, and epochs only grow. Later
 * rows kill one pod's MariaDB under its live shard-server (faults.yaml asks local mode for a server
 * per pod), stop the backup store across a failover, and take a backup and a restore point during a
 * split; each restore is checked to hold every write acknowledged before its target and none sent
 * after. The measured numbers go to {@code target/fault-matrix.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {
  private static final String DB = "faults";
  private static final String SHARD = "sh1";

  /**
   * Hung or partitioned primary, paused secondary: 7 s, with default settings (faults.yaml sets no
   * failover field). A frozen or killed primary's secondaries report it lost after a lease period
   * (2 s), the operator's next heartbeat poll (1 s) sees it and elects in that pass (DESIGN §5 rule
   * 11); the rest is the election, the status write and the routers' switch — and slack for a
   * loaded machine. Issue 47's 5 s ({@link #GOAL}) is measured for the paused, isolated and killed
   * primary and the paused secondary when the machine's load leaves room for it. A primary only the
   * operator cannot reach is not replaced before {@code primaryUnavailableSeconds} (5 s), but
   * writes go on meanwhile.
   */
  private static final Duration HUNG_BOUND = Duration.ofSeconds(7);

  /**
   * Primary killed and a secondary wiped at once: two of three replicas gone together. No write can
   * be acknowledged until the killed primary's process is back (it holds the only other copy; rule
   * 2 forbids electing the lone survivor), so the row's bound is that restart, measured (kill to
   * its process answering {@code /health/liveness} again: local mode's kubelet, the JVM's start and
   * the shard-server's start-up; see {@link #answersAgainAt}), plus this: the system's own part
   * once the process answers, the hung-primary bound — within the 10 s. A returning primary
   * either still leads at its epoch or is replaced by the election the operator has pending, which
   * is the hung-primary case.
   */
  private static final Duration AFTER_RESTART_BOUND = HUNG_BOUND;

  /**
   * Issue 47's goal: a paused, isolated or killed primary replaced and writes back within 5 s with
   * default settings (measured 2.5–3.4 s at load 4–11 on 2 cores, 4.3 s at load 14–27:
   * docs/safety.md). Measured for those rows (and the paused secondary) when the machine's load
   * leaves room for it ({@link #GOAL_LOAD_PER_CORE}), the row saying whether it was met; asserted
   * are the bounds {@link #HUNG_BOUND}, {@link #ISOLATED_BOUND} and {@link #PROMISE}.
   */
  private static final Duration GOAL = Duration.ofSeconds(5);

  /**
   * The one-minute load average per core up to which {@link #GOAL} is measured: 3 (load 6 on a
   * 2-core CI runner), where the measured outages left 1.6 s of the 5 s.
   */
  private static final double GOAL_LOAD_PER_CORE = 3.0;

  /** The bound column's note for the next row ({@link #goalUnlessLoaded}); "" for fixed bounds. */
  private String boundNote = "";

  /**
   * Whether the next row is measured against {@link #GOAL} ({@link #goalUnlessLoaded}): its bound
   * column then says whether the outage met the goal.
   */
  private boolean goalRow;

  /**
   * The bound asserted for the next row: {@code loaded}, the promise that holds on any machine. The
   * 5 s {@link #GOAL} is a speed target, measured and reported, not asserted (a timed assertion on
   * a shared 2-core runner fails on a scheduler hiccup: fresh-clone CI of 2026-11-27, a planned
   * switch-over 5.5 s at load below 3 per core). When the one-minute load average per core is at
   * most {@link #GOAL_LOAD_PER_CORE} (at the fault's end: the average covers the fault) the row's
   * bound column says whether the goal was met, with the load; docs/safety.md keeps the measured
   * rows and issue 47 stays open while a row misses it.
   */
  private Duration goalUnlessLoaded(Duration loaded) {
    double perCore =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
            / Runtime.getRuntime().availableProcessors();
    goalRow = perCore >= 0 && perCore <= GOAL_LOAD_PER_CORE;
    boundNote =
        String.format(
            " (%s; load %.1f per core)",
            goalRow ? "the 5 s goal %s" : "loaded machine, goal not measured", perCore);
    return loaded;
  }

  /** The promise for the system's part of every row's outage (issue 24, "Done when"). */
  private static final Duration PROMISE = Duration.ofSeconds(10);

  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WRITERS = 4;
  private static final int PER_WRITER = 2000;

  /** The pause between one writer's writes (see {@link #begin}). */
  private static final Duration WRITE_PACE = Duration.ofMillis(20);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private final List<String> matrix = Collections.synchronizedList(new ArrayList<>());
  private LocalCluster cluster;
  private Path dataDir;
  private DatabaseStatus db;
  private List<RouterClient> routers;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) throws IOException {
    this.dataDir = dataDir;
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/faults.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    await().atMost(LONG).until(db::isReady);
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), Objects::nonNull);
    String token = info.token();
    String scheme = info.tls() == null ? "http://" : "https://";
    List<String> urls =
        await()
            .atMost(LONG)
            .until(
                () ->
                    cluster
                        .client()
                        .pods()
                        .inNamespace(cluster.namespace())
                        .list()
                        .getItems()
                        .stream()
                        .filter(p -> p.getMetadata().getName().startsWith(routerName(DB) + "-"))
                        .filter(FaultMatrixIT::isReady)
                        .map(p -> scheme + p.getStatus().getPodIP() + ":8080")
                        .sorted()
                        .toList(),
                l -> l.size() == 2);
    routers =
        urls.stream()
            .map(u -> new RouterClient(u, token, "Stud_id", Duration.ofSeconds(10), info.tls()))
            .toList();
    matrix.add(
        "| fault | writes acknowledged | lost | duplicated | longest write outage | bound |"
            + " time to converge | epoch | result |");
    matrix.add("|---|---|---|---|---|---|---|---|---|");
  }

  @AfterAll
  void stopCluster() throws IOException {
    writeMatrix();
    if (cluster != null) {
      cluster.close();
    }
    // The pods' logs outlive the temporary directory: a failed scenario is read from them.
    Path logs = dataDir == null ? null : dataDir.resolve("logs");
    if (logs != null && Files.isDirectory(logs)) {
      Path keep = Path.of("target", "fault-matrix-logs");
      Files.createDirectories(keep);
      try (var files = Files.list(logs)) {
        for (Path f : files.toList()) {
          Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  @Order(1)
  void aPrimaryPausedFor20sThenResumed() throws Exception {
    Run run = begin(1, Set.of());
    String primary = db.primary(SHARD);
    long faultAt = System.nanoTime();
    sdb("local", "pause", primary, "--for", "20");
    waitFor(Duration.ofSeconds(20));
    await().atMost(Duration.ofMinutes(1)).until(() -> !isPausedAnnotated(primary));
    finish(
        run,
        "primary paused 20 s, then resumed",
        faultAt,
        System.nanoTime(),
        goalUnlessLoaded(HUNG_BOUND));
  }

  @Test
  @Order(2)
  void aPrimaryPartitionedFromTheOperatorOnly() throws Exception {
    Run run = begin(2, Set.of());
    String primary = db.primary(SHARD);
    long faultAt = System.nanoTime();
    sdb("local", "partition", primary, "--from-operator");
    waitFor(Duration.ofSeconds(20));
    sdb("local", "heal", primary);
    finish(
        run, "primary partitioned from the operator 20 s", faultAt, System.nanoTime(), HUNG_BOUND);
  }

  @Test
  @Order(3)
  void aSecondaryPausedFor20s() throws Exception {
    Run run = begin(3, Set.of());
    String secondary = aSecondary();
    long faultAt = System.nanoTime();
    sdb("local", "pause", secondary, "--for", "20");
    waitFor(Duration.ofSeconds(20));
    await().atMost(Duration.ofMinutes(1)).until(() -> !isPausedAnnotated(secondary));
    finish(
        run,
        "secondary paused 20 s, then resumed",
        faultAt,
        System.nanoTime(),
        goalUnlessLoaded(HUNG_BOUND));
  }

  @Test
  @Order(4)
  void aReplicaWipedWhileThePrimaryFails() throws Exception {
    String secondary = aSecondary();
    Run run = begin(4, Set.of(secondary)); // a wiped volume loses its persisted epoch too
    String primary = db.primary(SHARD);
    String url = db.replica(SHARD, primary).map(r -> (String) r.get("url")).orElseThrow();
    long faultAt = System.nanoTime();
    sdb("local", "delete-pod", secondary, "--wipe");
    sdb("local", "kill", primary);
    Duration restart = Duration.ofNanos(answersAgainAt(url) - faultAt);
    finish(
        run,
        "secondary wiped while the primary is killed",
        faultAt,
        System.nanoTime(),
        restart.plus(AFTER_RESTART_BOUND),
        "restart",
        restart);
  }

  /**
   * When the killed process was last seen not answering {@code /health/liveness} on the management
   * port of the replica at {@code url} (asked as the kubelet's probes ask), before its restarted
   * process answered: the restart's end, as System.nanoTime. The start of the last failed try, not
   * the moment a try succeeded, so that the poll's own lag on a loaded machine is never counted as
   * restart (it would hide system time). A success counts only after a failure (the killed process
   * is gone once it stopped answering). Polled every 100 ms, at most 3 min.
   */
  private long answersAgainAt(String url) {
    // The management port speaks TLS whenever the API port does (the replica's URL's scheme).
    String liveness =
        URI.create(url).getScheme()
            + "://"
            + URI.create(url).getHost()
            + ":"
            + io.shardeddb.api.ShardedDatabaseResources.MANAGEMENT_PORT
            + "/health/liveness";
    long[] notYet = {0};
    await()
        .pollInterval(Duration.ofMillis(100))
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              long tried = System.nanoTime();
              if (answers(liveness)) {
                return notYet[0] != 0;
              }
              notYet[0] = tried;
              return false;
            });
    return notYet[0];
  }

  private HttpClient probes;

  /**
   * Whether {@code url} answers 200, asked as the kubelet's probes ask: from the node address,
   * HTTPS unverified when TLS is on.
   */
  private boolean answers(String url) {
    try {
      if (probes == null) {
        probes =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .localAddress(InetAddress.getByName(cluster.addressBlock().nodeAddress()))
                // As the kubelet probes HTTPS: without verifying, without a certificate.
                .sslContext(io.shardeddb.protocol.tls.Tls.probeContext())
                .build();
      }
      return probes
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  @Order(5)
  void theOperatorRestartedMidFailover() throws Exception {
    Run run = begin(5, Set.of());
    String primary = db.primary(SHARD);
    long faultAt = System.nanoTime();
    sdb("local", "pause", primary);
    // The operator sees the primary unready: stop it then, mid-failover.
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                db.replica(SHARD, primary)
                    .map(r -> !Boolean.TRUE.equals(r.get("ready")))
                    .orElse(true));
    // Stopped as soon as it saw the primary unready: the secondaries' reports (after a lease
    // period) and the election are still ahead, so the restarted operator finishes the failover.
    cluster.stopOperator();
    waitFor(Duration.ofSeconds(3));
    cluster.startOperator();
    // The hung-primary bound counts from the moment the restarted operator is back (the system's
    // part; the operator's downtime is the fault's).
    Duration operatorBack = Duration.ofNanos(System.nanoTime() - faultAt);
    waitFor(Duration.ofSeconds(Math.max(0, 20 - elapsedSeconds(faultAt))));
    sdb("local", "resume", primary);
    finish(
        run,
        "primary paused; operator restarted mid-failover",
        faultAt,
        System.nanoTime(),
        operatorBack.plus(HUNG_BOUND),
        "operator back",
        operatorBack);
  }

  @Test
  @Order(6)
  void aPrimaryCutOffFromBothSecondaries() throws Exception {
    // The operator and the routers still reach it: only a primary that reports it reaches no
    // majority is replaced (DESIGN §5 rule 11); the returning primary is fenced.
    Run run = begin(6, Set.of());
    String primary = db.primary(SHARD);
    List<String> secondaries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String pod = DB + "-" + SHARD + "-" + i;
      if (!pod.equals(primary)) {
        secondaries.add(pod);
      }
    }
    long faultAt = System.nanoTime();
    List<String> args = new ArrayList<>(List.of("local", "partition", primary, "--from"));
    args.addAll(secondaries);
    sdb(args.toArray(String[]::new));
    waitFor(Duration.ofSeconds(20));
    sdb("local", "heal", primary);
    finish(
        run,
        "primary cut off from both secondaries 20 s",
        faultAt,
        System.nanoTime(),
        goalUnlessLoaded(ISOLATED_BOUND));
    assertThat(db.primary(SHARD)).as("a secondary took over").isNotEqualTo(primary);
  }

  @Test
  @Order(7)
  void oneRouterCutOffFromThePrimary() throws Exception {
    // The other router and the operator still reach the primary: nothing fails over; writes
    // through the cut router fail (never acknowledged), the others go on; nothing is lost or
    // applied twice when the cut router's retries land after the heal.
    Run run = begin(7, Set.of());
    String primary = db.primary(SHARD);
    long epoch = db.epoch(SHARD);
    String router =
        cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
            .map(p -> p.getMetadata().getName())
            .filter(n -> n.startsWith(routerName(DB) + "-"))
            .sorted()
            .findFirst()
            .orElseThrow();
    long faultAt = System.nanoTime();
    sdb("local", "partition", primary, "--from", router);
    waitFor(Duration.ofSeconds(20));
    sdb("local", "heal", primary);
    finish(run, "one router cut off from the primary 20 s", faultAt, System.nanoTime(), HUNG_BOUND);
    assertThat(db.primary(SHARD)).as("no failover").isEqualTo(primary);
    assertThat(db.epoch(SHARD)).isEqualTo(epoch);
  }

  @Test
  @Order(8)
  void aTemplateChangeRollsTheShardWithAPlannedSwitchOverNotAFailover() throws Exception {
    // Shard StatefulSets update OnDelete: the operator deletes the secondaries one at a time, then
    // switches over and deletes the old primary (docs/operator.md, "Rolling a template change").
    Run run = begin(8, Set.of());
    String primary = db.primary(SHARD);
    int failovers = events("FailoverCompleted").size();
    int switchovers = events("PrimarySwitchedOver").size();
    long faultAt = System.nanoTime();
    String patch =
        JSON.writeValueAsString(
            List.of(
                Map.of(
                    "op",
                    "add",
                    "path",
                    "/spec/resources",
                    "value",
                    Map.of("mysql", Map.of("requests", Map.of("cpu", "50m"))))));
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(DB)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            patch);
    await().atMost(LONG).until(() -> rolled() && db.isReady());
    // A planned switch-over hands the lease over (no failover, no lease wait): 0.7 s alone, so the
    // 5 s goal on a quiet machine (5.4-5.5 s measured, 2026-11-27: missed, issue 47 open); the
    // issue's 10 s promise is asserted (7.5 s at 18 per core with the real-cluster tier beside it).
    finish(
        run,
        "template change rolled (3 pods)",
        faultAt,
        System.nanoTime(),
        goalUnlessLoaded(PROMISE));
    assertThat(events("FailoverCompleted")).as("no failover").hasSize(failovers);
    assertThat(events("PrimarySwitchedOver").size()).isGreaterThan(switchovers);
    assertThat(events("PodRolled")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(db.primary(SHARD)).isNotEqualTo(primary);
  }

  @Test
  @Order(9)
  void aPrimaryKilled() throws Exception {
    // Killed alone (SIGKILL; local mode's kubelet restarts the process): its secondaries report it
    // lost a lease period after its last ping, the operator cannot reach it, and elects one of
    // them (DESIGN §5 rule 11) -- writes resume on the new primary without waiting for the
    // restart. Whichever comes first, the outage is the system's: held to the hung-primary bound.
    Run run = begin(9, Set.of());
    String primary = db.primary(SHARD);
    long faultAt = System.nanoTime();
    sdb("local", "kill", primary);
    waitFor(Duration.ofSeconds(10));
    finish(
        run,
        "primary killed (its process restarts)",
        faultAt,
        System.nanoTime(),
        goalUnlessLoaded(HUNG_BOUND));
  }

  /** How long a killed MariaDB stays down before it is started again (a container restart). */
  private static final Duration MYSQL_DOWN = Duration.ofSeconds(2);

  @Test
  @Order(10)
  void aSecondarysMysqlRestartedUnderItsLiveShardServer() throws Exception {
    // The secondary's MariaDB (its own: faults.yaml asks local mode for one per pod) is killed
    // with SIGKILL while its shard-server runs on: replays in flight fail, a COMMIT may land with
    // its reply lost (issue 47 item 6: such a secondary re-applied the same entry for good). The
    // primary and the other secondary keep a majority, so writes go on; the secondary must catch
    // up and converge (finish's /checksum check), not stay wedged.
    Run run = begin(10, Set.of());
    String secondary = aSecondary();
    long faultAt = System.nanoTime();
    cluster.restartMysql(secondary, MYSQL_DOWN);
    finish(
        run,
        "a secondary's MariaDB killed, restarted after 2 s",
        faultAt,
        System.nanoTime(),
        HUNG_BOUND);
  }

  @Test
  @Order(11)
  void thePrimarysMysqlRestartedUnderItsLiveShardServer() throws Exception {
    // The primary's MariaDB killed under its live shard-server: no write commits until it is back
    // (the primary's process answers and its secondaries hear it: nothing to fail over from), and
    // batches whose COMMIT was in flight have an unknown outcome that must be read back (rule 15),
    // never acknowledged twice nor lost. The restart (kill, 2 s down, mariadbd's start and crash
    // recovery) is the fault's part of the outage; the system's part is held to the hung-primary
    // bound.
    Run run = begin(11, Set.of());
    String primary = db.primary(SHARD);
    long faultAt = System.nanoTime();
    cluster.restartMysql(primary, MYSQL_DOWN);
    Duration restart = Duration.ofNanos(System.nanoTime() - faultAt);
    finish(
        run,
        "the primary's MariaDB killed, restarted after 2 s",
        faultAt,
        System.nanoTime(),
        restart.plus(HUNG_BOUND),
        "MariaDB back",
        restart);
  }

  @Test
  @Order(12)
  void aStoreOutageAcrossAFailoverThenARestoreToATimeInsideIt() throws Exception {
    // The backup store is down while the primary is killed and a secondary takes over: entries
    // the old primary committed but never archived are archived by the new one after the store
    // returns, with their own commit times (issue 47 item 3). A restore to a time inside the
    // outage,
    // after the failover, must hold every write acknowledged before that time and none sent after.
    Run run = begin(12, Set.of());
    CliRun base = CliRun.cli(withKubeconfig("backup", "create", DB, "--name", "f12", "--wait"));
    assertThat(base.code()).as(base.out() + base.err()).isZero();
    long faultAt = System.nanoTime();
    cluster.backupStore().stopForOutage();
    long targetNanos;
    Instant target;
    String primary = db.primary(SHARD);
    try {
      waitFor(Duration.ofSeconds(2));
      long epoch = db.epoch(SHARD);
      // Frozen, not killed: a killed process restarts in place within a second or two and may
      // resume its role with no failover (the fresh-clone CI of 087a608d saw exactly that); a
      // frozen one is replaced, and its unarchived entries go to the new primary's archive.
      sdb("local", "pause", primary, "--for", "20");
      await().atMost(Duration.ofMinutes(1)).until(() -> db.epoch(SHARD) > epoch);
      await().atMost(Duration.ofMinutes(1)).until(() -> run.writers().acksSince(faultAt) >= 100);
      targetNanos = System.nanoTime();
      target = Instant.now();
      waitFor(Duration.ofSeconds(2));
    } finally {
      // Whatever happened above, the store comes back (the next rows take backups).
      cluster.backupStore().startAgain();
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> !isPausedAnnotated(primary));
    finish(
        run,
        "backup store down across a primary frozen 20 s (replaced, then back)",
        faultAt,
        System.nanoTime(),
        HUNG_BOUND);

    awaitArchivedPast(target);
    Set<Long> restored = restoredKeys(run, "f12-time", "--time", target.toString());
    assertRestored(
        restored, run.writers().ackedBefore(targetNanos), run.writers().sentAfter(targetNanos));
    matrix.add(
        String.format(
            "| ↳ restore to a time inside the outage, after the failover (%d of %d writes sent"
                + " after it present) | %d acknowledged before it | %d | — | — | — | — | — | pass |",
            presentFrom(restored, run.writers().sentAfter(targetNanos)),
            run.writers().sentAfter(targetNanos).size(),
            run.writers().ackedBefore(targetNanos).size(),
            lostFrom(restored, run.writers().ackedBefore(targetNanos))));
    writeMatrix();
  }

  @Test
  @Order(13)
  void aBackupAndARestorePointTakenDuringASplit() throws Exception {
    // Last: the split leaves the database with two shards. Keys of this scenario lie on both
    // sides of the split point (100000). A base backup and a restore point are taken while the
    // move runs under the writers; a restore to the point holds every write acknowledged before the
    // point was asked for and none sent after it was taken.
    Run run = begin(13, Set.of());
    long faultAt = System.nanoTime();
    patchShards(
        List.of(
            Map.of("id", SHARD, "low", 0, "size", 100000),
            Map.of("id", "sh2", "low", 100000, "size", 31072)));
    await().atMost(LONG).until(() -> movePhase().matches("Copying|CatchingUp|CuttingOver|Done"));
    // Both asked at once, without waiting (a backup's --wait outlasted the move on a loaded
    // machine): the operator takes the backup's snapshots while the move runs, the restore point
    // pauses the shards mid-move.
    String phaseAtBackup = movePhase();
    CliRun backup = CliRun.cli(withKubeconfig("backup", "create", DB, "--name", "s13"));
    assertThat(backup.code()).as(backup.out() + backup.err()).isZero();
    String phaseAtPoint = movePhase();
    long pointAsked = System.nanoTime();
    CliRun point = CliRun.cli(withKubeconfig("restore-point", "create", DB, "rp13"));
    long pointTaken = System.nanoTime();
    assertThat(point.code()).as(point.out() + point.err()).isZero();
    String backupPhase =
        await()
            .atMost(LONG)
            .until(() -> backupPhase("s13"), p -> p.equals("Completed") || p.equals("Failed"));
    assertThat(backupPhase).as("the backup taken during the split").isEqualTo("Completed");
    await().atMost(LONG).until(this::moveDone);
    finish(
        run,
        "a base backup (move "
            + phaseAtBackup
            + ") and a restore point (move "
            + phaseAtPoint
            + ") during a split",
        faultAt,
        System.nanoTime(),
        HUNG_BOUND);

    Set<Long> restored = restoredKeys(run, "s13-point", "--restore-point", "rp13");
    assertRestored(
        restored, run.writers().ackedBefore(pointAsked), run.writers().sentAfter(pointTaken));
    matrix.add(
        String.format(
            "| ↳ restore to that restore point (%d of %d writes sent after it present) | %d"
                + " acknowledged before it | %d | — | — | — | — | — | pass |",
            presentFrom(restored, run.writers().sentAfter(pointTaken)),
            run.writers().sentAfter(pointTaken).size(),
            run.writers().ackedBefore(pointAsked).size(),
            lostFrom(restored, run.writers().ackedBefore(pointAsked))));
    writeMatrix();
  }

  @Test
  @Order(14)
  void aStoreOutageAcrossAMergeKeepsTheMergedAwayShardUntilItsArchiveHoldsItsLog()
      throws Exception {
    // After row 13 the database has sh1 [0, 100000) and sh2 [100000, 131072); this row's keys
    // (104000..) are all sh2's. The store goes down, sh2 takes writes it cannot archive, then sh2
    // is
    // merged into sh1. Its StatefulSet must outlive the merge until its archive holds its whole log
    // (the retire gate, docs/backup.md): deleted earlier, the writes it took during the outage
    // would be in no archive, and a restore to a time before the merge would lack them.
    Run run = begin(14, Set.of());
    String sh2 = DB + "-sh2";
    assertThat(statefulSet(sh2)).as("sh2 after the split of row 13").isNotNull();
    long faultAt = System.nanoTime();
    cluster.backupStore().stopForOutage();
    long targetNanos;
    Instant target;
    boolean keptWhileDown;
    String progressing;
    try {
      await().atMost(Duration.ofMinutes(1)).until(() -> run.writers().acksSince(faultAt) >= 100);
      targetNanos = System.nanoTime();
      target = Instant.now();
      waitFor(Duration.ofSeconds(1));
      patchShards(List.of(Map.of("id", SHARD, "low", 0, "size", 131072)));
      await().atMost(LONG).until(this::moveDone);
      // The merge is done and the store still down: sh2 is kept, and Progressing says why.
      // (Observed, not awaited with a failure: with the gate broken the row goes on to show what
      // the restore then lacks.)
      progressing = "";
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!"RetireWaitsForArchive".equals(progressing) && System.nanoTime() < until) {
        progressing = conditionReason("Progressing");
        waitFor(Duration.ofMillis(500));
      }
      waitFor(Duration.ofSeconds(5));
      keptWhileDown = statefulSet(sh2) != null;
    } finally {
      cluster.backupStore().startAgain();
    }
    boolean announced = !events("RetireWaitsForArchive").isEmpty();
    // Once the store is back, sh2's archive catches up and only then is sh2 deleted.
    await().atMost(LONG).until(() -> statefulSet(sh2) == null);
    finish(
        run,
        "backup store down across a merge (sh2 into sh1; sh2 kept until its archive caught up)",
        faultAt,
        System.nanoTime(),
        HUNG_BOUND);

    awaitArchivedPast(target, List.of(SHARD, "sh2"));
    Set<Long> restored = restoredKeys(run, "m14-time", "--time", target.toString());
    assertThat(lostFrom(restored, run.writers().ackedBefore(targetNanos)))
        .as(
            "writes acknowledged before the target missing from the restore (sh2 kept while the"
                + " store was down: %s; Progressing: %s)",
            keptWhileDown, progressing)
        .isZero();
    assertThat(keptWhileDown)
        .as("sh2's StatefulSet while its archive lags the merge (store down)")
        .isTrue();
    assertThat(progressing).isEqualTo("RetireWaitsForArchive");
    assertThat(announced).as("the Normal Event of the wait").isTrue();
    assertRestored(
        restored, run.writers().ackedBefore(targetNanos), run.writers().sentAfter(targetNanos));
    matrix.add(
        String.format(
            "| ↳ restore to a time inside the outage, before the merge (%d of %d writes sent after"
                + " it present; Progressing was %s while the store was down) | %d acknowledged"
                + " before it | %d | — | — | — | — | — | pass |",
            presentFrom(restored, run.writers().sentAfter(targetNanos)),
            run.writers().sentAfter(targetNanos).size(),
            progressing,
            run.writers().ackedBefore(targetNanos).size(),
            lostFrom(restored, run.writers().ackedBefore(targetNanos))));
    writeMatrix();
  }

  private io.fabric8.kubernetes.api.model.apps.StatefulSet statefulSet(String name) {
    return cluster
        .client()
        .apps()
        .statefulSets()
        .inNamespace(cluster.namespace())
        .withName(name)
        .get();
  }

  /** The reason of the database's condition {@code type}, or "" without one. */
  private String conditionReason(String type) {
    return DatabaseStatus.asList(db.status().get("conditions")).stream()
        .map(DatabaseStatus::asMap)
        .filter(c -> type.equals(c.get("type")))
        .map(c -> String.valueOf(c.get("reason")))
        .findFirst()
        .orElse("");
  }

  /**
   * {@code kubectl sdb restore faults NEW <how> <what> --wait}; the keys of {@code run}'s range the
   * restored database holds, read through its router; then the restored database is deleted.
   */
  private Set<Long> restoredKeys(Run run, String name, String how, String what) throws Exception {
    CliRun restore = CliRun.cli(withKubeconfig("restore", DB, name, how, what, "--wait"));
    assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
    assertThat(restore.out()).contains("restored and verified");
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), Objects::nonNull);
    RouterClient router = info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
    long low = firstKey(run.index());
    long high = run.writers().lastKey() - 1;
    Set<Long> keys =
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(
                () ->
                    router.read(low, high).data().stream()
                        .map(row -> ((Number) row.get("Stud_id")).longValue())
                        .collect(Collectors.toSet()),
                Objects::nonNull);
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .delete();
    return keys;
  }

  private static void assertRestored(Set<Long> restored, Set<Long> mustHold, Set<Long> mustLack) {
    assertThat(mustHold).as("writes acknowledged before the target").isNotEmpty();
    assertThat(lostFrom(restored, mustHold))
        .as("writes acknowledged before the target missing from the restore")
        .isZero();
    assertThat(restored.stream().filter(mustLack::contains).sorted().toList())
        .as("writes sent after the target present in the restore")
        .isEmpty();
  }

  private static long presentFrom(Set<Long> restored, Set<Long> keys) {
    return keys.stream().filter(restored::contains).count();
  }

  private static long lostFrom(Set<Long> restored, Set<Long> mustHold) {
    return mustHold.stream().filter(k -> !restored.contains(k)).count();
  }

  /** Waits until every shard's archive reaches past {@code t} (a restore to t needs it). */
  private void awaitArchivedPast(Instant t) throws Exception {
    awaitArchivedPast(t, List.of(SHARD));
  }

  /** Waits until the archives of {@code shards} reach past {@code t}. */
  private void awaitArchivedPast(Instant t, List<String> shards) throws Exception {
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      BackupCatalog catalog = new BackupCatalog(store, DB);
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .until(
              () -> {
                var archives = catalog.archive(shards);
                return archives.keySet().containsAll(shards)
                    && archives.values().stream()
                        .allMatch(a -> a.archivedThroughMillis() > t.toEpochMilli());
              });
    }
  }

  /** A ShardedDatabaseBackup's status phase, or "" before it has one. */
  private String backupPhase(String name) {
    var r =
        cluster
            .client()
            .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabaseBackup")
            .inNamespace(cluster.namespace())
            .withName(name)
            .get();
    Object phase =
        r == null
            ? null
            : DatabaseStatus.asMap(r.getAdditionalProperties().get("status")).get("phase");
    return phase == null ? "" : phase.toString();
  }

  /** The phase of the database's last resharding move, or "" before there is one. */
  private String movePhase() {
    Map<String, Object> st = db.status();
    if (st == null || st.get("resharding") == null) {
      return "";
    }
    List<Object> moves =
        DatabaseStatus.asList(DatabaseStatus.asMap(st.get("resharding")).get("moves"));
    return moves.isEmpty()
        ? ""
        : String.valueOf(DatabaseStatus.asMap(moves.get(moves.size() - 1)).get("phase"));
  }

  private boolean moveDone() {
    boolean resharding =
        DatabaseStatus.asList(db.status().get("conditions")).stream()
            .map(DatabaseStatus::asMap)
            .anyMatch(c -> "Resharding".equals(c.get("type")) && "True".equals(c.get("status")));
    return "Done".equals(movePhase()) && !resharding && db.isReady();
  }

  private void patchShards(List<Map<String, Object>> shards) throws IOException {
    db.patchShards(shards);
  }

  private String[] withKubeconfig(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    return all.toArray(String[]::new);
  }

  /** Whether every pod of the shard carries its StatefulSet's update revision. */
  private boolean rolled() {
    var sts =
        cluster
            .client()
            .apps()
            .statefulSets()
            .inNamespace(cluster.namespace())
            .withName(DB + "-" + SHARD)
            .get();
    String revision = sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
    List<Pod> pods =
        cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith(DB + "-" + SHARD + "-"))
            .toList();
    return revision != null
        && pods.size() == 3
        && pods.stream()
            .allMatch(
                p ->
                    revision.equals(p.getMetadata().getLabels().get("controller-revision-hash"))
                        && p.getMetadata().getDeletionTimestamp() == null
                        && isReady(p));
  }

  private List<io.fabric8.kubernetes.api.model.Event> events(String reason) {
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

  /**
   * A primary cut off from its secondaries: it stands down after a lease period without a
   * majority's answer (check-quorum, DESIGN §5 rule 11), then as the hung primary. Kept at the 10 s
   * it had before (3 s of {@code ShardPlanner.ISOLATED_AFTER} + 7 s) for load; the measured outage
   * is what counts.
   */
  private static final Duration ISOLATED_BOUND = HUNG_BOUND.plusSeconds(3);

  private static long firstKey(int scenario) {
    return (scenario - 1) * (long) (WRITERS * PER_WRITER);
  }

  /** One scenario's workload and epoch watch. */
  private record Run(int index, ConcurrentWriters writers, EpochWatch epochs, long epochBefore) {}

  private Run begin(int index, Set<String> epochExempt) {
    await().atMost(LONG).ignoreExceptions().until(this::converged);
    ConcurrentWriters writers =
        // Keys in [0, 72000) of the one shard's [0, 131072): 8,000 per scenario, apart. Paced so
        // that the keys last through the fault and the heal even on a quiet machine (2,000 writes
        // of at least WRITE_PACE each: over 40 s): a writer that has used up its keys acknowledges
        // nothing more, which read as "writes did not resume" and, for the writers of the router
        // that was not cut off, as an outage (fresh-clone CI, 2026-11-25).
        new ConcurrentWriters(routers, WRITERS, firstKey(index), PER_WRITER, Duration.ofMinutes(6))
            .paced(WRITE_PACE);
    EpochWatch epochs = new EpochWatch(epochExempt);
    epochs.start();
    long before = db.epoch(SHARD);
    writers.start();
    await().atMost(Duration.ofMinutes(2)).until(() -> writers.ackCount() >= 40);
    return new Run(index, writers, epochs, before);
  }

  private void finish(Run run, String fault, long faultAt, long healAt, Duration bound)
      throws Exception {
    finish(run, fault, faultAt, healAt, bound, "", Duration.ZERO);
  }

  /**
   * Checks one scenario and writes its row. {@code restart} is the part of the outage that is the
   * fault's own, from the fault until a killed process answers again or the stopped operator runs
   * again ({@code what}; zero when nothing was restarted): the row shows it apart from the system's
   * part, the rest, which is held to {@link #PROMISE} too.
   */
  private void finish(
      Run run,
      String fault,
      long faultAt,
      long healAt,
      Duration bound,
      String what,
      Duration restart)
      throws Exception {
    String pendingNote = boundNote;
    boolean measuredAgainstGoal = goalRow;
    boundNote = "";
    goalRow = false;
    boolean resumed = true;
    try {
      await().atMost(Duration.ofMinutes(3)).until(() -> run.writers().acksSince(healAt) >= 50);
    } catch (ConditionTimeoutException e) {
      resumed = false;
    }
    run.writers().stop();
    Duration outage = run.writers().longestOutageSince(faultAt);
    String note =
        measuredAgainstGoal
            ? String.format(pendingNote, outage.compareTo(GOAL) <= 0 ? "met" : "MISSED")
            : pendingNote;
    boolean converged = true;
    try {
      await().atMost(LONG).ignoreExceptions().until(this::converged);
    } catch (ConditionTimeoutException e) {
      converged = false;
    }
    double convergeSeconds = (System.nanoTime() - healAt) / 1e9;
    run.epochs().stop();

    Set<Long> acked = run.writers().acked();
    long low = firstKey(run.index());
    long high = run.writers().lastKey() - 1;
    Set<Long> lost = new HashSet<>();
    Set<Long> duplicated = new HashSet<>();
    for (RouterClient r : routers) {
      List<Long> keys =
          await()
              .atMost(Duration.ofMinutes(2))
              .ignoreExceptions()
              .until(
                  () ->
                      r.read(low, high).data().stream()
                          .map(row -> ((Number) row.get("Stud_id")).longValue())
                          .toList(),
                  Objects::nonNull);
      Set<Long> seen = new HashSet<>();
      keys.stream().filter(k -> !seen.add(k)).forEach(duplicated::add);
      acked.stream().filter(k -> !seen.contains(k)).forEach(lost::add);
    }
    long epochAfter = db.epoch(SHARD);
    // From the moment the restarted part is back: the longest time without an acknowledged write,
    // the first gap counted from that moment (as the outage is counted from the fault's).
    Duration systemPart = run.writers().longestOutageSince(faultAt + restart.toNanos());
    boolean pass =
        resumed
            && converged
            && lost.isEmpty()
            && duplicated.isEmpty()
            && outage.compareTo(bound) <= 0
            && systemPart.compareTo(PROMISE) <= 0
            && run.epochs().violations().isEmpty();
    matrix.add(
        String.format(
            "| %s | %d of %d | %d | %d | %s | %s | %s | %d → %d | %s |",
            fault,
            acked.size(),
            run.writers().attempts(),
            lost.size(),
            duplicated.size(),
            restart.isZero()
                ? seconds(outage)
                : seconds(outage)
                    + " ("
                    + what
                    + " "
                    + seconds(restart)
                    + " + system "
                    + seconds(systemPart)
                    + ")",
            restart.isZero()
                ? seconds(bound) + note
                : seconds(bound)
                    + " ("
                    + what
                    + " "
                    + seconds(restart)
                    + " + "
                    + seconds(bound.minus(restart))
                    + ")",
            converged ? String.format("%.1f s", convergeSeconds) : "not within 4 min",
            run.epochBefore(),
            epochAfter,
            pass ? "pass" : "FAIL"));
    writeMatrix();

    assertThat(lost).as("acknowledged keys not readable through both routers").isEmpty();
    assertThat(duplicated).as("keys stored more than once").isEmpty();
    assertThat(resumed).as("writes resumed after the fault was healed").isTrue();
    assertThat(outage).as("longest write outage").isLessThanOrEqualTo(bound);
    assertThat(systemPart)
        .as("the system's part of the longest outage (the issue's 10 s)")
        .isLessThanOrEqualTo(PROMISE);
    assertThat(converged).as("every replica converged to one /checksum").isTrue();
    assertThat(run.epochs().violations()).as("epochs only grow").isEmpty();
    assertThat(epochAfter).isGreaterThanOrEqualTo(run.epochBefore());
  }

  /** All replicas of the shard ready in the status and equal by {@code /checksum}. */
  private boolean converged() throws Exception {
    List<Map<String, Object>> replicas = db.replicas(SHARD);
    if (replicas.size() != 3
        || !replicas.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ready")))) {
      return false;
    }
    Set<String> digests = new HashSet<>();
    for (Map<String, Object> r : replicas) {
      ChecksumResponse c = get((String) r.get("url") + "/checksum", ChecksumResponse.class);
      digests.add(c.rows() + "/" + c.digest());
    }
    return digests.size() == 1;
  }

  private HttpClient directTls;

  /**
   * The test's client for replicas once the database's CA exists: from the "node" address (which no
   * partition cuts), with the operator's role (mTLS; /checksum is a control endpoint, /heartbeat
   * takes any role).
   */
  private HttpClient directTls() throws IOException {
    if (directTls == null) {
      directTls =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .localAddress(InetAddress.getByName(cluster.addressBlock().nodeAddress()))
              .sslContext(ShardTls.context(cluster, DB, TlsRole.OPERATOR))
              .build();
    }
    return directTls;
  }

  private <T> T get(String url, Class<T> type) throws Exception {
    HttpResponse<String> r =
        directTls()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2))
                    // Shard-servers answer 401 without the database's shard credential.
                    .header("Authorization", "Bearer " + cluster.shardCredential(DB).orElseThrow())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode());
    }
    return JSON.readValue(r.body(), type);
  }

  /** Samples the status epoch and every replica's own epoch; records any decrease. */
  private final class EpochWatch {
    private final Set<String> exempt;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> last = new HashMap<>();
    private Thread thread;

    EpochWatch(Set<String> exempt) {
      this.exempt = exempt;
    }

    void start() {
      thread =
          new Thread(
              () -> {
                while (!stop.get()) {
                  sample();
                  await().pollDelay(Duration.ofMillis(250)).until(() -> true);
                }
              },
              "e2e-epoch-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void sample() {
      try {
        see("status", db.epoch(SHARD));
        for (Map<String, Object> r : db.replicas(SHARD)) {
          String pod = (String) r.get("pod");
          if (exempt.contains(pod) || r.get("url") == null) {
            continue;
          }
          try {
            see(pod, get((String) r.get("url") + "/heartbeat", Heartbeat.class).epoch());
          } catch (Exception e) {
            // paused, partitioned or restarting: no sample
          }
        }
      } catch (RuntimeException e) {
        // the API hiccuped: next sample
      }
    }

    private void see(String who, long epoch) {
      Long before = last.put(who, epoch);
      if (before != null && epoch < before) {
        violations.add(who + ": " + before + " -> " + epoch);
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(Duration.ofSeconds(30).toMillis());
    }

    List<String> violations() {
      return List.copyOf(violations);
    }
  }

  private String aSecondary() {
    String primary = db.primary(SHARD);
    return db.replicas(SHARD).stream()
        .map(r -> (String) r.get("pod"))
        .filter(p -> !p.equals(primary))
        .sorted()
        .findFirst()
        .orElseThrow();
  }

  private boolean isPausedAnnotated(String pod) {
    Pod p = cluster.client().pods().inNamespace(cluster.namespace()).withName(pod).get();
    return p != null
        && p.getMetadata().getAnnotations() != null
        && p.getMetadata().getAnnotations().containsKey(io.shardeddb.local.Faults.PAUSE_ANNOTATION);
  }

  /** Runs {@code kubectl-sdb ARGS --kubeconfig <local>} in-process, as a user would. */
  private String sdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    CliRun run = CliRun.cli(all.toArray(String[]::new));
    assertThat(run.code()).as("kubectl-sdb %s: %s", all, run.err()).isZero();
    return run.out();
  }

  private static void waitFor(Duration d) {
    if (!d.isZero()) {
      await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
    }
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private static long elapsedSeconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
  }

  private static boolean isReady(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void writeMatrix() throws IOException {
    Path out = Path.of("target", "fault-matrix.md");
    Files.createDirectories(out.getParent());
    Files.writeString(
        out,
        "# Fault matrix (FaultMatrixIT, local mode, default failover settings)\n\n"
            + matrix.stream().collect(Collectors.joining("\n"))
            + "\n");
  }
}
