package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.cli.testing.CliRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code kubectl-sdb quorum DB}: Cabinet's weights and choice, from the router's status. */
class QuorumCommandTest {

  @Test
  @SuppressWarnings("unchecked")
  void theStructuredOutputKeepsOnlyWhatCabinetsChoiceIsMadeOf() throws Exception {
    Map<String, Object> status =
        new ObjectMapper()
            .readValue(
                """
                {"success": true, "ranking": "...", "shards": [
                  {"shard": "sh1", "epoch": 2, "primary": "s1-0", "is_original": true,
                   "best_weighted_majority": ["s1-0", "s1-2"],
                   "replicas": [
                     {"name": "s1-0", "role": "Primary", "reachable": true, "rank": 1,
                      "ack_latency_ms": 0.0, "lag_behind_primary": 0, "weight": 1.0},
                     {"name": "s1-1", "reachable": false}]}]}
                """,
                Map.class);

    List<Map<String, Object>> shards = QuorumCommand.shards(status);

    assertThat(shards).hasSize(1);
    assertThat(shards.get(0))
        .containsEntry("shard", "sh1")
        .containsEntry("primary", "s1-0")
        .containsEntry("best_weighted_majority", List.of("s1-0", "s1-2"))
        .doesNotContainKey("epoch");
    assertThat((List<Map<String, Object>>) shards.get(0).get("replicas"))
        .containsExactly(
            Map.of("name", "s1-0", "ack_latency_ms", 0.0, "lag_behind_primary", 0, "weight", 1.0),
            Map.of("name", "s1-1"));
    assertThat(QuorumCommand.shards(Map.of("success", false))).isEmpty();
  }

  @Test
  void itIsAVerbOfThePlugin() {
    CliRun help = cli("quorum", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("best-weighted majority").contains("DB");
  }
}
