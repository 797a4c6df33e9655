package io.shardeddb.protocol.trace;

import io.netty.buffer.ByteBuf;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.shardeddb.protocol.shard.EntryTrace;
import io.shardeddb.protocol.stream.Frames;
import java.util.ArrayList;
import java.util.List;

/**
 * The one encoding of a trace context on ShardedDB's own hops (docs/monitoring.md, "Traces"): the
 * W3C Trace Context {@code traceparent} ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex
 * flags>}; trace state is not carried). A router's write names its span in the {@code traceparent}
 * field of each {@code ShardWriteRequest} (so a coalesced {@code /write/batch} carries one per
 * request, over the data stream and HTTP alike); a primary names its write span per replicated
 * entry ({@link EntryTrace}) in the replicate request's trailing block ({@link #writeEntryTraces})
 * or its JSON {@code traces}. Anything that does not parse is no context: a trace is never a reason
 * to refuse a request.
 */
public final class TraceContext {
  private TraceContext() {}

  private static final int LENGTH = 55;

  /** The W3C header a client may send its own span in; the router's write span continues it. */
  public static final String HEADER = "traceparent";

  /** {@code context} as a {@code traceparent}; null when it is not valid (tracing off). */
  public static String traceparent(SpanContext context) {
    if (context == null || !context.isValid()) {
      return null;
    }
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }

  /** The span's context as a {@code traceparent}; null when it records nothing (tracing off). */
  public static String traceparent(Span span) {
    return span == null ? null : traceparent(span.getSpanContext());
  }

  /**
   * The remote span context {@code traceparent} names; {@link SpanContext#getInvalid()} when it is
   * null or malformed (a version {@code ff}, a wrong length, ids all zero or not lower-case hex). A
   * version above 00 is read as 00 is, its extra fields ignored (W3C's rule for newer versions).
   */
  public static SpanContext parse(String traceparent) {
    if (traceparent == null || traceparent.length() < LENGTH) {
      return SpanContext.getInvalid();
    }
    String version = traceparent.substring(0, 2);
    if (!isHex(version)
        || version.equals("ff")
        || traceparent.charAt(2) != '-'
        || traceparent.charAt(35) != '-'
        || traceparent.charAt(52) != '-'
        || (version.equals("00") && traceparent.length() != LENGTH)
        || (traceparent.length() > LENGTH && traceparent.charAt(LENGTH) != '-')) {
      return SpanContext.getInvalid();
    }
    String traceId = traceparent.substring(3, 35);
    String spanId = traceparent.substring(36, 52);
    String flags = traceparent.substring(53, 55);
    if (!TraceId.isValid(traceId) || !SpanId.isValid(spanId) || !isHex(flags)) {
      return SpanContext.getInvalid();
    }
    return SpanContext.createFromRemoteParent(
        traceId, spanId, TraceFlags.fromHex(flags, 0), TraceState.getDefault());
  }

  /** The parent for a span of a request that carried {@code traceparent}: none (root) if none. */
  public static Context parent(String traceparent) {
    SpanContext remote = parse(traceparent);
    return remote.isValid() ? Context.root().with(Span.wrap(remote)) : Context.root();
  }

  /**
   * Writes the entry traces block of a binary replicate request: a count, then per traced entry its
   * LSN and {@code traceparent} ({@link Frames#writeString}). Written after every field an older
   * reader reads, so it ignores it.
   */
  public static void writeEntryTraces(ByteBuf out, List<EntryTrace> traces) {
    List<EntryTrace> list = traces == null ? List.of() : traces;
    out.writeInt(list.size());
    for (EntryTrace t : list) {
      out.writeLong(t.lsn());
      Frames.writeString(out, t.traceparent());
    }
  }

  /** Reads what {@link #writeEntryTraces} wrote; empty when the block is absent. */
  public static List<EntryTrace> readEntryTraces(ByteBuf in) {
    if (in.readableBytes() < Integer.BYTES) {
      return List.of();
    }
    int n = in.readInt();
    if (n < 0 || n > in.readableBytes() / (Long.BYTES + Integer.BYTES)) {
      throw new IllegalArgumentException("malformed entry traces block: " + n + " traces");
    }
    List<EntryTrace> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long lsn = in.readLong();
      out.add(new EntryTrace(lsn, Frames.readString(in)));
    }
    return out;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
