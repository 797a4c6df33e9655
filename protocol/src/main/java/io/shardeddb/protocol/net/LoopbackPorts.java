package io.shardeddb.protocol.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for a server that will bind later (an embedded MariaDB, a test's late server).
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the kernel's ephemeral range. While nothing
 * listens on it, any process's outgoing connection can be given it as its source port — among them
 * the connection attempts of a client already pointed at it, which then connect to themselves (a
 * TCP self-connect) and hold the port, so the server binding it later fails with "Address already
 * in use" (seen: a router test's mock API server, fresh CI 2026-11-28). A port below that range is
 * never handed out as a source port, so neither can happen.
 */
public final class LoopbackPorts {

  /** Where Linux's ephemeral range starts when {@link #RANGE_FILE} cannot be read. */
  static final int DEFAULT_EPHEMERAL_LOW = 32768;

  /** The lowest port chosen (above the well-known and most registered services' ports). */
  static final int LOWEST = 10000;

  private static final Path RANGE_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private LoopbackPorts() {}

  /**
   * A loopback port free now and below the ephemeral range. Another process may still bind it
   * before the caller does; nothing hands it out as a source port.
   */
  public static int free() throws IOException {
    int ephemeralLow = ephemeralLow();
    int span = Math.max(1, ephemeralLow - LOWEST);
    for (int i = 0; i < 200; i++) {
      int candidate = LOWEST + ThreadLocalRandom.current().nextInt(span);
      try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // bound by something else: try another
      }
    }
    throw new IOException("no free loopback port in [" + LOWEST + ", " + ephemeralLow + ")");
  }

  /** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
  static int ephemeralLow() {
    try {
      String[] range = Files.readString(RANGE_FILE).trim().split("\\s+");
      int low = Integer.parseInt(range[0]);
      return low > LOWEST ? low : DEFAULT_EPHEMERAL_LOW;
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_LOW;
    }
  }
}
