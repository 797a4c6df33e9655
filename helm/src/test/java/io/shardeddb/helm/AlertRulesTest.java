package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chart's PrometheusRule, as `helm template` renders it with the default thresholds (and a
 * fixed runbookBaseUrl), checked by the real promtool: `promtool check rules` (syntax, PromQL,
 * templates) and `promtool test rules` with src/test/resources/promtool/alerts-test.yaml, where
 * each alert fires on a failing series and stays quiet on a healthy one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRulesTest {

  private static final Path WORK = Path.of("target/promtool");

  private List<Rule> rules;
  private Promtool.Result promtool;

  @BeforeAll
  void renderRulesAndFindPromtool() throws Exception {
    PrometheusRule rule =
        new ChartUnderTest()
            .render(
                Map.of(
                    "metrics.prometheusRule.enabled",
                    "true",
                    // Fixed, so the expected annotations do not change with the version
                    // (RunbooksTest checks the default).
                    "metrics.prometheusRule.runbookBaseUrl",
                    "https://docs.example.com/runbooks.md"))
            .one(PrometheusRule.class);
    rules = rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream()).toList();
    Files.createDirectories(WORK);
    // A plain Prometheus rule file: the PrometheusRule's spec is exactly that.
    Files.writeString(
        WORK.resolve("rules.yaml"),
        new KubernetesSerialization().asYaml(Map.of("groups", rule.getSpec().getGroups())));
    Files.copy(
        Path.of("src/test/resources/promtool/alerts-test.yaml"),
        WORK.resolve("alerts-test.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    promtool = Promtool.locate();
  }

  @Test
  void promtoolAcceptsTheRules() {
    Promtool.Run run = promtool().run(WORK, "check", "rules", "rules.yaml");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS: " + rules.size() + " rules found");
  }

  @Test
  void eachAlertFiresOnItsFailureAndNotOnAHealthyDatabase() {
    Promtool.Run run = promtool().run(WORK, "test", "rules", "alerts-test.yaml");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasACaseWhereItFiresAndOneWhereItDoesNot() throws Exception {
    JsonNode tests =
        new ObjectMapper(new YAMLFactory())
            .readTree(WORK.resolve("alerts-test.yaml").toFile())
            .get("tests");
    Set<String> fires = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (JsonNode test : tests) {
      for (JsonNode check : test.path("alert_rule_test")) {
        String alert = check.get("alertname").asText();
        boolean expected =
            StreamSupport.stream(check.path("exp_alerts").spliterator(), false)
                .findAny()
                .isPresent();
        (expected ? fires : quiet).add(alert);
      }
    }
    List<String> alerts = rules.stream().map(Rule::getAlert).toList();

    assertThat(fires).as("alerts with a firing case").containsExactlyInAnyOrderElementsOf(alerts);
    assertThat(quiet).as("alerts with a quiet case").containsExactlyInAnyOrderElementsOf(alerts);
  }

  private Promtool promtool() {
    if (promtool.promtool() == null) {
      if (promtool.mustExist()) {
        fail("no promtool although root on Debian could fetch it: " + promtool.whyNot());
      }
      Assumptions.abort("skipped: " + promtool.whyNot());
    }
    return promtool.promtool();
  }
}
