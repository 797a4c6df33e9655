package io.shardeddb.shardserver.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The Connector/J properties a replica's pool is built with. */
class ConnectionPoolPropertiesTest {

  @Test
  void withoutExtraProperties_thePoolGetsTheTunedDefaults() {
    assertThat(ConnectionPool.connectorProperties(""))
        .isEqualTo(ConnectionPool.TUNED)
        .containsEntry("cachePrepStmts", "true")
        .containsEntry("prepStmtCacheSqlLimit", "2048")
        .containsEntry("readOnlyPropagatesToServer", "false")
        .containsEntry("allowMultiQueries", "true");
    assertThat(ConnectionPool.connectorProperties(null)).isEqualTo(ConnectionPool.TUNED);
  }

  @Test
  void extraProperties_overrideOrAddToTheDefaults() {
    assertThat(
            ConnectionPool.connectorProperties(
                " useServerPrepStmts=true; prepStmtCacheSize = 500 ,sslMode=DISABLED"))
        .containsEntry("useServerPrepStmts", "true")
        .containsEntry("prepStmtCacheSize", "500")
        .containsEntry("sslMode", "DISABLED")
        .containsEntry("cachePrepStmts", "true");
  }

  @Test
  void aPairWithoutKeyOrValueSeparator_isRefusedNamingTheSetting() {
    assertThatThrownBy(() -> ConnectionPool.connectorProperties("useServerPrepStmts"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shardeddb.storage.jdbc-properties")
        .hasMessageContaining("useServerPrepStmts");
  }

  @Test
  void noDefaultWeakensACommit() {
    // The durability of a commit is the server's (innodb_flush_log_at_trx_commit=1); these
    // driver switches would let the driver skip or fake one.
    assertThat(ConnectionPool.TUNED)
        .doesNotContainKeys("relaxAutoCommit", "autoReconnect", "autoReconnectForPools")
        .doesNotContainKeys("elideSetAutoCommits", "useLocalTransactionState")
        .doesNotContainKey("cacheResultSetMetadata");
  }
}
