package io.shardeddb.router.mysql;

/** ERR_Packet: MySQL's error {@code code}, its five-character SQLSTATE and a message. */
record ErrPacket(int code, String sqlState, String message) {
  ErrPacket {
    if (sqlState.length() != 5) {
      throw new IllegalArgumentException("an SQLSTATE has five characters: " + sqlState);
    }
  }

  byte[] encode() {
    return new PacketWriter()
        .int1(0xff)
        .int2(code)
        .rest("#")
        .rest(sqlState)
        .rest(message)
        .toBytes();
  }
}
