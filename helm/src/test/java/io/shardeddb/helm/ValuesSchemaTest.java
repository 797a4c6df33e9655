package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A wrong value fails at install with a message naming it, instead of being ignored. */
class ValuesSchemaTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  static Stream<Arguments> wrongValues() {
    return Stream.of(
        Arguments.of("a misspelt key", Map.of("replicas", 3), "replicas"),
        Arguments.of("a word for a number", Map.of("replicaCount", "two"), "replicaCount"),
        Arguments.of("zero operator pods", Map.of("replicaCount", 0), "replicaCount"),
        Arguments.of(
            "an unknown pull policy",
            Map.of("images.operator.pullPolicy", "Sometimes"),
            "pullPolicy"),
        Arguments.of(
            "a namespace as a string", Map.of("watchNamespaces", "all"), "watchNamespaces"),
        Arguments.of(
            "a namespace that is not a DNS label",
            Map.of("watchNamespaces[0]", "Team_A"),
            "watchNamespaces"),
        Arguments.of(
            "an image with a tag in its repository",
            Map.of("images.router.repository", "shardeddb/router:latest"),
            "repository"),
        Arguments.of(
            "leader election as a string", Map.of("leaderElection.enabled", "yes"), "enabled"),
        Arguments.of("a port out of range", Map.of("metrics.service.port", 70000), "port"),
        Arguments.of(
            "a scrape interval without unit",
            Map.of("metrics.serviceMonitor.interval", "30"),
            "interval"),
        Arguments.of(
            "two operators without leader election",
            Map.of("replicaCount", 2, "leaderElection.enabled", false),
            "leaderElection.enabled"),
        Arguments.of(
            "a ServiceMonitor without the Service it scrapes",
            Map.of("metrics.serviceMonitor.enabled", true, "metrics.service.enabled", false),
            "metrics.service.enabled"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("wrongValues")
  void aWrongValueFailsTheInstallNamingTheValue(
      String description, Map<String, Object> values, String named) {
    assertThatThrownBy(() -> chart.render(values))
        .as(description)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(named);
  }
}
