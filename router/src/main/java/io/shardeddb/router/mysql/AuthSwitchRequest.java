package io.shardeddb.router.mysql;

/** Asks the client to authenticate again with {@code plugin} over {@code salt}. */
record AuthSwitchRequest(String plugin, byte[] salt) {
  byte[] encode() {
    return new PacketWriter().int1(0xfe).nul(plugin).bytes(salt).int1(0).toBytes();
  }
}
