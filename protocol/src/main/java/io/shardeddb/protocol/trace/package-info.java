/**
 * Traces (docs/monitoring.md, "Traces"): the one encoding of a trace context on ShardedDB's own
 * hops ({@link io.shardeddb.protocol.trace.TraceContext}: W3C {@code traceparent}) and the tracer's
 * setup ({@link io.shardeddb.protocol.trace.Tracing}: OpenTelemetry, off unless an OTLP endpoint or
 * exporter is set). OpenTelemetry is an optional dependency here: only the router and the
 * shard-server, which declare it, load these classes.
 */
package io.shardeddb.protocol.trace;
