package io.shardeddb.router.mysql;

/**
 * OK_Packet: a command succeeded, having changed {@code affectedRows} rows ({@code last_insert_id}
 * is always 0: there is no AUTO_INCREMENT), with {@code info} for humans (may be empty).
 */
record OkPacket(long affectedRows, int warnings, String info) {
  byte[] encode() {
    PacketWriter w =
        new PacketWriter()
            .int1(0)
            .lenenc(affectedRows)
            .lenenc(0)
            .int2(Capabilities.STATUS_AUTOCOMMIT)
            .int2(warnings);
    if (!info.isEmpty()) {
      w.rest(info);
    }
    return w.toBytes();
  }
}
