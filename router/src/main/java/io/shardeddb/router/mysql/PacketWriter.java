package io.shardeddb.router.mysql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds one packet's payload in the MySQL protocol's little-endian, length-encoded types. */
final class PacketWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  PacketWriter int1(int v) {
    out.write(v & 0xff);
    return this;
  }

  PacketWriter int2(int v) {
    return int1(v).int1(v >>> 8);
  }

  PacketWriter int3(int v) {
    return int2(v).int1(v >>> 16);
  }

  PacketWriter int4(long v) {
    return int2((int) v).int2((int) (v >>> 16));
  }

  PacketWriter int8(long v) {
    return int4(v).int4(v >>> 32);
  }

  /** A length-encoded integer. */
  PacketWriter lenenc(long v) {
    if (v >= 0 && v < 251) {
      return int1((int) v);
    } else if (v >= 0 && v < (1 << 16)) {
      return int1(0xfc).int2((int) v);
    } else if (v >= 0 && v < (1 << 24)) {
      return int1(0xfd).int3((int) v);
    }
    return int1(0xfe).int8(v);
  }

  /** A length-encoded string (UTF-8). */
  PacketWriter lenenc(String s) {
    return lenenc(s.getBytes(StandardCharsets.UTF_8));
  }

  PacketWriter lenenc(byte[] b) {
    return lenenc(b.length).bytes(b);
  }

  /** A NUL-terminated string (UTF-8). */
  PacketWriter nul(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8)).int1(0);
  }

  /** A string to the end of the packet (UTF-8). */
  PacketWriter rest(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  PacketWriter bytes(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  PacketWriter zeros(int n) {
    for (int i = 0; i < n; i++) {
      out.write(0);
    }
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
