package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.api.MysqlParameters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The one table of MySQL parameters: the CRD's lists, the operator's check, the arguments. */
class MysqlParametersTest {

  @Test
  void everyRefusedNameInTheCrdRuleHasAReasonAndNoneIsAlsoAllowed() {
    assertThat(MysqlParameters.REFUSED)
        .containsKeys("innodb_flush_log_at_trx_commit", "sync_binlog", "autocommit", "sql_mode");
    for (String name : MysqlParameters.REFUSED.keySet()) {
      assertThat(MysqlParameters.REFUSED_RULE).contains("'" + name + "'");
    }
    assertThat(MysqlParameters.REFUSED_RULE.split("'").length / 2)
        .isEqualTo(MysqlParameters.REFUSED.size());
    assertThat(MysqlParameters.ALLOWED)
        .doesNotContainAnyElementsOf(MysqlParameters.REFUSED.keySet());
  }

  @Test
  void argumentsAreSortedOnePerParameterAndReadBackWithoutTheOperatorsOwn() {
    Map<String, String> parameters =
        new TreeMap<>(Map.of("wait_timeout", "60", "max_connections", "300"));

    List<String> args = MysqlParameters.serverArgs(parameters);

    assertThat(args).containsExactly("--max_connections=300", "--wait_timeout=60");
    assertThat(
            MysqlParameters.fromServerArgs(
                List.of(
                    "--bind-address=127.0.0.1",
                    "--skip-log-bin",
                    "--innodb-buffer-pool-size=256M",
                    "--max_connections=300",
                    "--wait_timeout=60",
                    "--init_file=/tmp/x")))
        .isEqualTo(parameters);
  }

  @Test
  void anInvalidParameterNeverBecomesAnArgument() {
    assertThatThrownBy(
            () -> MysqlParameters.serverArgs(Map.of("max_connections", "1 --init-file=x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.mysql.parameters.max_connections");
    assertThat(MysqlParameters.problems(Map.of("innodb_flush_log_at_trx_commit", "1")))
        .singleElement()
        .asString()
        .contains("cannot be set");
  }
}
