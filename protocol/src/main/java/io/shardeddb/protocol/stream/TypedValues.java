package io.shardeddb.protocol.stream;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed value encoding both binary streams share, written once: a value is a tag byte, then
 * what the tag says — {@link #NULL}, {@link #FALSE}, {@link #TRUE}; {@link #INT} a 4-byte int;
 * {@link #LONG} an 8-byte long; {@link #DOUBLE} an IEEE double; {@link #DECIMAL} and {@link
 * #BIG_INTEGER} their {@code toString()} as a {@link Frames} string; {@link #STRING} a {@link
 * Frames} string (UTF-8); {@link #JSON} a {@link Frames} body of JSON text; {@link #MAP} a 4-byte
 * count, then per entry its name (a string) and value; {@link #LIST} a 4-byte count and the values;
 * {@link #UTF16} a 4-byte char count and the UTF-16 chars, for a string UTF-8 cannot carry (a lone
 * surrogate, which UTF-8 would turn into '?'). Reading gives back the Java type written (an {@code
 * Integer} stays an {@code Integer}, a {@code BigDecimal} keeps its scale); a short or byte is read
 * as an {@code Integer}, as JSON reads it.
 *
 * <p>Two writers, one reader: the replication stream's ({@link #replication}) writes tags 0–9 only
 * — what every secondary since the stream reads — and a value of another type (a map, a list) as
 * its JSON; the data stream's ({@link #DATA}, issue 48) writes maps, lists and every string exactly
 * and has no JSON: a value of another type is an {@link IllegalArgumentException}, and the router
 * then sends that call as JSON ({@link DataFrames}).
 */
public final class TypedValues {
  public static final byte NULL = 0;
  public static final byte FALSE = 1;
  public static final byte TRUE = 2;
  public static final byte INT = 3;
  public static final byte LONG = 4;
  public static final byte DOUBLE = 5;
  public static final byte DECIMAL = 6;
  public static final byte BIG_INTEGER = 7;
  public static final byte STRING = 8;
  public static final byte JSON = 9;
  public static final byte MAP = 10;
  public static final byte LIST = 11;
  public static final byte UTF16 = 12;

  /** How the replication stream carries a value of a type without a tag of its own. */
  public interface Json {
    byte[] write(Object value) throws IOException;

    Object read(byte[] text) throws IOException;
  }

  /** The data stream's: maps, lists and exact strings; no JSON. */
  public static final TypedValues DATA = new TypedValues(null);

  private final Json json;

  private TypedValues(Json json) {
    this.json = json;
  }

  /** The replication stream's, {@code json} carrying values of other types (maps, lists). */
  public static TypedValues replication(Json json) {
    return new TypedValues(json);
  }

  /** Writes {@code v} with its tag. */
  public void write(ByteBuf out, Object v) {
    switch (v) {
      case null -> out.writeByte(NULL);
      case Boolean b -> out.writeByte(b ? TRUE : FALSE);
      case Integer i -> out.writeByte(INT).writeInt(i);
      case Short s -> out.writeByte(INT).writeInt(s);
      case Byte b -> out.writeByte(INT).writeInt(b);
      case Long l -> out.writeByte(LONG).writeLong(l);
      case Double d -> out.writeByte(DOUBLE).writeDouble(d);
      case BigDecimal d -> {
        out.writeByte(DECIMAL);
        Frames.writeString(out, d.toString());
      }
      case BigInteger b -> {
        out.writeByte(BIG_INTEGER);
        Frames.writeString(out, b.toString());
      }
      case String s -> writeText(out, s);
      default -> writeOther(out, v);
    }
  }

  private void writeText(ByteBuf out, String s) {
    if (json == null && !wellFormed(s)) {
      out.writeByte(UTF16).writeInt(s.length());
      for (int i = 0; i < s.length(); i++) {
        out.writeChar(s.charAt(i));
      }
      return;
    }
    out.writeByte(STRING);
    Frames.writeString(out, s);
  }

  private void writeOther(ByteBuf out, Object v) {
    if (json != null) {
      // The replication stream's first form (a float among them, as a double before this class).
      if (v instanceof Float f) {
        out.writeByte(DOUBLE).writeDouble(f);
        return;
      }
      out.writeByte(JSON);
      try {
        Frames.writeBytes(out, json.write(v));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    switch (v) {
      case Map<?, ?> map -> {
        out.writeByte(MAP);
        writeFields(out, map);
      }
      case List<?> list -> {
        out.writeByte(LIST).writeInt(list.size());
        for (Object item : list) {
          write(out, item);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "no typed encoding for a value of " + v.getClass().getName());
    }
  }

  /** A map's entries: a count ({@code -1}: null), then each name and value. */
  public void writeMap(ByteBuf out, Map<String, Object> map) {
    if (map == null) {
      out.writeInt(-1);
      return;
    }
    writeFields(out, map);
  }

  private void writeFields(ByteBuf out, Map<?, ?> map) {
    out.writeInt(map.size());
    for (Map.Entry<?, ?> f : map.entrySet()) {
      if (!(f.getKey() instanceof String name)) {
        throw new IllegalArgumentException("a map's names are strings, not " + f.getKey());
      }
      Frames.writeString(out, name);
      write(out, f.getValue());
    }
  }

  /** A value {@link #write} wrote. */
  public Object read(ByteBuf in) {
    byte tag = in.readByte();
    return switch (tag) {
      case NULL -> null;
      case FALSE -> Boolean.FALSE;
      case TRUE -> Boolean.TRUE;
      case INT -> in.readInt();
      case LONG -> in.readLong();
      case DOUBLE -> in.readDouble();
      case DECIMAL -> new BigDecimal(Frames.readString(in));
      case BIG_INTEGER -> new BigInteger(Frames.readString(in));
      case STRING -> Frames.readString(in);
      case JSON -> readJson(Frames.readBytes(in));
      case MAP -> readFields(in, count(in));
      case LIST -> {
        int n = count(in);
        List<Object> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          list.add(read(in));
        }
        yield list;
      }
      case UTF16 -> {
        int n = count(in);
        if (n > in.readableBytes() / 2) {
          throw new IllegalArgumentException("a string of " + n + " chars in a shorter frame");
        }
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
          chars[i] = in.readChar();
        }
        yield new String(chars);
      }
      default -> throw new IllegalArgumentException("unknown value tag " + tag);
    };
  }

  /** A map {@link #writeMap} wrote (null for its null). */
  public Map<String, Object> readMap(ByteBuf in) {
    int n = in.readInt();
    return n < 0 ? null : readFields(in, n);
  }

  private Map<String, Object> readFields(ByteBuf in, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("a map of " + n + " entries");
    }
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, Math.min(n, 1024) * 2));
    for (int i = 0; i < n; i++) {
      String name = Frames.readString(in);
      map.put(name, read(in));
    }
    return map;
  }

  private Object readJson(byte[] text) {
    if (json == null) {
      throw new IllegalArgumentException("a JSON value where typed values only are read");
    }
    try {
      return json.read(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int count(ByteBuf in) {
    int n = in.readInt();
    if (n < 0) {
      throw new IllegalArgumentException("a count of " + n);
    }
    return n;
  }

  /** Whether {@code s} has no lone surrogate (so its UTF-8 reads back as {@code s}). */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }
}
