package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.router.admin.Layout;
import io.shardeddb.router.admin.LayoutPlanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The assignment's configurations as {@code /init} lays them out: servers holding sets of shards,
 * each shard on {@code replicas} distinct servers, and which pod stands for which server.
 */
class AssignmentLayoutTest {

  @Test
  void theSeedsThreeConfigurationsTakeTheSeedsServerCounts() {
    assertThat(AssignmentLayout.parse("4x3")).isEqualTo(new AssignmentLayout(4, 6, 3));
    assertThat(AssignmentLayout.parse("4x6")).isEqualTo(new AssignmentLayout(4, 6, 6));
    assertThat(AssignmentLayout.parse("6x8")).isEqualTo(new AssignmentLayout(6, 10, 8));
    assertThat(AssignmentLayout.parse(" 6x8@12 ")).isEqualTo(new AssignmentLayout(6, 12, 8));
    assertThat(AssignmentLayout.parse("2x3"))
        .as("not a seed configuration: one server per replica, each holding every shard")
        .isEqualTo(new AssignmentLayout(2, 3, 3));
  }

  @Test
  void ourPodCountIsShardsTimesReplicasWhateverTheServerCount() {
    assertThat(AssignmentLayout.parse("4x3").pods()).isEqualTo(12);
    assertThat(AssignmentLayout.parse("4x6").pods()).isEqualTo(24);
    assertThat(AssignmentLayout.parse("6x8").pods()).isEqualTo(48);
    assertThat(AssignmentLayout.parse("6x8@48").pods()).isEqualTo(48);
  }

  @Test
  void everyShardIsOnReplicasDistinctServersAndTheServersHoldSetsOfNearlyEqualSize() {
    for (String config : List.of("4x3", "4x6", "6x8", "5x2@7", "1x1", "3x3@9")) {
      AssignmentLayout l = AssignmentLayout.parse(config);
      Map<String, List<String>> map = l.serverMap();

      assertThat(map).as(config).hasSize(l.servers());
      for (int i = 0; i < l.shards(); i++) {
        String shard = AssignmentLayout.shardId(i);
        long holders = map.values().stream().filter(held -> held.contains(shard)).count();
        assertThat(holders).as(config + " " + shard).isEqualTo(l.replicas());
      }
      for (List<String> held : map.values()) {
        assertThat(held).as(config + ": no server holds a shard twice").doesNotHaveDuplicates();
        assertThat(held).as(config + ": every server holds a shard").isNotEmpty();
      }
      int min = map.values().stream().mapToInt(List::size).min().orElseThrow();
      int max = map.values().stream().mapToInt(List::size).max().orElseThrow();
      assertThat(max - min).as(config).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void theSeedsLayoutsHoldTwoFourAndFourOrFiveShardsPerServer() {
    assertThat(AssignmentLayout.parse("4x3").serverMap())
        .containsEntry("Server0", List.of("sh1", "sh3"))
        .containsEntry("Server3", List.of("sh2", "sh4"))
        .allSatisfy((server, held) -> assertThat(held).hasSize(2));
    assertThat(AssignmentLayout.parse("4x6").serverMap())
        .allSatisfy((server, held) -> assertThat(held).containsExactly("sh1", "sh2", "sh3", "sh4"));
    assertThat(AssignmentLayout.parse("6x8").serverMap())
        .containsEntry("Server0", List.of("sh1", "sh2", "sh3", "sh4", "sh6"))
        .allSatisfy((server, held) -> assertThat(held.size()).isBetween(4, 5));
  }

  @Test
  void theServersPodsCoverEveryPodOfTheConfigurationExactlyOnce() {
    for (String config : List.of("4x3", "4x6", "6x8", "5x2@7")) {
      AssignmentLayout l = AssignmentLayout.parse(config);
      List<String> all = new ArrayList<>();
      for (String server : l.serverMap().keySet()) {
        Map<String, String> pods = l.podsOf("db", server);
        assertThat(pods.keySet()).containsExactlyElementsOf(l.serverMap().get(server));
        all.addAll(pods.values());
      }
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < l.shards(); i++) {
        for (int k = 0; k < l.replicas(); k++) {
          expected.add("db-" + AssignmentLayout.shardId(i) + "-" + k);
        }
      }
      assertThat(all).as(config).doesNotHaveDuplicates();
      assertThat(new HashSet<>(all)).as(config).isEqualTo(expected);
    }
  }

  @Test
  void theKthServerListingAShardStandsForItsPodOfOrdinalK() {
    AssignmentLayout l = AssignmentLayout.parse("4x3");
    // sh1 is on Server0, Server1, Server2; sh3 on the same three.
    assertThat(l.podsOf("analysis-4x3", "Server0"))
        .containsExactly(
            Map.entry("sh1", "analysis-4x3-sh1-0"), Map.entry("sh3", "analysis-4x3-sh3-0"));
    assertThat(l.podsOf("analysis-4x3", "Server2"))
        .containsExactly(
            Map.entry("sh1", "analysis-4x3-sh1-2"), Map.entry("sh3", "analysis-4x3-sh3-2"));
    assertThat(l.podsOf("analysis-4x3", "Server9")).isEmpty();
  }

  @Test
  void theRoutersOwnInitPlannerGivesEachShardTheConfiguredReplicas() {
    for (String config : List.of("4x3", "4x6", "6x8")) {
      AssignmentLayout l = AssignmentLayout.parse(config);
      DatabaseYaml yaml = new DatabaseYaml("analysis-" + config, l.shards(), l.replicas(), 1_800);
      DatabaseConfig body = l.initBody(yaml.ranges());

      Layout planned = LayoutPlanner.init(body, Rows.TABLE);

      assertThat(body.n()).isEqualTo(l.servers());
      assertThat(body.schema().columns()).containsExactly(Rows.KEY, Rows.NAME, Rows.MARKS);
      assertThat(planned.shards()).extracting(ShardDoc::id).hasSize(l.shards());
      for (ShardDoc s : planned.shards()) {
        assertThat(planned.replicasOf(s.id())).as(config + " " + s.id()).isEqualTo(l.replicas());
      }
      assertThat(body.shards().get(0).low()).isZero();
      ShardDoc last = body.shards().get(body.shards().size() - 1);
      assertThat(last.low() + last.size()).isGreaterThanOrEqualTo(1_800);
    }
  }

  @Test
  void impossibleConfigurationsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> AssignmentLayout.parse("4x7@6"))
        .hasMessageContaining("7 replicas need 7 servers");
    assertThatThrownBy(() -> AssignmentLayout.parse("1x2@5"))
        .hasMessageContaining("5 servers cannot each hold a shard");
    assertThatThrownBy(() -> AssignmentLayout.parse("4by3"))
        .hasMessageContaining("SHARDSxREPLICAS");
    assertThatThrownBy(() -> AssignmentLayout.parse("0x3")).hasMessageContaining("at least 1");
  }

  @Test
  void theSeedsFiguresBelongOnlyToItsExactConfigurations() {
    assertThat(SeedFigures.of(AssignmentLayout.parse("4x3")))
        .hasValueSatisfying(r -> assertThat(r.writeSeconds()).isEqualTo(896.493));
    assertThat(SeedFigures.of(AssignmentLayout.parse("6x8")))
        .hasValueSatisfying(r -> assertThat(r.readSeconds()).isEqualTo(454.847));
    assertThat(SeedFigures.of(AssignmentLayout.parse("4x3@12"))).isEmpty();
    assertThat(SeedFigures.of(AssignmentLayout.parse("2x3"))).isEmpty();
  }
}
