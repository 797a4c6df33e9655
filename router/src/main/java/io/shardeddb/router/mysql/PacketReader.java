package io.shardeddb.router.mysql;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one packet's payload; running past its end is a {@link MalformedPacketException}, never an
 * index error, so a hostile client only gets its connection closed.
 */
final class PacketReader {
  private final byte[] b;
  private int pos;

  PacketReader(byte[] payload) {
    this.b = payload;
  }

  int remaining() {
    return b.length - pos;
  }

  private void need(int n) {
    if (n < 0 || remaining() < n) {
      throw new MalformedPacketException("packet ends early");
    }
  }

  int int1() {
    need(1);
    return b[pos++] & 0xff;
  }

  int int2() {
    return int1() | int1() << 8;
  }

  int int3() {
    return int2() | int1() << 16;
  }

  long int4() {
    return (int2() & 0xffffL) | (long) int2() << 16;
  }

  long lenenc() {
    int first = int1();
    return switch (first) {
      case 0xfc -> int2();
      case 0xfd -> int3();
      case 0xfe -> int4() | int4() << 32;
      default -> {
        if (first > 0xfa) {
          throw new MalformedPacketException("bad length-encoded integer");
        }
        yield first;
      }
    };
  }

  byte[] bytes(int n) {
    need(n);
    byte[] out = Arrays.copyOfRange(b, pos, pos + n);
    pos += n;
    return out;
  }

  byte[] lenencBytes() {
    long n = lenenc();
    if (n > remaining()) {
      throw new MalformedPacketException("packet ends early");
    }
    return bytes((int) n);
  }

  void skip(int n) {
    need(n);
    pos += n;
  }

  /** A NUL-terminated string; at the packet's end without a NUL, the rest. */
  String nul() {
    int start = pos;
    while (pos < b.length && b[pos] != 0) {
      pos++;
    }
    String s = new String(b, start, pos - start, StandardCharsets.UTF_8);
    if (pos < b.length) {
      pos++;
    }
    return s;
  }

  byte[] restBytes() {
    return bytes(remaining());
  }

  String rest() {
    return new String(restBytes(), StandardCharsets.UTF_8);
  }
}
