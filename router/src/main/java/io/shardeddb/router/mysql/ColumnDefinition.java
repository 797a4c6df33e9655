package io.shardeddb.router.mysql;

/**
 * Protocol::ColumnDefinition41 of one result column: its {@code name}, the {@code table} it comes
 * from (empty for a computed one), its MySQL {@code type}, display {@code length}, {@code decimals}
 * and whether it is text (utf8mb4) or binary-collated (numbers).
 */
record ColumnDefinition(
    String schema, String table, String name, int type, long length, int decimals, boolean text) {

  static final int TYPE_TINY = 0x01;
  static final int TYPE_LONGLONG = 0x08;
  static final int TYPE_NEWDECIMAL = 0xf6;
  static final int TYPE_VAR_STRING = 0xfd;
  static final int TYPE_DATETIME = 0x0c;
  static final int TYPE_JSON = 0xf5;

  private static final int BINARY_COLLATION = 63;
  private static final int BINARY_FLAG = 128;

  /** A text column of up to {@code chars} characters. */
  static ColumnDefinition text(String schema, String table, String name, int chars) {
    return new ColumnDefinition(schema, table, name, TYPE_VAR_STRING, chars * 4L, 0, true);
  }

  /** A signed 64-bit integer column. */
  static ColumnDefinition longlong(String schema, String table, String name) {
    return new ColumnDefinition(schema, table, name, TYPE_LONGLONG, 20, 0, false);
  }

  byte[] encode() {
    return new PacketWriter()
        .lenenc("def")
        .lenenc(schema)
        .lenenc(table)
        .lenenc(table)
        .lenenc(name)
        .lenenc(name)
        .lenenc(0x0c)
        .int2(text ? InitialHandshake.CHARSET : BINARY_COLLATION)
        .int4(length)
        .int1(type)
        .int2(text ? 0 : BINARY_FLAG)
        .int1(decimals)
        .int2(0)
        .toBytes();
  }
}
