package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.shardeddb.operator.OperatorConfig;
import io.shardeddb.operator.model.Setting.Process;
import io.shardeddb.operator.model.Setting.Target;
import io.shardeddb.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Traces (docs/monitoring.md, "Traces") are an operator setting, not a field of the resource: the
 * chart's {@code traces.otlpEndpoint} reaches the operator as {@code
 * SHARDEDDB_TRACES_OTLP_ENDPOINT}, and every router and shard-server pod as {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}, with egress admitted to the collector's port; without it, nothing.
 */
class TracesSettingsTest {
  static final String COLLECTOR = "http://otel-collector.monitoring:4318";

  private static DatabaseModel db(String collector) {
    Map<String, String> environment =
        collector == null ? Map.of() : Map.of("SHARDEDDB_TRACES_OTLP_ENDPOINT", collector);
    OperatorConfig config = OperatorConfig.from(k -> null, environment::get);
    return DatabaseModel.of(
            Fixtures.load("students.yaml", "ns"), Images.DEFAULTS, List.of(), "shardeddb-system")
        .withNetwork(config.networkAccess());
  }

  private static String otlp(List<EnvVar> env) {
    return env.stream()
        .filter(e -> e.getName().equals("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  private static List<Integer> egressPorts(NetworkPolicy policy) {
    return policy.getSpec().getEgress().stream()
        .flatMap(r -> r.getPorts().stream())
        .map(p -> p.getPort() == null ? null : p.getPort().getIntVal())
        .filter(Objects::nonNull)
        .toList();
  }

  @Test
  void withACollectorEveryRouterAndShardServerPodExportsToItAndEgressAdmitsItsPort() {
    DatabaseModel db = db(COLLECTOR);
    DesiredShard shard = db.shards().get(0);
    assertThat(otlp(SettingsTable.env(Process.SHARD_SERVER, Target.shard(db, shard.id()))))
        .isEqualTo(COLLECTOR);
    assertThat(otlp(SettingsTable.env(Process.ROUTER, Target.router(db, true))))
        .isEqualTo(COLLECTOR);
    assertThat(egressPorts(NetworkPolicies.shard(db, shard))).contains(4318);
    assertThat(egressPorts(NetworkPolicies.router(db))).contains(4318);
  }

  @Test
  void withoutOneNoPodIsToldToExportAndNothingMoreIsAdmitted() {
    DatabaseModel db = db(null);
    DesiredShard shard = db.shards().get(0);
    assertThat(otlp(SettingsTable.env(Process.SHARD_SERVER, Target.shard(db, shard.id()))))
        .isNull();
    assertThat(otlp(SettingsTable.env(Process.ROUTER, Target.router(db, true)))).isNull();
    assertThat(egressPorts(NetworkPolicies.shard(db, shard))).doesNotContain(4318);
    assertThat(egressPorts(NetworkPolicies.router(db))).doesNotContain(4318);
  }
}
