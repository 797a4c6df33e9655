package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code shardeddb.storage.*}: where the rows live. Without {@code jdbc-url} an embedded MariaDB is
 * started in {@code data-dir}; {@code database} defaults to one derived from the server name, so
 * many replicas can share one MySQL server.
 */
@ConfigurationProperties("shardeddb.storage")
public record StorageSettings(
    @Nullable String jdbcUrl,
    @Nullable String jdbcUser,
    @Nullable String jdbcPassword,
    @Nullable String database,
    @Nullable String dataDir,
    @Bindable(defaultValue = "0") int embeddedPort,
    @Bindable(defaultValue = "16") int poolSize,
    @Nullable String jdbcCredentialsDir) {

  /**
   * The files of {@code jdbc-credentials-dir} (env {@code SHARDEDDB_JDBC_CREDENTIALS_DIR}, the
   * mounted MySQL Secret): the password to log in with, and the one before it during a rotation
   * (docs/security.md, "MySQL password rotation").
   */
  public static final String PASSWORD_FILE = "password";

  public static final String PREVIOUS_PASSWORD_FILE = "previous-password";

  @Creator
  public StorageSettings {}

  /** Settings without a credentials directory (the password, if any, is {@code jdbcPassword}). */
  public StorageSettings(
      String jdbcUrl,
      String jdbcUser,
      String jdbcPassword,
      String database,
      String dataDir,
      int embeddedPort,
      int poolSize) {
    this(jdbcUrl, jdbcUser, jdbcPassword, database, dataDir, embeddedPort, poolSize, null);
  }

  /** Whether an external server was configured (blank counts as unset, as env defaults are). */
  public boolean external() {
    return jdbcUrl != null && !jdbcUrl.isBlank();
  }
}
