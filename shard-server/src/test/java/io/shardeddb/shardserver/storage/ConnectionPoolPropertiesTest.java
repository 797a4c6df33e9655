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

  @Test
  void aJdbcUrlAskingForAffectedRows_isRefusedNamingTheSettingAndWhy() {
    // With useAffectedRows=true an UPDATE that sets a row to the values it has counts 0 rows: a
    // deduplicated retry of an update would be told the row is not there.
    assertThatThrownBy(
            () ->
                ConnectionPool.requireFoundRows(
                    "jdbc:mysql://db:3306/?useSSL=false&useAffectedRows=true",
                    ConnectionPool.connectorProperties("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHARDEDDB_JDBC_URL")
        .hasMessageContaining("useAffectedRows");
    assertThatThrownBy(
            () ->
                ConnectionPool.requireFoundRows(
                    "jdbc:mariadb://db/?USEAFFECTEDROWS=TRUE", ConnectionPool.TUNED))
        .hasMessageContaining("useAffectedRows");
  }

  @Test
  void jdbcPropertiesAskingForAffectedRows_areRefusedNamingTheSetting() {
    assertThatThrownBy(
            () ->
                ConnectionPool.requireFoundRows(
                    "jdbc:mysql://db:3306/",
                    ConnectionPool.connectorProperties("useAffectedRows=true")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shardeddb.storage.jdbc-properties")
        .hasMessageContaining("useAffectedRows");
  }

  @Test
  void urlsWithoutAffectedRows_orWithItOff_areAccepted() {
    ConnectionPool.requireFoundRows(
        "jdbc:mysql://db:3306/?useAffectedRows=false&x=useAffectedRows=true",
        ConnectionPool.connectorProperties("useAffectedRows=false"));
    ConnectionPool.requireFoundRows("jdbc:mysql://db:3306/", ConnectionPool.TUNED);
  }
}
