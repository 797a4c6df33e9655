package io.shardeddb.shardserver.replication.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.shardeddb.protocol.shard.EntryTrace;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.stream.Frames;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replication stream's wire format, byte for byte: the hex below was written by the encoder as
 * it stood before the framing helpers moved to {@code protocol/} (issue 29), so a change that moves
 * or shares the code cannot change a byte a secondary of the old build reads.
 */
class ReplicationWireGoldenTest {
  private final ReplicateCodec codec = new ReplicateCodec(JsonMapper.createDefault());

  static final String REQUEST_HEX =
      "00000000000000070000000270300000000000000029000000000000000600000003000000000000002a0000000000000007000000055772697465000000010000000d00000002696404000000000000002a000000046e616d650800000006416e6120c3bc000000056d61726b7303000000070000000573686f72740300000003000000046279746503ffffffff000000036770610600000005332e31323500000003626967070000001e31323334353637383930313233343536373839303132333435363738393000000001640540040000000000000000000166053ff80000000000000000000379657302000000026e6f01000000046e6f6e6500000000046c69737409000000075b312c2278225d00000000067269642d3432000000000000002b00000000000000070000000644656c657465ffffffff01000000000000002affffffff000000000000002c0000000000000007000000044e6f6f700000000000ffffffff000000027331";

  /**
   * What follows the frame's first form since entries carry a commit time (docs/log-format.md):
   * version 1, then each entry's commit time; an older secondary stops reading before it.
   */
  static final long COMMIT_MILLIS = 1_767_225_600_123L;

  static final String ENTRY_FIELDS_V1_HEX =
      "01" + "0000019b76daa87b" + "0000000000000000" + "0000000000000000";

  /**
   * Version 2 (entries carry a global timestamp, DESIGN §11): the version-1 fields, the
   * bounded-read promise always (-1: none), then each entry's timestamp. A version-1 reader reads
   * the commit times and the promise where it always found them, and stops.
   */
  static final long TIMESTAMP = 0x0123456789abcdefL;

  static final String ENTRY_FIELDS_V2_HEX =
      "02" + "0000019b76daa87b" + "0000000000000000" + "0000000000000000";

  /**
   * Version 3 (traces, docs/monitoring.md): the version-2 fields, then the entry traces block — a
   * count, then per traced entry its LSN and traceparent — only when an entry is traced, so a frame
   * with traces off is a version-2 frame but for its version byte. A version-2 reader stops before
   * it.
   */
  static final String ENTRY_FIELDS_V3_HEX =
      "03" + "0000019b76daa87b" + "0000000000000000" + "0000000000000000";

  /**
   * Version 4 (an entry names its table, issue 46, docs/log-format.md): the version-3 fields, then
   * — only when an entry is of a table other than the database's first — the traces block (empty if
   * no entry is traced) and the entry tables block: a count, then per named entry its LSN and the
   * table's name. A frame of the first table alone is a version-3 frame but for its version byte; a
   * version-3 reader stops before the tables block.
   */
  static final String ENTRY_FIELDS_HEX =
      "04" + "0000019b76daa87b" + "0000000000000000" + "0000000000000000";

  /** No trace, then one table: the entry at LSN 43 is of table {@code orders}. */
  static final String NO_TRACES_HEX = "00000000";

  static final String TABLES_HEX = "00000001" + "000000000000002b" + "000000066f7264657273";

  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  /** One trace, of the entry at LSN 42. */
  static final String TRACES_HEX =
      "00000001000000000000002a0000003730302d30616637363531393136636434336464383434386562323131633830333139632d623761643662373136393230333333312d3031";

  static final String NO_PROMISE_HEX = "ffffffffffffffff";

  static final String TIMESTAMPS_HEX = "0123456789abcdef" + "0000000000000000" + "0000000000000000";

  static final String RESPONSE_HEX = "000000000000000a0000000000000003010000000000000009";
  static final String REFUSAL_HEX =
      "0500000000000000050000019900000000000000080000000c65706f63682038207365656e";

