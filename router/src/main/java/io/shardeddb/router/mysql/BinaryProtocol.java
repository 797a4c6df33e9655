package io.shardeddb.router.mysql;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The binary protocol's values (prepared statements), pure: COM_STMT_EXECUTE's parameters decoded
 * into SQL literals for {@link Placeholders#bind}, and result rows encoded as binary rows.
 */
final class BinaryProtocol {
  private BinaryProtocol() {}

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

  /** A COM_STMT_PREPARE_OK for a statement of {@code params} placeholders and no column list. */
  static byte[] prepareOk(long id, int params) {
    return new PacketWriter().int1(0).int4(id).int2(0).int2(params).int1(0).int2(0).toBytes();
  }

  /**
   * The parameters of a COM_STMT_EXECUTE (after its command byte and statement id) as SQL literals;
   * {@code types} holds each parameter's type and flags from the last execute that sent them
   * (updated here when this one does). A type this router has no column for (dates, times) is
   * refused.
   */
  static List<String> parameters(PacketReader r, int count, int[] types) {
    r.int1(); // flags (cursor type): no cursors, the result comes whole
    r.int4(); // iteration count, always 1
    List<String> out = new ArrayList<>(count);
    if (count == 0) {
      return out;
    }
    byte[] nulls = r.bytes((count + 7) / 8);
    if (r.int1() == 1) {
      for (int i = 0; i < count; i++) {
        types[i] = r.int2();
      }
    }
    for (int i = 0; i < count; i++) {
      boolean isNull = (nulls[i / 8] & (1 << (i % 8))) != 0;
      out.add(isNull ? "NULL" : literal(r, types[i] & 0xff, (types[i] & 0x8000) != 0));
    }
    return out;
  }

  private static String literal(PacketReader r, int type, boolean unsigned) {
    return switch (type) {
      case 0x06 -> "NULL";
      case 0x01 -> Long.toString(unsigned ? r.int1() : (byte) r.int1());
      case 0x02, 0x0d -> Long.toString(unsigned ? r.int2() : (short) r.int2());
      case 0x03, 0x09 -> Long.toString(unsigned ? r.int4() : (int) r.int4());
      case 0x08 -> {
        long v = r.int4() | r.int4() << 32;
        yield unsigned ? Long.toUnsignedString(v) : Long.toString(v);
      }
      case 0x04 ->
          new BigDecimal(Float.toString(Float.intBitsToFloat((int) r.int4()))).toPlainString();
      case 0x05 ->
          BigDecimal.valueOf(Double.longBitsToDouble(r.int4() | r.int4() << 32)).toPlainString();
      case 0x00, 0xf6 -> {
        String d = new String(r.lenencBytes(), StandardCharsets.UTF_8);
        if (!NUMBER.matcher(d).matches()) {
          throw new IllegalArgumentException("a DECIMAL parameter that is not a number");
        }
        yield d;
      }
      case 0x0f, 0xfd, 0xfe, 0xf5, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0x10 ->
          Placeholders.quote(new String(r.lenencBytes(), StandardCharsets.UTF_8));
      default ->
          throw new IllegalArgumentException(
              "parameters of MySQL type " + type + " (dates and times) are not supported");
    };
  }

  /** A result set's rows as binary rows (ProtocolBinary::ResultsetRow) for its column types. */
  static List<byte[]> rows(MysqlReply.ResultSet rs) {
    List<byte[]> out = new ArrayList<>(rs.rows().size());
    int n = rs.columns().size();
    for (TextRow row : rs.rows()) {
      byte[] nulls = new byte[(n + 7 + 2) / 8];
      PacketWriter values = new PacketWriter();
      for (int i = 0; i < n; i++) {
        String v = row.values().get(i);
        if (v == null) {
          nulls[(i + 2) / 8] |= (byte) (1 << ((i + 2) % 8));
          continue;
        }
        switch (rs.columns().get(i).type()) {
          case ColumnDefinition.TYPE_LONGLONG -> values.int8(Long.parseLong(v));
          case ColumnDefinition.TYPE_TINY -> values.int1(Integer.parseInt(v));
          default -> values.lenenc(v);
        }
      }
      out.add(new PacketWriter().int1(0).bytes(nulls).bytes(values.toBytes()).toBytes());
    }
    return out;
  }
}
