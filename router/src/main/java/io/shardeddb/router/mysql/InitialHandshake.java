package io.shardeddb.router.mysql;

/**
 * The server's first packet, Protocol::HandshakeV10: version, connection id, the 20-byte {@code
 * salt} the client scrambles its password with, the capabilities, and the default auth plugin.
 */
record InitialHandshake(
    String serverVersion, long connectionId, byte[] salt, int capabilities, String authPlugin) {

  /** utf8mb4_general_ci: a collation every client of MySQL 5.5 on and MariaDB knows. */
  static final int CHARSET = 45;

  InitialHandshake {
    if (salt.length != 20) {
      throw new IllegalArgumentException("the salt is 20 bytes");
    }
  }

  byte[] encode() {
    byte[] part1 = java.util.Arrays.copyOfRange(salt, 0, 8);
    byte[] part2 = java.util.Arrays.copyOfRange(salt, 8, 20);
    return new PacketWriter()
        .int1(10)
        .nul(serverVersion)
        .int4(connectionId)
        .bytes(part1)
        .int1(0)
        .int2(capabilities)
        .int1(CHARSET)
        .int2(Capabilities.STATUS_AUTOCOMMIT)
        .int2(capabilities >>> 16)
        .int1(salt.length + 1)
        .zeros(10)
        .bytes(part2)
        .int1(0)
        .nul(authPlugin)
        .toBytes();
  }
}
