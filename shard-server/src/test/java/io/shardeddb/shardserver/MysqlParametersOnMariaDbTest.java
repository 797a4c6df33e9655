package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.mysql.parameters reach a running MariaDB (local mode's shared server) as {@code SET GLOBAL},
 * and a name or value that is not a plain variable name or value never reaches it.
 */
class MysqlParametersOnMariaDbTest {

  private static String variable(EmbeddedMariaDb db, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
      return rs.next() ? rs.getString(2) : null;
    }
  }

  @Test
  void givenParametersWithSizesAndDecimals_whenSet_thenShowVariablesHasTheirValues()
      throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();

    db.setGlobalVariables(Map.of("max_allowed_packet", "32M", "long_query_time", "7.5"));

    assertThat(variable(db, "max_allowed_packet")).isEqualTo("33554432");
    assertThat(variable(db, "long_query_time")).isEqualTo("7.500000");
  }

  @Test
  void aNameOrValueThatCouldCarrySqlIsRefusedBeforeAnythingIsSent() throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    String before = variable(db, "lock_wait_timeout");

    assertThatThrownBy(
            () -> db.setGlobalVariables(Map.of("lock_wait_timeout", "5; SET GLOBAL x=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lock_wait_timeout");
    assertThatThrownBy(() -> db.setGlobalVariables(Map.of("lock_wait_timeout=5,x", "5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(variable(db, "lock_wait_timeout")).isEqualTo(before);
  }
}
