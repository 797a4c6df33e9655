package io.shardeddb.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.time.TimestampRequest;
import io.shardeddb.protocol.time.TimestampResponse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data stream's typed bodies (issue 48): every value a column of the schema can hold, in the
 * forms a router sends (coerced: Decimal as text, JSON and DateTime as their canonical text) and
 * the forms a client may give (numbers, nested documents), comes back equal and of the same Java
 * type; every body and answer of the hot ops comes back equal with all its components; a reader
 * skips components a newer writer added and takes missing ones as null; and none of it is JSON.
 */
class DataBodiesTest {
  private static final JsonMapper JSON = JsonMapper.createDefault();

  /** The data stream's values with a JSON fallback that fails: none of these may need it. */
  private static Object roundTrip(Object value) {
    ByteBuf b = Unpooled.buffer();
    TypedValues.DATA.write(b, value);
    Object back = TypedValues.DATA.read(b);
    assertThat(b.isReadable()).as("every byte read").isFalse();
    return back;
  }

  private static Object callRoundTrip(byte op, Object body) {
    ByteBuf b = Unpooled.buffer();
    DataBodies.writeCall(b, op, body);
    Object back = DataBodies.readCall(b, op);
    assertThat(b.isReadable()).as("every byte read").isFalse();
    return back;
  }

  private static Object answerRoundTrip(byte op, Object answer) {
    ByteBuf b = Unpooled.buffer();
    DataBodies.writeAnswer(b, op, answer);
    Object back = DataBodies.readAnswer(b, op);
    assertThat(b.isReadable()).as("every byte read").isFalse();
    return back;
  }

  /** One value of each column type, per type in every form it travels in. */
  static Map<ColumnType, List<Object>> valuesByType() {
    Map<ColumnType, List<Object>> values = new LinkedHashMap<>();
    values.put(
        ColumnType.Number,
        List.of(0L, 42L, -7L, Long.MAX_VALUE, Long.MIN_VALUE, 5, Integer.MIN_VALUE, "2255"));
    values.put(
        ColumnType.String,
        List.of(
            "",
            "Ana",
            "usér ü ñ 中文",
            "emoji 😀 𝄞",
            "quote \" backslash \\ tab \t newline \n nul \u0000",
            "x".repeat(ColumnType.MAX_STRING_LENGTH)));
    values.put(
        ColumnType.Decimal,
        List.of(
            "3.1250000000",
            "-0.0000000001",
            "1234567890123456789012345678.1234567890",
            new BigDecimal("1234567890123456789012345678.1234567890"),
            new BigDecimal("0E-10"),
            new BigDecimal("1E+3"),
            new BigDecimal("-2.50"),
            3.5,
            7));
    values.put(ColumnType.Boolean, List.of(true, false, 1, 0, "true"));
    values.put(
        ColumnType.DateTime,
        List.of("2026-11-29 10:00:00", "2026-11-29 10:00:00.123456", "1970-01-01 00:00:00"));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("a", 1);
    doc.put("big", 12345678901L);
    doc.put("f", 2.5);
    doc.put("s", "ü");
    doc.put("t", true);
    doc.put("n", null);
    doc.put("list", Arrays.asList(1, "two", null, List.of(), Map.of()));
    doc.put("nested", Map.of("deep", List.of(Map.of("x", -1))));
    values.put(
        ColumnType.Json,
        List.of(
            "{\"a\":1,\"list\":[1,2,{\"b\":null}]}",
            "[]",
            "\"text\"",
            "12.5",
            "null",
            doc,
            List.of(1, 2, 3),
            Map.of()));
    return values;
  }

