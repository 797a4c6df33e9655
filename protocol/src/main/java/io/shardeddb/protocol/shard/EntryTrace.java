package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The trace context of the client write a replicated log entry came from (docs/monitoring.md,
 * "Traces"): the entry's {@code lsn} and the W3C {@code traceparent} of the primary's write span
 * ({@code io.shardeddb.protocol.trace.TraceContext}). Sent beside the entries, never stored in the
 * log.
 */
@Serdeable
public record EntryTrace(long lsn, String traceparent) {}
