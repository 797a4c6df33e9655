package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {
  @Test
  void eachPodGetsItsOwnStableLoopbackAddressInTheBlock() {
    LoopbackAddresses a = new LoopbackAddresses("127.16.7.");
    assertThat(a.addressOf("students-sh1-0")).isEqualTo("127.16.7.2");
    assertThat(a.addressOf("students-sh1-1")).isEqualTo("127.16.7.3");
    assertThat(a.addressOf("students-sh1-0")).isEqualTo("127.16.7.2");
    assertThat(a.podAt("127.16.7.3")).contains("students-sh1-1");
  }

  @Test
  void addressesStayInsideTheBlockAndSkipNetworkNodeAndBroadcast() {
    LoopbackAddresses a = new LoopbackAddresses("127.16.7.");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 253; i++) {
      String ip = a.addressOf("p" + i);
      assertThat(ip).startsWith("127.16.7.").isNotIn("127.16.7.0", "127.16.7.1", "127.16.7.255");
      assertThat(seen.add(ip)).isTrue();
    }
    assertThatThrownBy(() -> a.addressOf("one-too-many"))
        .hasMessageContaining("out of loopback addresses");
  }
}
