package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's {@code logging.format} and {@code logging.level} configure the operator's own log:
 * they reach its Deployment as {@code SHARDEDDB_LOG_FORMAT} / {@code SHARDEDDB_LOG_LEVEL}, and
 * those, given to the logging configuration every process includes (protocol's {@code
 * logback-included.xml}, as the operator's {@code logback.xml} does), give JSON or plain lines at
 * that level. The databases' pods are not configured by these values: each database sets its own in
 * {@code spec.logging} (the operator's SettingsTable, tested in the operator module).
 */
class LoggingValuesTest {
  private final ChartUnderTest chart = new ChartUnderTest();

  private Map<String, String> operatorEnv(Map<String, Object> values) {
    return chart
        .render(values)
        .one(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  /** A logback context configured as the operator's log is, with this environment. */
  private static LoggerContext operatorLogging(Map<String, String> env) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    // Logback resolves ${SHARDEDDB_LOG_...} from context properties before the process env.
    env.forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    String config =
        "<configuration><include resource=\"io/shardeddb/protocol/logging/logback-included.xml\"/>"
            + "</configuration>";
    configurator.doConfigure(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
    return context;
  }

  /** One line as the operator's console appender would write it. */
  private static String line(LoggerContext context, String message) {
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    OutputStreamAppender<?> console = (OutputStreamAppender<?>) root.getAppender("console");
    @SuppressWarnings("unchecked")
    var encoder =
        (ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent>)
            console.getEncoder();
    LoggingEvent event =
        new LoggingEvent(
            LoggingValuesTest.class.getName(),
            context.getLogger("io.shardeddb.operator.Test"),
            Level.WARN,
            message,
            null,
            null);
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "format {0}, level {1}")
  @CsvSource({"json, debug", "plain, warn", "json, error", "plain, trace"})
  void theValuesReachTheOperatorAndSetItsLinesAndLevel(String format, String level)
      throws Exception {
    Map<String, String> env = operatorEnv(Map.of("logging.format", format, "logging.level", level));

    assertThat(env)
        .containsEntry("SHARDEDDB_LOG_FORMAT", format)
        .containsEntry("SHARDEDDB_LOG_LEVEL", level);

    LoggerContext context = operatorLogging(env);
    try {
      assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
          .isEqualTo(Level.toLevel(level.toUpperCase(java.util.Locale.ROOT), null));
      String line = line(context, "reconciled");
      if (format.equals("json")) {
        assertThat(line).startsWith("{").contains("\"reconciled\"").contains("\"WARN\"");
      } else {
        // ISO-8601 time first, then the level: a plain line, not a JSON object.
        assertThat(line).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+ WARN .* - reconciled\\R");
      }
    } finally {
      context.stop();
    }
  }

  @Test
  void theDefaultIsJsonAtInfo() throws Exception {
    Map<String, String> env = operatorEnv(Map.of());
    assertThat(env)
        .containsEntry("SHARDEDDB_LOG_FORMAT", "json")
        .containsEntry("SHARDEDDB_LOG_LEVEL", "info");
    LoggerContext context = operatorLogging(env);
    try {
      assertThat(line(context, "x")).startsWith("{");
      assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
          .isEqualTo(Level.INFO);
    } finally {
      context.stop();
    }
  }

  @Test
  void anUnknownFormatOrLevelFailsTheInstallNamingTheValue() {
    assertThatThrownBy(() -> chart.render(Map.of("logging.format", "xml")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format");
    assertThatThrownBy(() -> chart.render(Map.of("logging.level", "verbose")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("level");
  }
}
