package io.shardeddb.router.trace;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.shardeddb.protocol.trace.Tracing;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The router's {@link Tracing}, service {@code shardeddb-router}, from the {@code otel.*} settings
 * ({@link Tracing#SETTINGS}; Micronaut maps {@code OTEL_EXPORTER_OTLP_ENDPOINT} and the like from
 * the environment), flushed and closed with the application.
 */
@Factory
class TracingFactory {
  static final String SERVICE = "shardeddb-router";

  @Singleton
  @Bean(preDestroy = "close")
  Tracing tracing(Environment environment) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String name : Tracing.SETTINGS) {
      environment.getProperty(name, String.class).ifPresent(v -> settings.put(name, v));
    }
    return Tracing.open(SERVICE, settings);
  }
}
