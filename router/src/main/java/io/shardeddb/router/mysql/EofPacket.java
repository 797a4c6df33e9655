package io.shardeddb.router.mysql;

/**
 * EOF_Packet: ends the column definitions and the rows of a result set, with the session's {@code
 * status} flags.
 */
record EofPacket(int status) {
  /** With the status of a session in autocommit and outside a transaction. */
  EofPacket() {
    this(Capabilities.STATUS_AUTOCOMMIT);
  }

  byte[] encode() {
    return new PacketWriter().int1(0xfe).int2(0).int2(status).toBytes();
  }
}
