package io.shardeddb.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {
  @Test
  void eachPodGetsItsOwnStableLoopbackAddress() {
    LoopbackAddresses a = new LoopbackAddresses();
    assertThat(a.addressOf("students-sh1-0")).isEqualTo("127.0.0.2");
    assertThat(a.addressOf("students-sh1-1")).isEqualTo("127.0.0.3");
    assertThat(a.addressOf("students-sh1-0")).isEqualTo("127.0.0.2");
  }

  @Test
  void addressesSkipNetworkAndBroadcastOctets() {
    LoopbackAddresses a = new LoopbackAddresses();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      String ip = a.addressOf("p" + i);
      assertThat(ip).startsWith("127.").doesNotEndWith(".0").doesNotEndWith(".255");
      assertThat(seen.add(ip)).isTrue();
    }
  }
}
