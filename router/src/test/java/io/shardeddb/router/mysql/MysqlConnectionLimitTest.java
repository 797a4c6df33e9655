package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MySQL listener holds at most {@code shardeddb.router.mysql.max-connections} clients: one more
 * is answered 1040 and closed, and a closed connection frees its place.
 */
@Timeout(120)
class MysqlConnectionLimitTest {
  @Test
  void oneConnectionOverTheLimitIsError1040UntilAPlaceFrees() throws Exception {
    try (MysqlRouterFixture f =
        MysqlRouterFixture.start(Map.of("shardeddb.router.mysql.max-connections", 1))) {
      DriverManager.setLoginTimeout(10);
      String url = f.jdbcUrl("sslMode=DISABLED");
      try (Connection first =
          DriverManager.getConnection(url, "sdb", MysqlRouterFixture.DATA_TOKEN)) {
        assertThat(first.isValid(5)).isTrue();
        assertThatThrownBy(
                () ->
                    DriverManager.getConnection(url, "sdb", MysqlRouterFixture.DATA_TOKEN).close())
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1040));
      }
      Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                try (Connection again =
                    DriverManager.getConnection(url, "sdb", MysqlRouterFixture.DATA_TOKEN)) {
                  assertThat(again.isValid(5)).isTrue();
                }
              });
    }
  }
}
