package io.shardeddb.shardserver.storage;

import io.micronaut.context.annotation.Context;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.config.StorageSettings;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;

/**
 * The MySQL-protocol server this replica stores its rows in: the configured {@code jdbc-url}, or an
 * embedded MariaDB started in the data directory (and stopped with the application).
 */
@Context
public class DatabaseServer implements AutoCloseable {
  private final EmbeddedMariaDb embedded;
  private final String url;
  private final String user;
  private final Path credentialsDir;
  private volatile String password;

  public DatabaseServer(StorageSettings storage, ServerSettings server) {
    if (storage.external()) {
      embedded = null;
      url = DatabaseNames.withoutTlsOnLoopback(storage.jdbcUrl());
      user = blank(storage.jdbcUser()) ? "root" : storage.jdbcUser();
      credentialsDir =
          blank(storage.jdbcCredentialsDir()) ? null : Path.of(storage.jdbcCredentialsDir().trim());
      password =
          credentialsDir != null
              ? MysqlPasswords.read(credentialsDir).current()
              : blank(storage.jdbcPassword()) ? "" : storage.jdbcPassword();
    } else {
      Path dir =
          blank(storage.dataDir())
              ? Path.of("data", DatabaseNames.sanitize(server.name()), "mariadb")
              : Path.of(storage.dataDir(), "mariadb");
      embedded = EmbeddedMariaDb.start(dir, storage.embeddedPort());
      credentialsDir = null;
      url = DatabaseNames.withoutTlsOnLoopback(embedded.jdbcUrl());
      user = embedded.user();
      password = embedded.password();
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The server URL as configured (it may or may not name a database). */
  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  /** The password this replica logs in with now (the file's once a rotation applied it). */
  public String password() {
    return password;
  }

  /** The mounted MySQL Secret's passwords, read now; null without a credentials directory. */
  public MysqlPasswords passwords() {
    return credentialsDir == null ? null : MysqlPasswords.read(credentialsDir);
  }

  /** MySQL now takes {@code password} for this replica's user. */
  void loggingInWith(String password) {
    this.password = password;
  }

  @PreDestroy
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