  @Test
  void everyColumnTypesValuesComeBackEqualAndOfTheSameJavaType() {
    valuesByType()
        .forEach(
            (type, values) -> {
              for (Object v : values) {
                Object back = roundTrip(v);
                assertThat(back).as(type + " " + v).isEqualTo(v);
                if (v instanceof Map) {
                  assertThat(back).as(type + " " + v).isInstanceOf(Map.class);
                } else if (v instanceof List) {
                  assertThat(back).as(type + " " + v).isInstanceOf(List.class);
                } else {
                  assertThat(back.getClass()).as(type + " " + v).isEqualTo(v.getClass());
                }
              }
            });
    assertThat(roundTrip(null)).isNull();
    BigDecimal scaled = new BigDecimal("1.2300");
    assertThat(((BigDecimal) roundTrip(scaled)).scale()).isEqualTo(4);
    assertThat(roundTrip(new BigInteger("123456789012345678901234567890")))
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(roundTrip(Double.MIN_VALUE)).isEqualTo(Double.MIN_VALUE);
    assertThat(roundTrip((short) 3)).isEqualTo(3);
  }

  @Test
  void keysOfEveryKindComeBackEqual() {
    for (Object key :
        List.of(
            0L,
            Long.MAX_VALUE,
            "user-ü-😀",
            "k".repeat(255),
            List.of(7L, "order-1"),
            List.of("tenant", 3L, 4L))) {
      assertThat(roundTrip(key)).isEqualTo(key);
    }
  }

  @Test
  void aStringUtf8CannotCarryComesBackExactly() {
    // A lone surrogate: UTF-8 would send '?', and the shard-server would store it instead of
    // refusing the value as it does when JSON carries it.
    String lone = "a\ud800b";
    assertThat(TypedValues.wellFormed(lone)).isFalse();
    assertThat(roundTrip(lone)).isEqualTo(lone);
    assertThat(roundTrip("end\udc00")).isEqualTo("end\udc00");
    assertThat(TypedValues.wellFormed("pair 😀")).isTrue();
  }

  @Test
  void aValueReadAsTypedMeansWhatItsJsonMeantToTheSchema() throws Exception {
    // What a shard-server does with a row's value: coerce it to its column's type. The typed
    // value and the JSON one (as the HTTP endpoint reads it) give the same stored value.
    for (Map.Entry<ColumnType, List<Object>> e : valuesByType().entrySet()) {
      ColumnType type = e.getKey();
      for (Object v : e.getValue()) {
        if (type == ColumnType.Decimal && (v instanceof Double || v instanceof BigDecimal)) {
          // JSON reads a fraction as a double and loses digits: the router sends a Decimal as its
          // text (DecimalWire), which both carry alike; the typed value keeps all its digits.
          continue;
        }
        Object viaJson =
            JSON.readValue(
                    JSON.writeValueAsBytes(Map.of("v", v)),
                    Argument.mapOf(String.class, Object.class))
                .get("v");
        assertThat(type.coerce("c", roundTrip(v)))
            .as(type + " " + v)
            .isEqualTo(type.coerce("c", viaJson));
      }
    }
  }

