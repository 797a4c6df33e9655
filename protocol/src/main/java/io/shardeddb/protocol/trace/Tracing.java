package io.shardeddb.protocol.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A process's tracer (docs/monitoring.md, "Traces"): OpenTelemetry's no-op tracer unless traces are
 * switched on ({@link #enabled}), then the SDK as OpenTelemetry's autoconfigure builds it from the
 * standard {@code OTEL_*} settings — an OTLP exporter over HTTP/protobuf (the JDK's HTTP client;
 * gRPC's sender is not shipped) behind a batch span processor, no metrics or logs exporter (metrics
 * are Prometheus'; logs go to stdout). Off costs a no-op span per write and nothing on the wire.
 */
public final class Tracing implements AutoCloseable {
  /** The instrumentation scope of every ShardedDB span. */
  public static final String SCOPE = "io.shardeddb";

  /**
   * The settings a process passes from its own configuration ({@link #open}): the Micronaut
   * properties of the same names, which Micronaut also maps from the {@code OTEL_*} environment.
   * Autoconfigure reads these and every other {@code OTEL_*} variable from the environment itself.
   */
  public static final List<String> SETTINGS =
      List.of(
          "otel.sdk.disabled",
          "otel.traces.exporter",
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.traces.endpoint",
          "otel.exporter.otlp.protocol",
          "otel.exporter.otlp.traces.protocol",
          "otel.exporter.otlp.headers",
          "otel.service.name",
          "otel.resource.attributes",
          "otel.traces.sampler",
          "otel.traces.sampler.arg",
          "otel.bsp.schedule.delay");

  private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null);

  private final OpenTelemetry telemetry;
  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetry telemetry, OpenTelemetrySdk sdk) {
    this.telemetry = telemetry;
    this.sdk = sdk;
  }

  /** No traces: the no-op tracer (tests, the simulator). */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Whether traces are on, given a setting's value by its property name ({@code
   * otel.traces.exporter}; null when unset): not when {@code otel.sdk.disabled} is true; else as
   * {@code otel.traces.exporter} says when it is set ({@code none}: off, anything else: on); else
   * on exactly when an OTLP endpoint ({@code otel.exporter.otlp.endpoint} or its traces-only form)
   * is set. So, unlike autoconfigure alone, nothing is exported (to localhost:4318) by default.
   */
  public static boolean enabled(Function<String, String> setting) {
    if ("true".equalsIgnoreCase(trimmed(setting.apply("otel.sdk.disabled")))) {
      return false;
    }
    String exporter = trimmed(setting.apply("otel.traces.exporter"));
    if (exporter != null) {
      return !exporter.equalsIgnoreCase("none");
    }
    return trimmed(setting.apply("otel.exporter.otlp.endpoint")) != null
        || trimmed(setting.apply("otel.exporter.otlp.traces.endpoint")) != null;
  }

  /**
   * The tracer of service {@code serviceName} (unless {@code otel.service.name} names another):
   * {@link #off()} unless {@link #enabled}, judged on {@code configured} (the process's own
   * settings, {@link #SETTINGS}), then the system properties, then the environment ({@code
   * OTEL_TRACES_EXPORTER} for {@code otel.traces.exporter}).
   */
  public static Tracing open(String serviceName, Map<String, String> configured) {
    Map<String, String> given = new LinkedHashMap<>();
    configured.forEach(
        (k, v) -> {
          if (trimmed(v) != null) {
            given.put(k, v.trim());
          }
        });
    if (!enabled(name -> lookup(given, name))) {
      return OFF;
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.service.name", serviceName,
                        // OTLP over HTTP (Java's autoconfigure defaults to gRPC, whose sender the
                        // images do not ship), and no OTLP metrics or logs.
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .addPropertiesCustomizer(config -> given)
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    return new Tracing(sdk, sdk);
  }

  /** The tracer of an SDK built elsewhere (tests export to memory); closing closes it. */
  public static Tracing of(OpenTelemetrySdk sdk) {
    return new Tracing(sdk, sdk);
  }

  /** Whether spans are recorded and exported. */
  public boolean on() {
    return sdk != null;
  }

  public OpenTelemetry telemetry() {
    return telemetry;
  }

  public Tracer tracer() {
    return telemetry.getTracer(SCOPE);
  }

  /** Exports what is left and stops the exporter (the process is stopping). */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.close();
    }
  }

  /** A setting from {@code given}, else the system property, else the environment variable. */
  private static String lookup(Map<String, String> given, String name) {
    String v = given.get(name);
    if (v == null) {
      v = System.getProperty(name);
    }
    if (v == null) {
      v = System.getenv(environmentName(name));
    }
    return v;
  }

  /** {@code otel.traces.exporter} → {@code OTEL_TRACES_EXPORTER}. */
  static String environmentName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
