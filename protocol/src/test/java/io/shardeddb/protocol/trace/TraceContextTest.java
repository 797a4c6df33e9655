package io.shardeddb.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.shardeddb.protocol.shard.EntryTrace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The traceparent encoding every hop shares, and the replicate request's entry traces block. */
class TraceContextTest {
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN = "b7ad6b7169203331";
  static final String SAMPLED = "00-" + TRACE + "-" + SPAN + "-01";

  @Test
  void aSpanContextIsWrittenAsW3cTraceparentAndReadBack() {
    SpanContext c =
        SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault());
    assertThat(TraceContext.traceparent(c)).isEqualTo(SAMPLED);
    SpanContext back = TraceContext.parse(SAMPLED);
    assertThat(back.isValid()).isTrue();
    assertThat(back.isRemote()).isTrue();
    assertThat(back.getTraceId()).isEqualTo(TRACE);
    assertThat(back.getSpanId()).isEqualTo(SPAN);
    assertThat(back.isSampled()).isTrue();
    assertThat(TraceContext.parse("00-" + TRACE + "-" + SPAN + "-00").isSampled()).isFalse();
  }

  @Test
  void noContextIsWrittenAsNothing() {
    assertThat(TraceContext.traceparent(SpanContext.getInvalid())).isNull();
    assertThat(TraceContext.traceparent((SpanContext) null)).isNull();
    assertThat(TraceContext.traceparent(Span.getInvalid())).isNull();
  }

  @Test
  void malformedTraceparentsAreNoContextNeverAnError() {
    for (String bad :
        new String[] {
          null,
          "",
          "garbage",
          "00-" + TRACE + "-" + SPAN,
          "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01",
          "00-00000000000000000000000000000000-" + SPAN + "-01",
          "00-" + TRACE + "-0000000000000000-01",
          "ff-" + TRACE + "-" + SPAN + "-01",
          "00-" + TRACE + "-" + SPAN + "-01-extra",
          "00_" + TRACE + "-" + SPAN + "-01",
          "00-" + TRACE + "-" + SPAN + "-zz"
        }) {
      assertThat(TraceContext.parse(bad).isValid()).as(bad).isFalse();
      assertThat(Span.fromContext(TraceContext.parent(bad)).getSpanContext().isValid())
          .as(bad)
          .isFalse();
    }
  }

  @Test
  void aNewerVersionIsReadAsVersion00WithItsExtraFieldsIgnored() {
    SpanContext c = TraceContext.parse("01-" + TRACE + "-" + SPAN + "-01-whatever");
    assertThat(c.isValid()).isTrue();
    assertThat(c.getSpanId()).isEqualTo(SPAN);
  }

  @Test
  void theParentOfATracedRequestIsTheRemoteSpan() {
    Context parent = TraceContext.parent(SAMPLED);
    assertThat(Span.fromContext(parent).getSpanContext().getSpanId()).isEqualTo(SPAN);
  }

  @Test
  void entryTracesRoundTripAfterWhatEverOtherFieldIsRead() {
    ByteBuf buf = Unpooled.buffer();
    buf.writeLong(42); // a field before the block
    TraceContext.writeEntryTraces(
        buf, List.of(new EntryTrace(12, SAMPLED), new EntryTrace(14, null)));
    assertThat(buf.readLong()).isEqualTo(42);
    assertThat(TraceContext.readEntryTraces(buf))
        .containsExactly(new EntryTrace(12, SAMPLED), new EntryTrace(14, null));
    assertThat(buf.isReadable()).isFalse();
  }

  @Test
  void noBlockReadsAsNoTracesAndNoneIsFourBytes() {
    assertThat(TraceContext.readEntryTraces(Unpooled.buffer())).isEmpty();
    ByteBuf none = Unpooled.buffer();
    TraceContext.writeEntryTraces(none, null);
    assertThat(none.readableBytes()).isEqualTo(4);
    assertThat(TraceContext.readEntryTraces(none)).isEmpty();
  }

  @Test
  void aCountBeyondTheFrameIsRefused() {
    ByteBuf buf = Unpooled.buffer().writeInt(1_000_000);
    assertThatThrownBy(() -> TraceContext.readEntryTraces(buf))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
