package io.shardeddb.shardserver.storage;

import com.mysql.cj.jdbc.JdbcConnection;
import io.shardeddb.shardserver.config.StorageSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The MySQL password a shard-server logs in with, and how it changes it (docs/security.md, "MySQL
 * password rotation"). From a mounted Secret directory the password is the file {@code password}
 * exactly as stored; during a rotation the file {@code previous-password} holds the one before, so
 * a replica that starts after the edit but before its MySQL learnt the new password can still log
 * in and change it. The MySQL image reads the same file at initialisation ({@code
 * MYSQL_PASSWORD_FILE}: no password in its environment), but as a shell's {@code $(< file)}, which
 * drops trailing newlines; a password ending in one is therefore also tried without them, and
 * changed to the exact bytes once it logs in ({@link #fallbacks}).
 *
 * <p>A user changes its own password without any privilege: MariaDB with {@code SET PASSWORD =
 * PASSWORD(?)}, MySQL 8 with {@code ALTER USER USER() IDENTIFIED BY ?} (prepared on the client: the
 * driver binds the value as a literal escaped for the session; the server prepares neither).
 */
public record MysqlPasswords(String current, String previous) {

  /** MySQL's "access denied" (ER_ACCESS_DENIED_ERROR), as the driver reports a refused login. */
  static final int ACCESS_DENIED = 1045;

  /** The passwords in {@code dir}; {@code previous} null when there is no such file. */
  public static MysqlPasswords read(Path dir) {
    return new MysqlPasswords(
        file(dir.resolve(StorageSettings.PASSWORD_FILE), true),
        file(dir.resolve(StorageSettings.PREVIOUS_PASSWORD_FILE), false));
  }

  /**
   * The passwords MySQL may still hold when it refuses {@link #current}, in the order to try them:
   * {@code previous-password} (a rotation), then the current one without its trailing line breaks
   * (what the image's {@code MYSQL_PASSWORD_FILE} set at initialisation: a shell's {@code $(<
   * file)} drops trailing newlines); each differs from {@code current}, none repeated.
   */
  public java.util.List<String> fallbacks() {
    java.util.LinkedHashSet<String> tries = new java.util.LinkedHashSet<>();
    if (previous != null) {
      tries.add(previous);
    }
    if (current != null) {
      tries.add(current.replaceAll("\\n+\\z", ""));
    }
    tries.remove(current);
    return java.util.List.copyOf(tries);
  }

  /** Whether {@code e} is MySQL refusing the user name and password. */
  static boolean refusedLogin(SQLException e) {
    return e.getErrorCode() == ACCESS_DENIED || "28000".equals(e.getSQLState());
  }

  /** Sets the password of the user {@code c} is logged in as to {@code password}. */
  static void change(Connection c, String password) throws SQLException {
    boolean mariaDb;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT VERSION()")) {
      mariaDb = r.next() && r.getString(1).toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }
    String sql = mariaDb ? "SET PASSWORD = PASSWORD(?)" : "ALTER USER USER() IDENTIFIED BY ?";
    // Prepared on the client whatever jdbc-properties say (useServerPrepStmts): the server does not
    // prepare these statements; the driver escapes the value for the session's SQL mode.
    try (PreparedStatement p = c.unwrap(JdbcConnection.class).clientPrepareStatement(sql)) {
      p.setString(1, password);
      p.execute();
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static String file(Path path, boolean required) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (required) {
        throw new IllegalStateException(
            "the MySQL credentials directory has no file '"
                + path.getFileName()
                + "' ("
                + path
                + ")");
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
