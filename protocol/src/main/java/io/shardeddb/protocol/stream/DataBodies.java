package io.shardeddb.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.time.TimestampRequest;
import io.shardeddb.protocol.time.TimestampResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The typed bodies of the data stream's hot calls and their answers (issue 48): {@code /write},
 * {@code /write/batch}, {@code /read}, {@code /read/batch} and {@code /timestamps}, in {@link
 * TypedValues#DATA}'s encoding — rows with typed values, no JSON between router and shard-server.
 * Both ends encode and decode here; the frames that carry them are {@link DataFrames#TYPED_CALL}
 * and {@link DataFrames#TYPED_ANSWER}.
 *
 * <p>A record travels as a {@link TypedValues#LIST} of its components in declaration order ({@link
 * TypedValues#NULL} for a null record); a {@code /read} request, which is a JSON object over HTTP,
 * travels as a {@link TypedValues#MAP}, field for field. A reader takes the components it knows and
 * skips any after them (every value says its type), and a component missing at the end is null — as
 * a JSON reader treats a field it does not know, or one left out — so a component added later goes
 * last. The objects read are those the HTTP endpoint's JSON reader makes, with each value of the
 * type it was written as (a {@code Long} stays a {@code Long}, a {@code BigDecimal} keeps its
 * scale).
 */
public final class DataBodies {
  private DataBodies() {}

  private static final TypedValues VALUES = TypedValues.DATA;

  /** Whether {@code op} has a typed body and answer. */
  public static boolean typed(byte op) {
    return switch (op) {
      case DataFrames.WRITE,
          DataFrames.WRITE_BATCH,
          DataFrames.READ,
          DataFrames.READ_BATCH,
          DataFrames.TIMESTAMPS ->
          true;
      default -> false;
    };
  }

  /**
   * Writes the body of call {@code op}: a {@link ShardWriteRequest}, {@link
   * ShardWriteBatchRequest}, the {@code /read} object, a {@link ShardReadBatchRequest} or a {@link
   * TimestampRequest}. {@link IllegalArgumentException} for a value without a typed encoding, or a
   * body not of the op's type.
   */
  public static void writeCall(ByteBuf out, byte op, Object body) {
    switch (op) {
      case DataFrames.WRITE -> writeWrite(out, cast(body, ShardWriteRequest.class));
      case DataFrames.WRITE_BATCH -> {
        List<ShardWriteRequest> writes = cast(body, ShardWriteBatchRequest.class).writes();
        writeList(out, writes, DataBodies::writeWrite);
      }
      case DataFrames.READ -> VALUES.write(out, cast(body, Map.class));
      case DataFrames.READ_BATCH ->
          VALUES.write(out, cast(body, ShardReadBatchRequest.class).reads());
      case DataFrames.TIMESTAMPS -> {
        TimestampRequest r = cast(body, TimestampRequest.class);
        record(out, 1);
        VALUES.write(out, r.count());
      }
      default -> throw new IllegalArgumentException("no typed body for " + DataFrames.endpoint(op));
    }
  }

  /** The body {@link #writeCall} wrote for {@code op}. */
  public static Object readCall(ByteBuf in, byte op) {
    return switch (op) {
      case DataFrames.WRITE -> readWrite(in);
      case DataFrames.WRITE_BATCH ->
          new ShardWriteBatchRequest(readList(in, DataBodies::readWrite, "writes"));
      case DataFrames.READ -> map(VALUES.read(in), "the read");
      case DataFrames.READ_BATCH -> new ShardReadBatchRequest(maps(VALUES.read(in), "reads"));
      case DataFrames.TIMESTAMPS -> {
        Fields f = Fields.of(in);
        yield f.isNull() ? null : f.done(new TimestampRequest(f.integer("count")));
      }
      default -> throw new IllegalArgumentException("no typed body for " + DataFrames.endpoint(op));
    };
  }

  /**
   * Writes the 200 answer of call {@code op}: a {@link ShardWriteResponse}, {@link
   * ShardWriteBatchResponse}, {@link ShardReadResponse}, {@link ShardReadBatchResponse} or {@link
   * TimestampResponse}; {@link IllegalArgumentException} as for {@link #writeCall}.
   */
  public static void writeAnswer(ByteBuf out, byte op, Object answer) {
    switch (op) {
      case DataFrames.WRITE -> writeWritten(out, cast(answer, ShardWriteResponse.class));
      case DataFrames.WRITE_BATCH ->
          writeList(
              out,
              cast(answer, ShardWriteBatchResponse.class).results(),
              (o, r) -> {
                record(o, 3);
                VALUES.write(o, r.status());
                VALUES.write(o, r.message());
                writeWritten(o, r.response());
              });
      case DataFrames.READ -> writeRead(out, cast(answer, ShardReadResponse.class));
      case DataFrames.READ_BATCH ->
          writeList(
              out,
              cast(answer, ShardReadBatchResponse.class).results(),
              (o, r) -> {
                record(o, 3);
                VALUES.write(o, r.status());
                VALUES.write(o, r.message());
                writeRead(o, r.response());
              });
      case DataFrames.TIMESTAMPS -> {
        TimestampResponse r = cast(answer, TimestampResponse.class);
        record(out, 3);
        VALUES.write(out, r.first());
        VALUES.write(out, r.count());
        VALUES.write(out, r.epoch());
      }
      default ->
          throw new IllegalArgumentException("no typed answer for " + DataFrames.endpoint(op));
    }
  }

  /** The answer {@link #writeAnswer} wrote for {@code op}. */
  public static Object readAnswer(ByteBuf in, byte op) {
    return switch (op) {
      case DataFrames.WRITE -> readWritten(in);
      case DataFrames.WRITE_BATCH ->
          new ShardWriteBatchResponse(
              readList(
                  in,
                  i -> {
                    Fields f = Fields.of(i);
                    return f.isNull()
                        ? null
                        : f.done(
                            new ShardWriteBatchResponse.Result(
                                f.integer("status", 0),
                                f.string("message"),
                                f.record(DataBodies::readWritten)));
                  },
                  "results"));
      case DataFrames.READ -> readRead(in);
      case DataFrames.READ_BATCH ->
          new ShardReadBatchResponse(
              readList(
                  in,
                  i -> {
                    Fields f = Fields.of(i);
                    return f.isNull()
                        ? null
                        : f.done(
                            new ShardReadBatchResponse.Result(
                                f.integer("status", 0),
                                f.string("message"),
                                f.record(DataBodies::readRead)));
                  },
                  "results"));
      case DataFrames.TIMESTAMPS -> {
        Fields f = Fields.of(in);
        yield f.isNull()
            ? null
            : f.done(
                new TimestampResponse(
                    f.longValue("first", 0), f.integer("count", 0), f.longValue("epoch", 0)));
      }
      default ->
          throw new IllegalArgumentException("no typed answer for " + DataFrames.endpoint(op));
    };
  }

  private static void writeWrite(ByteBuf out, ShardWriteRequest r) {
    if (r == null) {
      out.writeByte(TypedValues.NULL);
      return;
    }
    record(out, 8);
    VALUES.write(out, r.shard());
    VALUES.write(out, r.currIdx());
    VALUES.write(out, r.data());
    VALUES.write(out, r.requestId());
    VALUES.write(out, r.timestamp());
    VALUES.write(out, r.traceparent());
    VALUES.write(out, r.table());
    VALUES.write(out, r.clientRequestId());
  }

  private static ShardWriteRequest readWrite(ByteBuf in) {
    Fields f = Fields.of(in);
    if (f.isNull()) {
      return null;
    }
    return f.done(
        new ShardWriteRequest(
            f.string("shard"),
            f.integer("curr_idx"),
            f.rows("data"),
            f.string("requestId"),
            f.longValue("timestamp"),
            f.string("traceparent"),
            f.string("table"),
            f.string("clientRequestId")));
  }

  private static void writeWritten(ByteBuf out, ShardWriteResponse r) {
    if (r == null) {
      out.writeByte(TypedValues.NULL);
      return;
    }
    record(out, 8);
    VALUES.write(out, r.message());
    VALUES.write(out, r.currentIdx());
    VALUES.write(out, r.status());
    VALUES.write(out, r.lsn());
    VALUES.write(out, r.epoch());
    VALUES.write(out, r.acks());
    VALUES.write(out, r.replicas());
    VALUES.write(out, r.timestamp());
  }

  private static ShardWriteResponse readWritten(ByteBuf in) {
    Fields f = Fields.of(in);
    if (f.isNull()) {
      return null;
    }
    return f.done(
        new ShardWriteResponse(
            f.string("message"),
            f.integer("current_idx"),
            f.string("status"),
            f.longValue("lsn"),
            f.longValue("epoch"),
            f.integer("acks"),
            f.integer("replicas"),
            f.longValue("timestamp")));
  }

  private static void writeRead(ByteBuf out, ShardReadResponse r) {
    if (r == null) {
      out.writeByte(TypedValues.NULL);
      return;
    }
    record(out, 7);
    VALUES.write(out, r.data());
    VALUES.write(out, r.status());
    VALUES.write(out, r.appliedLsn());
    VALUES.write(out, r.lsn());
    VALUES.write(out, r.epoch());
    VALUES.write(out, r.next());
    VALUES.write(out, r.count());
  }

  private static ShardReadResponse readRead(ByteBuf in) {
    Fields f = Fields.of(in);
    if (f.isNull()) {
      return null;
    }
    return f.done(
        new ShardReadResponse(
            f.rows("data"),
            f.string("status"),
            f.longValue("appliedLsn"),
            f.longValue("lsn"),
            f.longValue("epoch"),
            f.value(),
            f.longValue("count")));
  }

  /** A record's start: the list tag and how many components follow. */
  private static void record(ByteBuf out, int components) {
    out.writeByte(TypedValues.LIST).writeInt(components);
  }

  /** A list of records: a list tag, the count, each record ({@link TypedValues#NULL}: null). */
  private static <T> void writeList(ByteBuf out, List<T> items, BiConsumer<ByteBuf, T> each) {
    if (items == null) {
      out.writeByte(TypedValues.NULL);
      return;
    }
    out.writeByte(TypedValues.LIST).writeInt(items.size());
    for (T item : items) {
      if (item == null) {
        out.writeByte(TypedValues.NULL);
      } else {
        each.accept(out, item);
      }
    }
  }

  private static <T> List<T> readList(ByteBuf in, Function<ByteBuf, T> each, String field) {
    byte tag = in.readByte();
    if (tag == TypedValues.NULL) {
      return null;
    }
    if (tag != TypedValues.LIST) {
      throw new IllegalArgumentException("field '" + field + "' must be a list");
    }
    int n = in.readInt();
    if (n < 0) {
      throw new IllegalArgumentException("field '" + field + "' holds " + n + " items");
    }
    List<T> items = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      items.add(each.apply(in));
    }
    return items;
  }

  private static <T> T cast(Object body, Class<T> type) {
    if (!type.isInstance(body)) {
      throw new IllegalArgumentException(
          "a typed body is a " + type.getSimpleName() + ", not " + body);
    }
    return type.cast(body);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String field) {
    if (v != null && !(v instanceof Map)) {
      throw new IllegalArgumentException(field + " must be an object");
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object v, String field) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("field '" + field + "' must be a list");
    }
    for (Object item : list) {
      map(item, "an item of '" + field + "'");
    }
    return (List<Map<String, Object>>) v;
  }

  /** A record's components as read: each in turn, null past the last one written. */
  private static final class Fields {
    private final ByteBuf in;
    private int left;

    private Fields(ByteBuf in, int left) {
      this.in = in;
      this.left = left;
    }

    static Fields of(ByteBuf in) {
      byte tag = in.readByte();
      if (tag == TypedValues.NULL) {
        return new Fields(in, -1);
      }
      if (tag != TypedValues.LIST) {
        throw new IllegalArgumentException("a record must be a list, not tag " + tag);
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IllegalArgumentException("a record of " + n + " components");
      }
      return new Fields(in, n);
    }

    boolean isNull() {
      return left < 0;
    }

    /** {@code record}, once the components a newer writer added after the known ones are read. */
    <T> T done(T record) {
      for (; left > 0; left--) {
        VALUES.read(in);
      }
      return record;
    }

    Object value() {
      if (left <= 0) {
        return null;
      }
      left--;
      return VALUES.read(in);
    }

    <T> T record(Function<ByteBuf, T> reader) {
      if (left <= 0) {
        return null;
      }
      left--;
      return reader.apply(in);
    }

    String string(String field) {
      Object v = value();
      if (v != null && !(v instanceof String)) {
        throw new IllegalArgumentException("field '" + field + "' must be a string");
      }
      return (String) v;
    }

    Integer integer(String field) {
      Object v = value();
      if (v == null || v instanceof Integer) {
        return (Integer) v;
      }
      if (v instanceof Long l && l == l.intValue()) {
        return l.intValue();
      }
      throw new IllegalArgumentException("field '" + field + "' must be an int");
    }

    int integer(String field, int otherwise) {
      Integer v = integer(field);
      return v == null ? otherwise : v;
    }

    Long longValue(String field) {
      Object v = value();
      if (v == null || v instanceof Long) {
        return (Long) v;
      }
      if (v instanceof Integer i) {
        return i.longValue();
      }
      throw new IllegalArgumentException("field '" + field + "' must be a long");
    }

    long longValue(String field, long otherwise) {
      Long v = longValue(field);
      return v == null ? otherwise : v;
    }

    List<Map<String, Object>> rows(String field) {
      return maps(value(), field);
    }
  }
}
