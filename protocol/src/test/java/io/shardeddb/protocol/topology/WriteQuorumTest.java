package io.shardeddb.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriteQuorumTest {
  @Test
  void majorityIsMoreThanHalf() {
    assertThat(WriteQuorum.Majority.required(1)).isEqualTo(1);
    assertThat(WriteQuorum.Majority.required(2)).isEqualTo(2);
    assertThat(WriteQuorum.Majority.required(3)).isEqualTo(2);
    assertThat(WriteQuorum.Majority.required(4)).isEqualTo(3);
    assertThat(WriteQuorum.Majority.required(5)).isEqualTo(3);
  }

  @Test
  void allAndOne() {
    assertThat(WriteQuorum.All.required(3)).isEqualTo(3);
    assertThat(WriteQuorum.One.required(3)).isEqualTo(1);
  }

  @Test
  void cabinetCountsAMajorityItsBestWeightedOne() {
    for (int n = 1; n <= 9; n++) {
      assertThat(WriteQuorum.Cabinet.required(n)).isEqualTo(WriteQuorum.Majority.required(n));
    }
  }
}
