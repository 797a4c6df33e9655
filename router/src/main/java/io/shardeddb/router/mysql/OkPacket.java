package io.shardeddb.router.mysql;

/**
 * OK_Packet: a command succeeded, having changed {@code affectedRows} rows, the first id an INSERT
 * generated ({@code lastInsertId}, 0: none), with {@code info} for humans (may be empty) and the
 * session's {@code status} flags (autocommit, in a transaction).
 */
record OkPacket(long affectedRows, long lastInsertId, int warnings, String info, int status) {
  OkPacket(long affectedRows, int warnings, String info) {
    this(affectedRows, 0, warnings, info, Capabilities.STATUS_AUTOCOMMIT);
  }

  byte[] encode() {
    PacketWriter w =
        new PacketWriter()
            .int1(0)
            .lenenc(affectedRows)
            .lenenc(lastInsertId)
            .int2(status)
            .int2(warnings);
    if (!info.isEmpty()) {
      w.rest(info);
    }
    return w.toBytes();
  }
}
