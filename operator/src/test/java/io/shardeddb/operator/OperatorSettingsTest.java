package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void watchNamespacesComeFromACommaSeparatedListAndBlankMeansAll() {
    assertThat(OperatorConfig.parseWatchNamespaces(null)).isEmpty();
    assertThat(OperatorConfig.parseWatchNamespaces(" ")).isEmpty();
    assertThat(OperatorConfig.parseWatchNamespaces("team-a, team-b,,team-a"))
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(
            OperatorConfig.inProcess(Map.of("shardeddb.watch-namespaces", "x")).watchNamespaces())
        .containsExactly("x");
  }

  @Test
  void withNothingSetEverySettingTakesItsDocumentedDefault() {
    OperatorConfig config = OperatorConfig.from(k -> null, k -> null);
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseNamespace()).isNull();
    assertThat(config.managementPort()).isEqualTo(OperatorSettings.DEFAULT_MANAGEMENT_PORT);
    assertThat(config.watchNamespaces()).isEmpty();
    assertThat(config.operatorNamespace()).isNull();
    assertThat(config.settledResync()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.busyResync()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.failoverWatch()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.heartbeatThreads()).isEqualTo(8);
    assertThat(config.heartbeatPollPeriod()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theEnvironmentVariableIsThePropertyUpperCasedAndAPropertyWinsOverIt() {
    Map<String, String> env =
        Map.of(
            "SHARDEDDB_LEADER_ELECTION", "false",
            "SHARDEDDB_MANAGEMENT_PORT", "9000",
            "SHARDEDDB_SETTLED_RESYNC", "PT30S",
            "POD_NAMESPACE", "ops");
    Map<String, String> properties = Map.of("shardeddb.management-port", "9100");
    OperatorConfig config = OperatorConfig.from(properties::get, env::get);
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.managementPort()).isEqualTo(9100);
    assertThat(config.settledResync()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.operatorNamespace()).isEqualTo("ops");
    assertThat(config.leaseNamespace())
        .as("the Lease defaults to the own namespace")
        .isEqualTo("ops");
  }

  @Test
  void aMalformedDurationNamesItsVariable() {
    assertThatThrownBy(
            () -> OperatorConfig.from(k -> null, Map.of("SHARDEDDB_BUSY_RESYNC", "soon")::get))
        .hasMessageContaining("SHARDEDDB_BUSY_RESYNC")
        .hasMessageContaining("'soon'");
  }

  @Test
  void inProcessTheOperatorNeitherElectsALeaderNorOpensAPort() {
    OperatorConfig config = OperatorSettings.inProcess().config();
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.managementPort()).isZero();
  }
}
