package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.config.StorageSettings;
import io.shardeddb.shardserver.storage.ConnectionPool;
import io.shardeddb.shardserver.storage.DatabaseServer;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import io.shardeddb.shardserver.storage.MysqlPasswordRotation;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MySQL password rotation (issue 26 item 6) on a real MariaDB: the shard-server logs in with the
 * mounted Secret's {@code password} file; an edited file is applied to its MySQL user while it
 * runs, and a replica that starts after the edit logs in with {@code previous-password} and changes
 * its password. Before, the password came from the environment once and nothing ran {@code ALTER
 * USER}/{@code SET PASSWORD}: an edited Secret changed no password, and a pod started after the
 * edit was refused by its MySQL.
 */
class MysqlPasswordRotationTest {
  @TempDir Path secret;

  /**
   * A MariaDB of its own that checks passwords: the embedded server starts without grant tables
   * (the tests' shared one stays so); {@code FLUSH PRIVILEGES} loads them, and the session that ran
   * it keeps the rights to create the user.
   */
  private static EmbeddedMariaDb db;

  private static Connection admin;

  private final String user = "rot_" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startMariaDb(@TempDir Path dir) throws Exception {
    db = EmbeddedMariaDb.start(dir.resolve("mariadb"), 0);
    admin = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    admin("FLUSH PRIVILEGES");
  }

  @AfterAll
  static void stopMariaDb() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void createUser() throws Exception {
    admin("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'first-pw'");
    admin("GRANT ALL ON *.* TO '" + user + "'@'%'");
  }

  @AfterEach
  void dropUser() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    admin("DROP USER IF EXISTS '" + user + "'@'%'");
  }

  @Test
  @DisplayName("an edited password file is applied to the MySQL user while the replica runs")
  void anEditedPasswordIsAppliedWhileRunning() throws Exception {
    Files.writeString(secret.resolve("password"), "first-pw");
    Started s = start();
    assertThat(s.rotation.check()).as("nothing changed yet").isFalse();

    // Quotes, a backslash and a newline: the value is bound, not spliced into the statement.
    String next = "n'e\\w \"pw\"\n";
    Files.writeString(secret.resolve("password"), next);
    assertThat(s.rotation.check()).isTrue();

    assertThat(logsIn(next)).as("the new password").isTrue();
    assertThat(logsIn("first-pw")).as("the old password").isFalse();
    assertThat(s.server.password()).isEqualTo(next);
    // The pool goes on serving, its new connections logging in with the new password.
    s.pool.dataSource().getHikariPoolMXBean().softEvictConnections();
    try (Connection c = s.pool.dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT CURRENT_USER()")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).startsWith(user + "@");
    }
    assertThat(s.rotation.check()).as("applied once").isFalse();
  }

  @Test
  @DisplayName("a replica started after the edit logs in with previous-password and changes it")
  void aReplicaStartedAfterTheEditUsesThePreviousPassword() throws Exception {
    Files.writeString(secret.resolve("password"), "second-pw");
    Files.writeString(secret.resolve("previous-password"), "first-pw");
    Started s = start();
    assertThat(logsIn("second-pw")).isTrue();
    assertThat(logsIn("first-pw")).isFalse();
    assertThat(s.server.password()).isEqualTo("second-pw");
    assertThat(s.rotation.check()).isFalse();
  }

  @Test
  @DisplayName(
      "a password file ending in a line break, which the image's MYSQL_PASSWORD_FILE read"
          + " without it, logs in and is changed to the exact bytes")
  void aPasswordTheImageReadWithoutItsTrailingNewlineIsChangedToTheExactBytes() throws Exception {
    admin("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'file-pw'");
    Files.writeString(secret.resolve("password"), "file-pw\n");
    Started s = start();

    assertThat(logsIn("file-pw\n")).as("the file's exact bytes").isTrue();
    assertThat(logsIn("file-pw")).isFalse();
    assertThat(s.server.password()).isEqualTo("file-pw\n");
  }

  @Test
  @DisplayName("without previous-password a refused password fails the start, naming the cause")
  void withoutThePreviousPasswordTheStartFailsClearly() throws Exception {
    Files.writeString(secret.resolve("password"), "second-pw");
    assertThatThrownBy(this::start)
        .hasMessageContaining("cannot create database")
        .hasMessageContaining("Access denied");
    assertThat(logsIn("first-pw")).as("nothing changed").isTrue();
  }

  private record Started(
      DatabaseServer server, ConnectionPool pool, MysqlPasswordRotation rotation) {}

  private Started start() {
    StorageSettings storage =
        new StorageSettings(
            db.jdbcUrl(), user, null, null, null, 0, 2, secret.toAbsolutePath().toString());
    ServerSettings name = new ServerSettings("rot-" + UUID.randomUUID().toString().substring(0, 8));
    DatabaseServer server = new DatabaseServer(storage, name);
    open.add(server);
    ConnectionPool pool = new ConnectionPool(server, storage, name, "");
    open.add(pool);
    MysqlPasswordRotation rotation = new MysqlPasswordRotation(server, pool, Duration.ofHours(1));
    open.add(rotation);
    return new Started(server, pool, rotation);
  }

  private boolean logsIn(String password) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), user, password)) {
      return c.isValid(5);
    } catch (SQLException e) {
      assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1045);
      return false;
    }
  }

  private static void admin(String sql) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute(sql);
    }
  }
}
