/**
 * The router's tracer (docs/monitoring.md, "Traces"): OpenTelemetry from the standard {@code
 * OTEL_*} settings, off unless an OTLP endpoint or exporter is set. The write path starts a span
 * per client write and names it in each shard write it sends.
 */
package io.shardeddb.router.trace;
