package io.shardeddb.shardserver.replication.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream's binary encoding gives back exactly what was encoded, value types included. */
class ReplicateCodecTest {
  private final ReplicateCodec codec = new ReplicateCodec(JsonMapper.createDefault());

  @Test
  void aRequestWithTypedRowsKeysAndPingsRoundTrips() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_id", 42L);
    row.put("Stud_name", "Ana ü");
    row.put("Stud_marks", 7);
    row.put("gpa", new BigDecimal("3.125"));
    row.put("active", true);
    row.put("note", null);
    Map<String, Object> nested = new HashMap<>();
    nested.put("list", List.of(1, 2));
    ReplicateRequest request =
        new ReplicateRequest(
            7,
            "p0",
            41,
            6,
            List.of(
                new LogEntry(42, 7, Operation.Write, List.of(row), null, "rid-42", 1_000L),
                new LogEntry(43, 7, Operation.Delete, null, 42L, null, 1_001L),
                new LogEntry(44, 7, Operation.Noop, List.of(nested), null, "rid-44", 1_002L)));

    ReplicateRequest back = roundTrip(request);

    assertThat(back.epoch()).isEqualTo(7);
    assertThat(back.primary()).isEqualTo("p0");
    assertThat(back.prevLsn()).isEqualTo(41);
    assertThat(back.prevEpoch()).isEqualTo(6);
    assertThat(back.entries().get(0)).isEqualTo(request.entries().get(0));
    assertThat(back.entries().get(0).rows().get(0).get("Stud_marks")).isInstanceOf(Integer.class);
    assertThat(back.entries().get(0).rows().get(0).get("gpa")).isEqualTo(new BigDecimal("3.125"));
    assertThat(back.entries().get(1)).isEqualTo(request.entries().get(1));
    assertThat(back.entries().get(2).rows().get(0).get("list")).isEqualTo(List.of(1, 2));
    assertThat(back.entries())
        .extracting(LogEntry::commitMillis)
        .containsExactly(1_000L, 1_001L, 1_002L);
    assertThat(roundTrip(new ReplicateRequest(7, "p0", 44, 7, List.of())).entries()).isEmpty();
  }

  @Test
  void aStringKeyTravelsAsTextAndANumberKeyAsBefore() {
    ReplicateRequest request =
        new ReplicateRequest(
            3,
            "p0",
            9,
            3,
            List.of(
                new LogEntry(10, 3, Operation.Delete, null, "usér-😀", "rid-10", 5L)
                    .withTable("users"),
                new LogEntry(
                        11, 3, Operation.Update, List.of(Map.of("city", "Oslo")), "a", null, 6L)
                    .withTable("users"),
                new LogEntry(12, 3, Operation.Delete, null, 42L, null, 7L)));

    ReplicateRequest back = roundTrip(request);

    assertThat(back.entries()).isEqualTo(request.entries());
    assertThat(back.entries().get(0).key()).isEqualTo("usér-😀");
    assertThat(back.entries().get(2).key()).isInstanceOf(Long.class).isEqualTo(42L);
  }

  @Test
  void aResponseRoundTrips() {
    ByteBuf buf = Unpooled.buffer();
    ReplicateCodec.writeResponse(buf, new ReplicateResponse(10, 3, true, 9));
    assertThat(ReplicateCodec.readResponse(buf)).isEqualTo(new ReplicateResponse(10, 3, true, 9));
  }

  private ReplicateRequest roundTrip(ReplicateRequest r) {
    ByteBuf buf = Unpooled.buffer();
    codec.writeRequest(buf, r);
    ReplicateRequest back = codec.readRequest(buf);
    assertThat(buf.readableBytes()).isZero();
    return back;
  }
}
