package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
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
    @Bindable(defaultValue = "16") int poolSize) {

  /** Whether an external server was configured (blank counts as unset, as env defaults are). */
  public boolean external() {
    return jdbcUrl != null && !jdbcUrl.isBlank();
  }
}
