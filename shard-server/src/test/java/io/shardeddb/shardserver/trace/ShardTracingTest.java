package io.shardeddb.shardserver.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.shardeddb.protocol.shard.EntryTrace;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.trace.TraceContext;
import io.shardeddb.protocol.trace.Tracing;
import io.shardeddb.shardserver.config.ServerSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shard-server's spans, exported to memory: the primary's write span is the child of the span
 * its request names, the entries it becomes carry it to the secondaries, and a secondary's apply
 * span is its child (linked to the other writes of the same request); off, nothing is added.
 */
class ShardTracingTest {
  static final String ROUTER_SPAN = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final Tracing tracing =
      Tracing.of(
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .addSpanProcessor(SimpleSpanProcessor.create(exported))
                      .build())
              .build());

  @AfterEach
  void close() {
    tracing.close();
  }

  private static ShardWriteRequest write(String requestId, String traceparent) {
    return new ShardWriteRequest(
        "sh1", null, List.of(Map.of("id", 1)), requestId, null, traceparent);
  }

  private static ReplicateRequest replicate(String... requestIds) {
    List<LogEntry> entries = new java.util.ArrayList<>();
    long lsn = 10;
    for (String id : requestIds) {
      entries.add(new LogEntry(++lsn, 3, Operation.Write, List.of(Map.of("id", 1)), null, id));
    }
    return new ReplicateRequest(3, "p0", 10, 3, entries, "s1", null);
  }

  @Test
  void aWriteSpanIsTheChildOfTheRoutersAndItsEntriesCarryIt() {
    ShardTracing primary = new ShardTracing(tracing, new ServerSettings("p0"));
    String[] inside = new String[1];
    String answer =
        primary.write(
            write("r-1/sh1", ROUTER_SPAN),
            () -> {
              inside[0] = TraceContext.traceparent(Span.current());
              return "ok";
            });
    assertThat(answer).isEqualTo("ok");
    SpanData span = exported.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("shard write");
    assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(TraceContext.traceparent(span.getSpanContext())).isEqualTo(inside[0]);

    ReplicateRequest sent = primary.withTraces(replicate("other", "r-1/sh1", null));
    assertThat(sent.traces()).containsExactly(new EntryTrace(12, inside[0]));
  }

  @Test
  void anApplySpanIsTheChildOfTheFirstTracedWriteAndLinksTheOthers() {
    ShardTracing primary = new ShardTracing(tracing, new ServerSettings("p0"));
    primary.writes(List.of(write("a", ROUTER_SPAN), write("b", null)), () -> "batched");
    ReplicateRequest sent = primary.withTraces(replicate("a", "b"));
    assertThat(sent.traces()).hasSize(2);
    exported.reset();

    ShardTracing secondary = new ShardTracing(tracing, new ServerSettings("s1"));
    assertThat(secondary.apply(sent, () -> 7)).isEqualTo(7);
    SpanData apply = exported.getFinishedSpanItems().get(0);
    assertThat(apply.getName()).isEqualTo("replicate apply");
    SpanContext first = TraceContext.parse(sent.traces().get(0).traceparent());
    SpanContext second = TraceContext.parse(sent.traces().get(1).traceparent());
    assertThat(apply.getTraceId()).isEqualTo(first.getTraceId());
    assertThat(apply.getParentSpanId()).isEqualTo(first.getSpanId());
    assertThat(apply.getLinks())
        .extracting(LinkData::getSpanContext)
        .extracting(SpanContext::getSpanId)
        .containsExactly(second.getSpanId());
    assertThat(apply.getAttributes().asMap().toString()).contains("s1");
  }

  @Test
  void pingsAndUntracedEntriesGetNoApplySpan() {
    ShardTracing secondary = new ShardTracing(tracing, new ServerSettings("s1"));
    secondary.apply(replicate(), () -> 1);
    secondary.apply(replicate("x"), () -> 1);
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void offAddsNothingAndRecordsNothing() {
    ShardTracing off = new ShardTracing(Tracing.off(), new ServerSettings("p0"));
    off.write(write("r", ROUTER_SPAN), () -> 1);
    ReplicateRequest r = replicate("r");
    assertThat(off.withTraces(r)).isSameAs(r);
    assertThat(off.apply(r.withTraces(List.of(new EntryTrace(11, ROUTER_SPAN))), () -> 2))
        .isEqualTo(2);
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }
}
