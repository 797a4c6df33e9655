package io.shardeddb.router.mysql;

/** EOF_Packet: ends the column definitions and the rows of a result set. */
record EofPacket() {
  byte[] encode() {
    return new PacketWriter().int1(0xfe).int2(0).int2(Capabilities.STATUS_AUTOCOMMIT).toBytes();
  }
}
