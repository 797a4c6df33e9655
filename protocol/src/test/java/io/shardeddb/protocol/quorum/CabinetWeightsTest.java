package io.shardeddb.protocol.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shardeddb.protocol.shard.ReplicaWeight;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cabinet: weight = 1 / (latency + lag + 1); the best-weighted majority is still a majority. */
class CabinetWeightsTest {

  @Test
  void theWeightIsTheSeedsFormulaInMillisecondsAndLsns() {
    assertThat(CabinetWeights.weight(0.0, 0)).isEqualTo(1.0);
    assertThat(CabinetWeights.weight(1.5, 2)).isCloseTo(1 / 4.5, within(1e-12));
    assertThat(CabinetWeights.weight(99.0, 0)).isCloseTo(0.01, within(1e-12));
    // Nothing measured: no weight.
    assertThat(CabinetWeights.weight(null, 0)).isZero();
    assertThat(CabinetWeights.primary("p").weight()).isEqualTo(1.0);
  }

  @Test
  void aSlowReplicaLeavesTheBestWeightedMajority() {
    List<ReplicaWeight> weights =
        List.of(
            CabinetWeights.primary("p"),
            CabinetWeights.of("slow", 250.0, 0),
            CabinetWeights.of("fast", 2.0, 0));

    assertThat(CabinetWeights.bestWeightedMajority("p", weights, 3)).containsExactly("p", "fast");
  }

  @Test
  void aLaggingReplicaLeavesItToo() {
    List<ReplicaWeight> weights =
        List.of(
            CabinetWeights.primary("p"),
            CabinetWeights.of("a", 1.0, 500),
            CabinetWeights.of("b", 3.0, 0),
            CabinetWeights.of("c", 1.5, 1),
            CabinetWeights.of("d", null, 0));

    assertThat(CabinetWeights.bestWeightedMajority("p", weights, 5)).containsExactly("p", "c", "b");
  }

  @Test
  void theBestWeightedMajorityIsAlwaysAMajorityOfTheVoters() {
    for (int n = 1; n <= 7; n++) {
      List<ReplicaWeight> weights = new java.util.ArrayList<>();
      weights.add(CabinetWeights.primary("p"));
      for (int i = 1; i < n; i++) {
        weights.add(CabinetWeights.of("s" + i, (double) (i * 7 % 5), i % 3));
      }
      assertThat(CabinetWeights.bestWeightedMajority("p", weights, n))
          .hasSize(n / 2 + 1)
          .startsWith("p")
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void equalWeightsGoByName() {
    List<ReplicaWeight> weights =
        List.of(CabinetWeights.of("b", 1.0, 0), CabinetWeights.of("a", 1.0, 0));

    assertThat(CabinetWeights.bestWeightedMajority("p", weights, 3)).containsExactly("p", "a");
  }
}
