package io.shardeddb.router.mysql;

import java.util.List;

/** ProtocolText::ResultsetRow: each value as text, NULL as 0xFB. */
record TextRow(List<String> values) {
  byte[] encode() {
    PacketWriter w = new PacketWriter();
    for (String v : values) {
      if (v == null) {
        w.int1(0xfb);
      } else {
        w.lenenc(v);
      }
    }
    return w.toBytes();
  }
}