  static ReplicateRequest request() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 42L);
    row.put("name", "Ana ü");
    row.put("marks", 7);
    row.put("short", (short) 3);
    row.put("byte", (byte) -1);
    row.put("gpa", new BigDecimal("3.125"));
    row.put("big", new BigInteger("123456789012345678901234567890"));
    row.put("d", 2.5d);
    row.put("f", 1.5f);
    row.put("yes", true);
    row.put("no", false);
    row.put("none", null);
    row.put("list", List.of(1, "x"));
    return new ReplicateRequest(
        7,
        "p0",
        41,
        6,
        List.of(
            new LogEntry(
                42, 7, Operation.Write, List.of(row), null, "rid-42", COMMIT_MILLIS, TIMESTAMP),
            new LogEntry(43, 7, Operation.Delete, null, 42L, null),
            new LogEntry(44, 7, Operation.Noop, List.of(), null, null)),
        "s1");
  }

  @Test
  void aBoundedReadPromiseIsAppendedAfterTheEntryFieldsAndReadBack() {
    ReplicateRequest plain = request();
    ReplicateRequest promised =
        new ReplicateRequest(
            plain.epoch(),
            plain.primary(),
            plain.prevLsn(),
            plain.prevEpoch(),
            plain.entries(),
            plain.replica(),
            44L);
    ByteBuf buf = Unpooled.buffer();
    codec.writeRequest(buf, promised);
    assertThat(ByteBufUtil.hexDump(buf))
        .isEqualTo(REQUEST_HEX + ENTRY_FIELDS_HEX + "000000000000002c" + TIMESTAMPS_HEX);
    assertThat(codec.readRequest(buf).commitLsn()).isEqualTo(44L);
    // A frame without it (a primary without its lease, or before bounded reads): no promise.
    assertThat(
            codec
                .readRequest(
                    Unpooled.wrappedBuffer(
                        ByteBufUtil.decodeHexDump(REQUEST_HEX + ENTRY_FIELDS_V1_HEX)))
                .commitLsn())
        .isNull();
    assertThat(
            codec
                .readRequest(
                    Unpooled.wrappedBuffer(
                        ByteBufUtil.decodeHexDump(
                            REQUEST_HEX + ENTRY_FIELDS_V2_HEX + NO_PROMISE_HEX + TIMESTAMPS_HEX)))
                .commitLsn())
        .isNull();
  }

  @Test
  void aReplicateRequestIsEncodedAsBefore() {
    ByteBuf buf = Unpooled.buffer();
    codec.writeRequest(buf, request());
    assertThat(ByteBufUtil.hexDump(buf))
        .isEqualTo(REQUEST_HEX + ENTRY_FIELDS_HEX + NO_PROMISE_HEX + TIMESTAMPS_HEX);
    ReplicateRequest back = codec.readRequest(buf);
    assertThat(back.traces()).isNull();
    assertThat(back.entries().get(0).commitMillis()).isEqualTo(COMMIT_MILLIS);
    assertThat(back.entries().get(0).timestamp()).isEqualTo(TIMESTAMP);
    assertThat(back.entries().subList(1, 3)).isEqualTo(request().entries().subList(1, 3));
    assertThat(back.commitLsn()).isNull();
    assertThat(back.replica()).isEqualTo("s1");
  }

  @Test
  void entryTracesFollowEverythingAVersion2SecondaryReadsAndAreReadBack() {
    ByteBuf buf = Unpooled.buffer();
    codec.writeRequest(buf, request().withTraces(List.of(new EntryTrace(42, TRACEPARENT))));
    assertThat(ByteBufUtil.hexDump(buf))
        .isEqualTo(REQUEST_HEX + ENTRY_FIELDS_HEX + NO_PROMISE_HEX + TIMESTAMPS_HEX + TRACES_HEX);
    assertThat(codec.readRequest(buf).traces()).containsExactly(new EntryTrace(42, TRACEPARENT));
  }

  @Test
  void entryTablesFollowEverythingAVersion3SecondaryReadsAndAreReadBack() {
    ReplicateRequest plain = request();
    List<LogEntry> entries =
        List.of(
            plain.entries().get(0),
            plain.entries().get(1).withTable("orders"),
            plain.entries().get(2));
    ReplicateRequest tabled =
        new ReplicateRequest(
            plain.epoch(),
            plain.primary(),
            plain.prevLsn(),
            plain.prevEpoch(),
            entries,
            plain.replica());
    ByteBuf buf = Unpooled.buffer();
    codec.writeRequest(buf, tabled);
    assertThat(ByteBufUtil.hexDump(buf))
        .isEqualTo(
            REQUEST_HEX
                + ENTRY_FIELDS_HEX
                + NO_PROMISE_HEX
                + TIMESTAMPS_HEX
                + NO_TRACES_HEX
                + TABLES_HEX);
    ReplicateRequest back = codec.readRequest(buf);
    assertThat(back.entries()).extracting(LogEntry::table).containsExactly(null, "orders", null);
    assertThat(back.traces()).isNull();
    // With a trace too: the traces block, then the tables block.
    ByteBuf traced = Unpooled.buffer();
    codec.writeRequest(traced, tabled.withTraces(List.of(new EntryTrace(42, TRACEPARENT))));
    assertThat(ByteBufUtil.hexDump(traced))
        .isEqualTo(
            REQUEST_HEX
                + ENTRY_FIELDS_HEX
                + NO_PROMISE_HEX
                + TIMESTAMPS_HEX
                + TRACES_HEX
                + TABLES_HEX);
    ReplicateRequest tracedBack = codec.readRequest(traced);
    assertThat(tracedBack.traces()).containsExactly(new EntryTrace(42, TRACEPARENT));
    assertThat(tracedBack.entries().get(1).table()).isEqualTo("orders");
  }

  @Test
  void aFrameOfAPrimaryBeforeTablesStillDecodesWithEveryEntryOfTheFirstTable() {
    ReplicateRequest back =
        codec.readRequest(
            Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump(
                    REQUEST_HEX
                        + ENTRY_FIELDS_V3_HEX
                        + NO_PROMISE_HEX
                        + TIMESTAMPS_HEX
                        + TRACES_HEX)));
    assertThat(back.entries()).extracting(LogEntry::table).containsOnlyNulls();
    assertThat(back.traces()).containsExactly(new EntryTrace(42, TRACEPARENT));
  }

  @Test
  void aFrameOfAPrimaryBeforeTracesStillDecodesWithNoTraces() {
    ReplicateRequest back =
        codec.readRequest(
            Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump(
                    REQUEST_HEX + ENTRY_FIELDS_V2_HEX + NO_PROMISE_HEX + TIMESTAMPS_HEX)));
    assertThat(back.traces()).isNull();
    assertThat(back.entries().get(0).timestamp()).isEqualTo(TIMESTAMP);
  }

  @Test
  void aFrameOfAPrimaryBeforeGlobalTimestampsStillDecodesWithTheTimestampUnknown() {
    ReplicateRequest back =
        codec.readRequest(
            Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump(REQUEST_HEX + ENTRY_FIELDS_V1_HEX + "000000000000002c")));
    assertThat(back.entries().get(0).commitMillis()).isEqualTo(COMMIT_MILLIS);
    assertThat(back.entries()).extracting(LogEntry::timestamp).containsOnly(0L);
    assertThat(back.commitLsn()).isEqualTo(44L);
  }

  @Test
  void anEntryOfAnOlderLogOrArchiveInJsonReadsWithTheTimeUnknown() throws Exception {
    LogEntry old =
        JsonMapper.createDefault()
            .readValue(
                "{\"lsn\":5,\"epoch\":2,\"op\":\"Delete\",\"key\":9,\"requestId\":\"r\"}",
                LogEntry.class);
    assertThat(old).isEqualTo(new LogEntry(5, 2, Operation.Delete, null, 9L, "r"));
    assertThat(old.commitMillis()).isZero();
  }

  @Test
  void aFrameOfAPrimaryBeforeCommitTimesStillDecodesWithTheTimeUnknown() {
    ReplicateRequest back =
        codec.readRequest(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(REQUEST_HEX)));
    assertThat(back.entries()).extracting(LogEntry::commitMillis).containsOnly(0L);
    assertThat(back.entries().get(0).requestId()).isEqualTo("rid-42");
    assertThat(back.replica()).isEqualTo("s1");
  }

  @Test
  void aReplicateResponseIsEncodedAsBefore() {
    ByteBuf buf = Unpooled.buffer();
    ReplicateCodec.writeResponse(buf, new ReplicateResponse(10, 3, true, 9));
    assertThat(ByteBufUtil.hexDump(buf)).isEqualTo(RESPONSE_HEX);
  }

  @Test
  void aRefusalIsEncodedAsBefore() {
    ByteBuf buf = Unpooled.buffer();
    Frames.writeRefusal(buf, 5, 409, "epoch 8 seen", 8);
    assertThat(ByteBufUtil.hexDump(buf)).isEqualTo(REFUSAL_HEX);
  }
}
