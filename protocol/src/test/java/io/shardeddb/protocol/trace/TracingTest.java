package io.shardeddb.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When traces are on: off by default, on by the standard OTEL_* settings. */
class TracingTest {
  private static boolean enabled(Map<String, String> settings) {
    return Tracing.enabled(settings::get);
  }

  @Test
  void offByDefault() {
    assertThat(enabled(Map.of())).isFalse();
  }

  @Test
  void onWithAnOtlpEndpoint() {
    assertThat(enabled(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318"))).isTrue();
    assertThat(
            enabled(
                Map.of("otel.exporter.otlp.traces.endpoint", "http://collector:4318/v1/traces")))
        .isTrue();
    assertThat(enabled(Map.of("otel.exporter.otlp.endpoint", "  "))).isFalse();
  }

  @Test
  void theExporterSettingDecidesWhenSet() {
    assertThat(enabled(Map.of("otel.traces.exporter", "otlp"))).isTrue();
    assertThat(enabled(Map.of("otel.traces.exporter", "console"))).isTrue();
    assertThat(
            enabled(
                Map.of(
                    "otel.traces.exporter", "none",
                    "otel.exporter.otlp.endpoint", "http://collector:4318")))
        .isFalse();
  }

  @Test
  void theSdkSwitchWins() {
    assertThat(
            enabled(
                Map.of(
                    "otel.sdk.disabled", "true",
                    "otel.traces.exporter", "otlp",
                    "otel.exporter.otlp.endpoint", "http://collector:4318")))
        .isFalse();
  }

  @Test
  void environmentNamesAreTheStandardOnes() {
    assertThat(Tracing.environmentName("otel.exporter.otlp.endpoint"))
        .isEqualTo("OTEL_EXPORTER_OTLP_ENDPOINT");
    assertThat(Tracing.environmentName("otel.traces.exporter")).isEqualTo("OTEL_TRACES_EXPORTER");
  }

  @Test
  void offIsTheNoopTracerWhoseSpansCarryNothing() {
    Tracing off = Tracing.open("test", Map.of("otel.traces.exporter", "none"));
    assertThat(off.on()).isFalse();
    Span span = off.tracer().spanBuilder("x").startSpan();
    assertThat(TraceContext.traceparent(span)).isNull();
    span.end();
    off.close();
  }

  @Test
  void onBuildsTheSdkWhoseSpansHaveContexts() {
    try (Tracing on =
        Tracing.open(
            "test",
            Map.of(
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:9",
                // Spans with contexts but none exported: closing has nothing to send.
                "otel.traces.sampler", "always_off"))) {
      assertThat(on.on()).isTrue();
      Span span = on.tracer().spanBuilder("x").startSpan();
      assertThat(TraceContext.parse(TraceContext.traceparent(span)).isValid()).isTrue();
      span.end();
    }
  }
}
