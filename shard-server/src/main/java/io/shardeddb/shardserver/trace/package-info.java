/**
 * The shard-server's tracer (docs/monitoring.md, "Traces"): OpenTelemetry from the standard {@code
 * OTEL_*} settings, off unless an OTLP endpoint or exporter is set; the primary's write spans, the
 * trace context it sends with the entries it replicates, and a secondary's apply spans.
 */
package io.shardeddb.shardserver.trace;
