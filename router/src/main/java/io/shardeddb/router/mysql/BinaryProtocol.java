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
      case 0x07, 0x0a, 0x0c -> Placeholders.quote(dateTime(r));
      default ->
          throw new IllegalArgumentException(
              "parameters of MySQL type " + type + " (times and years) are not supported");
    };
  }

  /** A binary DATE/DATETIME/TIMESTAMP value (a length, then the parts it holds) as text. */
  private static String dateTime(PacketReader r) {
    int length = r.int1();
    long year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
    if (length >= 4) {
      year = r.int2();
      month = r.int1();
      day = r.int1();
    }
    if (length >= 7) {
      hour = r.int1();
      minute = r.int1();
      second = r.int1();
    }
    if (length >= 11) {
      micros = r.int4();
    }
    return String.format(
        "%04d-%02d-%02d %02d:%02d:%02d.%06d", year, month, day, hour, minute, second, micros);
  }

  /** A canonical DateTime text as a binary DATETIME value (always the 11-byte form). */
  private static void dateTime(PacketWriter w, String v) {
    // yyyy-MM-dd HH:mm:ss[.f{1,6}], as DateTimes writes it.
    int micros = 0;
    if (v.length() > 20) {
      micros = Integer.parseInt((v.substring(20) + "000000").substring(0, 6));
    }
    w.int1(11)
        .int2(Integer.parseInt(v.substring(0, 4)))
        .int1(Integer.parseInt(v.substring(5, 7)))
        .int1(Integer.parseInt(v.substring(8, 10)))
        .int1(Integer.parseInt(v.substring(11, 13)))
        .int1(Integer.parseInt(v.substring(14, 16)))
        .int1(Integer.parseInt(v.substring(17, 19)))
        .int4(micros);
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
          case ColumnDefinition.TYPE_DATETIME -> dateTime(values, v);
          default -> values.lenenc(v);
        }
      }
      out.add(new PacketWriter().int1(0).bytes(nulls).bytes(values.toBytes()).toBytes());
    }
    return out;
  }
}
