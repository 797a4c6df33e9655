package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.sql.SqlPlan;
import io.shardeddb.router.sql.StatementLimitException;
import io.shardeddb.router.sql.StatementLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MySQL port answers the statement limits with MySQL's codes for them (pure mapping). */
class StatementLimitRepliesTest {
  static final StatementLimits LIMITS = new StatementLimits(Duration.ofMillis(1500), 3, 10);

  @Test
  void aStatementPastItsDeadlineIsEr_query_timeout3024() {
    StatementLimitException e = LIMITS.pastDeadline(new SqlPlan.Insert(List.of()));
    MysqlReply.Error err = StatementReplies.limit(e, "sdb");
    assertThat(err.packet().encode()).isNotEmpty();
    assertThat(err.packet().code()).isEqualTo(3024);
    assertThat(err.packet().sqlState()).isEqualTo("HY000");
    assertThat(err.packet().message())
        .startsWith("Query execution was interrupted, maximum statement execution time exceeded")
        .contains("1500 ms")
        .contains("shardeddb.router.sql.statement-timeout");
  }

  @Test
  void oneScanTooManyIsEr_user_limit_reached1226NamingTheUserAndTheCap() {
    MysqlReply.Error err = StatementReplies.limit(LIMITS.tooManyScans("data token"), "sdb");
    assertThat(err.packet().code()).isEqualTo(1226);
    assertThat(err.packet().sqlState()).isEqualTo("42000");
    assertThat(err.packet().message())
        .startsWith(
            "User 'sdb' has exceeded the 'max_concurrent_scans' resource (current value: 3)")
        .contains("shardeddb.router.sql.max-concurrent-scans");
  }
}