  private static List<Map<String, Object>> rowsOfEveryType() {
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<ColumnType, List<Object>> values = valuesByType();
    int n = values.values().stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("Stud_id", (long) i);
      for (Map.Entry<ColumnType, List<Object>> e : values.entrySet()) {
        List<Object> vs = e.getValue();
        row.put("c_" + e.getKey(), vs.get(i % vs.size()));
      }
      row.put("nullable", null);
      rows.add(row);
    }
    return rows;
  }

  static ShardWriteRequest fullWrite(String requestId) {
    return new ShardWriteRequest(
        "sh1",
        3,
        rowsOfEveryType(),
        requestId,
        1_234_567L,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "users",
        "client-req-1");
  }

  @Test
  void aWriteAndACoalescedBatchComeBackWithEveryComponent() {
    ShardWriteRequest write = fullWrite("rid-1");
    assertThat(callRoundTrip(DataFrames.WRITE, write)).isEqualTo(write);
    ShardWriteRequest bare = new ShardWriteRequest("sh1", null, List.of(Map.of("k", 1L)), null);
    assertThat(callRoundTrip(DataFrames.WRITE, bare)).isEqualTo(bare);

    ShardWriteBatchRequest batch =
        new ShardWriteBatchRequest(Arrays.asList(write, bare, null, fullWrite("rid-2")));
    assertThat(callRoundTrip(DataFrames.WRITE_BATCH, batch)).isEqualTo(batch);
    assertThat(callRoundTrip(DataFrames.WRITE_BATCH, new ShardWriteBatchRequest(List.of())))
        .isEqualTo(new ShardWriteBatchRequest(List.of()));
  }

  @Test
  void pointRangeAndBatchedReadsComeBackFieldForField() {
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("shard", "sh2");
    range.put("table", "orders");
    range.put("Stud_id", Map.of("low", 100L, "high", 8889L));
    range.put("consistency", "session");
    range.put("minLsn", 41L);
    range.put("minEpoch", 3L);
    range.put("floorEpoch", 3L);
    range.put("floorLsn", 40L);
    range.put(
        "filter",
        Map.of(
            "op",
            "and",
            "of",
            List.of(
                Map.of("op", "eq", "column", "city", "values", List.of("Oslo")),
                Map.of("op", "between", "column", "gpa", "values", List.of("1.5", "3.25")))));
    range.put("count", true);
    range.put("timestamps", true);
    range.put("timeoutMs", 250L);
    assertThat(callRoundTrip(DataFrames.READ, range)).isEqualTo(range);

    Map<String, Object> composite = new LinkedHashMap<>();
    composite.put("shard", "sh1");
    composite.put("id", Map.of("low", List.of(7L, "a"), "high", List.of(7L, "z")));
    Map<String, Object> stringKey = Map.of("shard", "sh1", "user", Map.of("low", "ana"));
    Map<String, Object> point = Map.of("shard", "sh1", "Stud_id", Map.of("low", 5L, "high", 5L));
    ShardReadBatchRequest batch =
        new ShardReadBatchRequest(List.of(point, composite, stringKey, range));
    assertThat(callRoundTrip(DataFrames.READ_BATCH, batch)).isEqualTo(batch);
  }

  @Test
  void timestampsComeBack() {
    assertThat(callRoundTrip(DataFrames.TIMESTAMPS, new TimestampRequest(512)))
        .isEqualTo(new TimestampRequest(512));
    assertThat(callRoundTrip(DataFrames.TIMESTAMPS, new TimestampRequest(null)))
        .isEqualTo(new TimestampRequest(null));
    TimestampResponse slots = new TimestampResponse(Long.MAX_VALUE - 5, 3, 9);
    assertThat(answerRoundTrip(DataFrames.TIMESTAMPS, slots)).isEqualTo(slots);
  }

  static ShardWriteResponse fullWritten() {
    return new ShardWriteResponse("1 Data entries added", 4, "success", 99L, 7L, 2, 3, 5_000L);
  }

  @Test
  void writeAnswersComeBackWithEveryComponentAndEveryItemsOutcome() {
    assertThat(answerRoundTrip(DataFrames.WRITE, fullWritten())).isEqualTo(fullWritten());
    ShardWriteResponse older = new ShardWriteResponse("ok", null, "success", 1L);
    assertThat(answerRoundTrip(DataFrames.WRITE, older)).isEqualTo(older);
    ShardWriteBatchResponse batch =
        new ShardWriteBatchResponse(
            Arrays.asList(
                ShardWriteBatchResponse.Result.ok(fullWritten()),
                ShardWriteBatchResponse.Result.failed(409, "Duplicate key Stud_id=1 ü"),
                ShardWriteBatchResponse.Result.failed(421, null),
                new ShardWriteBatchResponse.Result(503, "quorum", fullWritten()),
                null));
    assertThat(answerRoundTrip(DataFrames.WRITE_BATCH, batch)).isEqualTo(batch);
  }

  @Test
  void readAnswersComeBackWithRowsTheNextKeyAndCounts() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : rowsOfEveryType()) {
      Map<String, Object> stamped = new LinkedHashMap<>(r);
      stamped.put("@ts", 1L << 40);
      rows.add(stamped);
    }
    ShardReadResponse page = new ShardReadResponse(rows, "success", 10L, 10L, 2L, 500L, null);
    assertThat(answerRoundTrip(DataFrames.READ, page)).isEqualTo(page);
    ShardReadResponse composite =
        new ShardReadResponse(List.of(), "success", 10L, 10L, 2L, List.of(7L, "b"), null);
    assertThat(answerRoundTrip(DataFrames.READ, composite)).isEqualTo(composite);
    ShardReadResponse stringNext =
        new ShardReadResponse(List.of(), "success", 10L, 10L, 2L, "ana", 12L);
    assertThat(answerRoundTrip(DataFrames.READ, stringNext)).isEqualTo(stringNext);
    ShardReadBatchResponse batch =
        new ShardReadBatchResponse(
            List.of(
                ShardReadBatchResponse.Result.ok(page),
                ShardReadBatchResponse.Result.failed(409, "not in sync"),
                ShardReadBatchResponse.Result.ok(stringNext)));
    assertThat(answerRoundTrip(DataFrames.READ_BATCH, batch)).isEqualTo(batch);
  }

  /** How many components the record {@code written} starts with says. */
  private static int componentsOnTheWire(ByteBuf written) {
    assertThat(written.readByte()).isEqualTo(TypedValues.LIST);
    return written.readInt();
  }

  @Test
  void everyComponentOfEveryRecordIsOnTheWire() {
    // A component added to one of these records and not to DataBodies fails here.
    ByteBuf b = Unpooled.buffer();
    DataBodies.writeCall(b, DataFrames.WRITE, fullWrite("r"));
    assertThat(componentsOnTheWire(b))
        .isEqualTo(ShardWriteRequest.class.getRecordComponents().length);
    b = Unpooled.buffer();
    DataBodies.writeAnswer(b, DataFrames.WRITE, fullWritten());
    assertThat(componentsOnTheWire(b))
        .isEqualTo(ShardWriteResponse.class.getRecordComponents().length);
    b = Unpooled.buffer();
    DataBodies.writeAnswer(
        b, DataFrames.READ, new ShardReadResponse(List.of(), "success", 1L, 1L, 1L, null, null));
    assertThat(componentsOnTheWire(b))
        .isEqualTo(ShardReadResponse.class.getRecordComponents().length);
    b = Unpooled.buffer();
    DataBodies.writeCall(b, DataFrames.TIMESTAMPS, new TimestampRequest(1));
    assertThat(componentsOnTheWire(b))
        .isEqualTo(TimestampRequest.class.getRecordComponents().length);
    b = Unpooled.buffer();
    DataBodies.writeAnswer(b, DataFrames.TIMESTAMPS, new TimestampResponse(1, 1, 1));
    assertThat(componentsOnTheWire(b))
        .isEqualTo(TimestampResponse.class.getRecordComponents().length);
    b = Unpooled.buffer();
    DataBodies.writeAnswer(
        b,
        DataFrames.WRITE_BATCH,
        new ShardWriteBatchResponse(List.of(ShardWriteBatchResponse.Result.ok(fullWritten()))));
    assertThat(componentsOnTheWire(b)).isEqualTo(1);
    assertThat(componentsOnTheWire(b))
        .isEqualTo(ShardWriteBatchResponse.Result.class.getRecordComponents().length);
    b = Unpooled.buffer();
    DataBodies.writeAnswer(
        b,
        DataFrames.READ_BATCH,
        new ShardReadBatchResponse(List.of(ShardReadBatchResponse.Result.failed(409, "x"))));
    assertThat(componentsOnTheWire(b)).isEqualTo(1);
    assertThat(componentsOnTheWire(b))
        .isEqualTo(ShardReadBatchResponse.Result.class.getRecordComponents().length);
  }

  @Test
  void aReaderSkipsComponentsANewerWriterAddedAndTakesMissingOnesAsNull() {
    // A newer router's write with a ninth component (a map, so its parts are skipped too).
    ByteBuf newer = Unpooled.buffer();
    newer.writeByte(TypedValues.LIST).writeInt(9);
    for (Object v :
        Arrays.asList("sh1", 1, List.of(Map.of("k", 1L)), "rid", 5L, null, null, null)) {
      TypedValues.DATA.write(newer, v);
    }
    TypedValues.DATA.write(newer, Map.of("later", List.of(1, 2)));
    assertThat(DataBodies.readCall(newer, DataFrames.WRITE))
        .isEqualTo(new ShardWriteRequest("sh1", 1, List.of(Map.of("k", 1L)), "rid", 5L));
    assertThat(newer.isReadable()).isFalse();

    // An older shard-server's answer: four components (before epochs, acks and timestamps).
    ByteBuf older = Unpooled.buffer();
    older.writeByte(TypedValues.LIST).writeInt(4);
    for (Object v : Arrays.asList("ok", 2, "success", 8L)) {
      TypedValues.DATA.write(older, v);
    }
    assertThat(DataBodies.readAnswer(older, DataFrames.WRITE))
        .isEqualTo(new ShardWriteResponse("ok", 2, "success", 8L));
  }

  @Test
  void noneOfItIsJson() {
    // The data stream's values have no JSON: a value without a typed encoding is refused (the
    // router then sends that call as JSON), and a JSON value is not read.
    ByteBuf b = Unpooled.buffer();
    assertThatThrownBy(() -> TypedValues.DATA.write(b, new Object()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TypedValues.DATA.write(b, 1.5f))
        .isInstanceOf(IllegalArgumentException.class);
    ByteBuf json =
        Unpooled.buffer().writeByte(TypedValues.JSON).writeInt(2).writeBytes("{}".getBytes());
    assertThatThrownBy(() -> TypedValues.DATA.read(json))
        .isInstanceOf(IllegalArgumentException.class);
    ShardWriteRequest odd =
        new ShardWriteRequest("sh1", 0, List.of(Map.of("k", new StringBuilder("x"))), "r");
    assertThatThrownBy(
            () ->
                DataFrames.typedCall(
                    UnpooledByteBufAllocator.DEFAULT, 1, DataFrames.WRITE, null, odd))
        .isInstanceOf(IllegalArgumentException.class);
    // A body not of the op's type is refused the same way.
    assertThatThrownBy(() -> DataBodies.writeCall(b, DataFrames.WRITE, Map.of("k", 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(DataBodies.typed(DataFrames.UPDATE)).isFalse();
    assertThat(DataBodies.typed(DataFrames.TXN)).isFalse();
  }

  @Test
  void malformedBodiesAreRefusedNotMisread() {
    ByteBuf wrongType = Unpooled.buffer();
    wrongType.writeByte(TypedValues.LIST).writeInt(1);
    TypedValues.DATA.write(wrongType, 42L);
    assertThatThrownBy(() -> DataBodies.readCall(wrongType, DataFrames.WRITE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shard");
    ByteBuf truncated = Unpooled.buffer();
    DataBodies.writeCall(truncated, DataFrames.WRITE, fullWrite("r"));
    ByteBuf cut = truncated.slice(0, truncated.readableBytes() - 3);
    assertThatThrownBy(() -> DataBodies.readCall(cut, DataFrames.WRITE))
        .isInstanceOf(IndexOutOfBoundsException.class);
    ByteBuf unknownTag = Unpooled.buffer().writeByte(77);
    assertThatThrownBy(() -> TypedValues.DATA.read(unknownTag))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
