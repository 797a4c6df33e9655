package io.shardeddb.protocol.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The shared logback configuration (logback-included.xml, as the router, shard-server and operator
 * include it) in a fresh logger context, with the settings the operator gives pods as context
 * properties (logback resolves them before system properties and the environment): what reaches the
 * console in each format.
 */
class LoggingConfigurationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG =
      "<configuration><include resource=\"io/shardeddb/protocol/logging/logback-included.xml\"/>"
          + "</configuration>";

  @Test
  void jsonLinesCarryTheDatabaseShardPodAndRequestId() throws Exception {
    List<String> lines =
        logWith(
            Map.of(
                "SHARDEDDB_LOG_FORMAT", "json",
                "SHARDEDDB_LOG_DATABASE", "students",
                "SHARDEDDB_LOG_SHARD", "sh1",
                "SHARDEDDB_LOG_POD", "students-sh1-0"),
            log -> {
              MDC.put(RequestIds.MDC_KEY, "req-42");
              try {
                log.info("wrote {} rows", 3);
              } finally {
                MDC.remove(RequestIds.MDC_KEY);
              }
              log.warn("no \"quorum\"", new IllegalStateException("boom"));
            });

    assertThat(lines).hasSize(2);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("loggerName").asText()).isEqualTo("test.logger");
    assertThat(first.get("formattedMessage").asText()).isEqualTo("wrote 3 rows");
    assertThat(first.get("database").asText()).isEqualTo("students");
    assertThat(first.get("shard").asText()).isEqualTo("sh1");
    assertThat(first.get("pod").asText()).isEqualTo("students-sh1-0");
    assertThat(first.get("mdc").get("requestId").asText()).isEqualTo("req-42");
    assertThat(Instant.parse(first.get("time").asText()).toEpochMilli())
        .isEqualTo(first.get("timestamp").asLong());
    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("formattedMessage").asText()).isEqualTo("no \"quorum\"");
    assertThat(second.get("throwable").get("message").asText()).isEqualTo("boom");
    assertThat(second.path("mdc").has(RequestIds.MDC_KEY)).isFalse();
  }

  @Test
  void anOperatorLineHasNoShardWhenNoneIsSet() throws Exception {
    List<String> lines =
        logWith(
            Map.of("SHARDEDDB_LOG_FORMAT", "json", "SHARDEDDB_LOG_POD", "shardeddb-operator-0"),
            log -> log.info("started"));

    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.get("pod").asText()).isEqualTo("shardeddb-operator-0");
    assertThat(line.has("database")).isFalse();
    assertThat(line.has("shard")).isFalse();
  }

  @Test
  void plainIsTheDefaultWithADateAndTheRequestIdWhenThereIsOne() {
    List<String> lines =
        logWith(
            Map.of(),
            log -> {
              log.info("outside a request");
              MDC.put(RequestIds.MDC_KEY, "req-7");
              try {
                log.info("inside a request");
              } finally {
                MDC.remove(RequestIds.MDC_KEY);
              }
            });

    assertThat(lines).hasSize(2);
    String date = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})";
    assertThat(lines.get(0)).matches(date + " INFO  \\[[^]]+\\] test\\.logger - outside a request");
    assertThat(lines.get(1))
        .matches(date + " INFO  \\[[^]]+\\] test\\.logger \\[req-7\\] - inside a request");
  }

  @Test
  void theLevelSettingDropsLinesBelowIt() {
    List<String> lines =
        logWith(
            Map.of("SHARDEDDB_LOG_LEVEL", "warn"),
            log -> {
              log.info("dropped");
              log.warn("kept");
            });

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .endsWith("WARN  [" + Thread.currentThread().getName() + "] test.logger - kept");
  }

  @Test
  void anUnknownFormatIsAnErrorNamingTheAcceptedOnesAndLogsPlain() {
    List<Status> statuses = new ArrayList<>();
    List<String> lines =
        logWith(Map.of("SHARDEDDB_LOG_FORMAT", "xml"), log -> log.info("still here"), statuses);

    assertThat(lines).singleElement().asString().endsWith("test.logger - still here");
    assertThat(statuses)
        .anySatisfy(
            st -> {
              assertThat(st.getLevel()).isEqualTo(Status.ERROR);
              assertThat(st.getMessage())
                  .isEqualTo(
                      "SHARDEDDB_LOG_FORMAT must be json or plain, not 'xml'; logging plain");
            });
  }

  @Test
  void aCallersRequestIdIsKeptWhenSaneAndReplacedOtherwise() {
    assertThat(RequestIds.accept("abc-123_4.5:6/7")).isEqualTo("abc-123_4.5:6/7");
    assertThat(RequestIds.accept(null)).hasSize(36);
    assertThat(RequestIds.accept("")).hasSize(36);
    assertThat(RequestIds.accept("a b\nc")).hasSize(36).doesNotContain(" ");
    assertThat(RequestIds.accept("x".repeat(129))).hasSize(36);
  }

  /** The console lines logged by {@code body} under a context configured with {@code settings}. */
  private static List<String> logWith(Map<String, String> settings, Consumer<Logger> body) {
    List<Status> statuses = new ArrayList<>();
    List<String> lines = logWith(settings, body, statuses);
    // A configuration logback warns about prints its whole status list at every process start.
    assertThat(statuses).noneMatch(st -> st.getLevel() >= Status.WARN);
    return lines;
  }

  private static List<String> logWith(
      Map<String, String> settings, Consumer<Logger> body, List<Status> statuses) {
    PrintStream console = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    // The MDC that org.slf4j.MDC writes to, as in a process whose only context this is.
    context.setMDCAdapter(MDC.getMDCAdapter());
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      settings.forEach(context::putProperty);
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(new ByteArrayInputStream(CONFIG.getBytes(StandardCharsets.UTF_8)));
      body.accept(context.getLogger("test.logger"));
      statuses.addAll(context.getStatusManager().getCopyOfStatusList());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      context.stop();
      System.setOut(console);
    }
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }
}
