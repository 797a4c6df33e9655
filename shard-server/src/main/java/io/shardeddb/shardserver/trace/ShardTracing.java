package io.shardeddb.shardserver.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.shardeddb.protocol.shard.EntryTrace;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.trace.TraceContext;
import io.shardeddb.protocol.trace.Tracing;
import io.shardeddb.shardserver.config.ServerSettings;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The shard-server's spans (docs/monitoring.md, "Traces"), all no-ops while traces are off:
 *
 * <ul>
 *   <li>{@code shard write} — the primary's write and commit of one client write (until its quorum
 *       answered), a child of the router's span that the request names ({@code traceparent});
 *   <li>the trace context of each replicated entry: the write span remembered by the write's
 *       request id ({@link #REMEMBERED} most recent), added to each replicate request as it is sent
 *       ({@link #withTraces}), over the stream or HTTP;
 *   <li>{@code replicate apply} — a secondary's apply of one replicate request, a child of the
 *       write span of its first traced entry and linked to the write spans of the others (a request
 *       carries every entry committed while the previous one was in flight).
 * </ul>
 */
@Singleton
public class ShardTracing {
  /** How many recent writes' spans are remembered for the entries they become. */
  static final int REMEMBERED = 4096;

  private final Tracing tracing;
  private final String server;

  /** Request id → the traceparent of its write span; the most recent {@link #REMEMBERED}. */
  private final Map<String, String> byRequestId =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED;
        }
      };

  public ShardTracing(Tracing tracing, ServerSettings server) {
    this.tracing = tracing;
    this.server = server.name();
  }

  /** Runs one client write ({@code /write}, or its data stream call) in its write span. */
  public <T> T write(ShardWriteRequest request, Supplier<T> write) {
    if (!tracing.on() || request == null) {
      return write.get();
    }
    return writes(List.of(request), write);
  }

  /**
   * Runs a {@code /write/batch} with one write span per request in it (each a child of the span its
   * request names), ended together when the batch is answered.
   */
  public <T> T writes(List<ShardWriteRequest> requests, Supplier<T> write) {
    if (!tracing.on() || requests == null) {
      return write.get();
    }
    List<Span> spans = new ArrayList<>(requests.size());
    for (ShardWriteRequest r : requests) {
      if (r != null) {
        spans.add(writeSpan(r));
      }
    }
    Span first = spans.isEmpty() ? Span.getInvalid() : spans.get(0);
    try (Scope ignored = first.makeCurrent()) {
      return write.get();
    } catch (RuntimeException e) {
      spans.forEach(s -> s.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage())));
      throw e;
    } finally {
      spans.forEach(Span::end);
    }
  }

  private Span writeSpan(ShardWriteRequest r) {
    Span span =
        tracing
            .tracer()
            .spanBuilder("shard write")
            .setParent(TraceContext.parent(r.traceparent()))
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("shardeddb.replica", server)
            .setAttribute("shardeddb.shard", String.valueOf(r.shard()))
            .setAttribute("shardeddb.rows", r.data() == null ? 0 : r.data().size())
            .startSpan();
    if (r.requestId() != null) {
      remember(r.requestId(), TraceContext.traceparent(span));
    }
    return span;
  }

  private void remember(String requestId, String traceparent) {
    if (traceparent != null) {
      synchronized (byRequestId) {
        byRequestId.put(requestId, traceparent);
      }
    }
  }

  /**
   * {@code request} naming the write span of each entry that came from a remembered write
   * (unchanged when none did, or traces are off).
   */
  public ReplicateRequest withTraces(ReplicateRequest request) {
    if (!tracing.on() || request.entries() == null || request.entries().isEmpty()) {
      return request;
    }
    List<EntryTrace> traces = new ArrayList<>();
    synchronized (byRequestId) {
      if (byRequestId.isEmpty()) {
        return request;
      }
      for (LogEntry e : request.entries()) {
        String traceparent = e.requestId() == null ? null : byRequestId.get(e.requestId());
        if (traceparent != null) {
          traces.add(new EntryTrace(e.lsn(), traceparent));
        }
      }
    }
    return traces.isEmpty() ? request : request.withTraces(traces);
  }

  /**
   * Runs a secondary's apply of {@code request} in its apply span when the request names a trace
   * (no span for the pings and untraced entries between).
   */
  public <T> T apply(ReplicateRequest request, Supplier<T> apply) {
    List<EntryTrace> traces = request.traces();
    if (!tracing.on() || traces == null || traces.isEmpty() || request.entries() == null) {
      return apply.get();
    }
    Span span = applySpan(request, traces);
    try (Scope ignored = span.makeCurrent()) {
      return apply.get();
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } finally {
      span.end();
    }
  }

  private Span applySpan(ReplicateRequest request, List<EntryTrace> traces) {
    List<LogEntry> entries = request.entries();
    SpanBuilder b =
        tracing
            .tracer()
            .spanBuilder("replicate apply")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("shardeddb.replica", server)
            .setAttribute("shardeddb.primary", String.valueOf(request.primary()))
            .setAttribute("shardeddb.epoch", request.epoch())
            .setAttribute("shardeddb.entries", entries.size());
    if (!entries.isEmpty()) {
      b.setAttribute("shardeddb.lsn.first", entries.get(0).lsn())
          .setAttribute("shardeddb.lsn.last", entries.get(entries.size() - 1).lsn());
    }
    Context parent = Context.root();
    for (EntryTrace t : traces) {
      SpanContext c = TraceContext.parse(t.traceparent());
      if (!c.isValid()) {
        continue;
      }
      if (parent == Context.root()) {
        parent = Context.root().with(Span.wrap(c));
      } else {
        b.addLink(c);
      }
    }
    return b.setParent(parent).startSpan();
  }
}
