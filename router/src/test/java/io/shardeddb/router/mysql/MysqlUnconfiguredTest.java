package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.router.TestRouter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Before the database is configured, a connector still connects (its connect-time queries need no
 * table) and a statement on the table is 1105 saying why; with the listener turned off there is no
 * port.
 */
@Timeout(120)
class MysqlUnconfiguredTest {
  @Test
  void aConnectorConnectsBeforeInitAndAStatementSaysTheDatabaseIsNotConfigured() throws Exception {
    try (TestRouter router = TestRouter.start("tok", Map.of())) {
      int port = router.server().getApplicationContext().getBean(MysqlServer.class).port();
      DriverManager.setLoginTimeout(10);
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:mysql://127.0.0.1:" + port + "/?sslMode=DISABLED&socketTimeout=30000",
                  "sdb",
                  "tok");
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("shardeddb");
        }
        assertThatThrownBy(() -> s.executeQuery("SHOW TABLES"))
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1046));
        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM students"))
            .isInstanceOfSatisfying(
                SQLException.class,
                e -> {
                  assertThat(e.getErrorCode()).isEqualTo(1105);
                  assertThat(e.getMessage()).contains("not configured");
                });
      }
    }
  }

  @Test
  void theListenerCanBeTurnedOff() {
    try (TestRouter router =
        TestRouter.start("tok", Map.of("shardeddb.router.mysql.enabled", false))) {
      assertThat(router.server().getApplicationContext().getBean(MysqlServer.class).port())
          .isEqualTo(-1);
    }
  }
}
