package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The firewall on this machine's real loopback: drops what it is told, and only while told. */
class LoopbackFirewallIT {
  @Test
  void aPartitionDropsConnectionsBetweenTheTwoAddressesUntilHealed() throws Exception {
    try (AddressBlock block = AddressBlock.reserve();
        LoopbackFirewall firewall = new LoopbackFirewall(block.slot());
        ServerSocket server = new ServerSocket()) {
      String a = block.prefix() + "2";
      String b = block.prefix() + "3";
      String c = block.prefix() + "4";
      server.bind(new InetSocketAddress(a, 0));
      assertThat(connects(b, a, server.getLocalPort())).isTrue();

      firewall.apply(Faults.drops(Map.of("pa", "pb"), Map.of("pa", a, "pb", b, "pc", c)));
      assertThatThrownBy(() -> connect(b, a, server.getLocalPort()))
          .as("DROP: the connection hangs, it is not refused")
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(connects(c, a, server.getLocalPort())).as("other addresses unaffected").isTrue();

      firewall.apply(Faults.drops(Map.of(), Map.of("pa", a, "pb", b)));
      assertThat(connects(b, a, server.getLocalPort())).isTrue();
    }
  }

  @Test
  void rulesLeftByADeadClusterAreRemovedByTheNextOne() throws Exception {
    int slot;
    String a;
    String b;
    try (AddressBlock dead = AddressBlock.reserve()) {
      slot = dead.slot();
      a = dead.prefix() + "2";
      b = dead.prefix() + "3";
      // "crash": the rules stay, the lock goes with the block
      new LoopbackFirewall(slot).apply(Faults.drops(Map.of("pa", "pb"), Map.of("pa", a, "pb", b)));
    }
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(a, 0));
      assertThat(connects(b, a, server.getLocalPort())).isFalse();
      try (AddressBlock next = AddressBlock.reserve()) {
        new LoopbackFirewall(next.slot()).removeStaleRules();
      }
      assertThat(connects(b, a, server.getLocalPort())).isTrue();
    }
  }

  private static boolean connects(String from, String to, int port) {
    try {
      connect(from, to, port);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void connect(String from, String to, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress(to, port), 1500);
    }
  }
}
