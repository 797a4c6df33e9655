package io.shardeddb.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void aPortIsFreeOnLoopbackAndBelowTheEphemeralRange() throws Exception {
    int low = LoopbackPorts.ephemeralLow();
    for (int i = 0; i < 20; i++) {
      int port = LoopbackPorts.free();
      assertThat(port).isBetween(LoopbackPorts.LOWEST, low - 1);
      try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(server.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void theEphemeralRangeIsReadFromTheKernelAboveTheLowestPortChosen() {
    assertThat(LoopbackPorts.ephemeralLow()).isGreaterThan(LoopbackPorts.LOWEST);
  }
}
