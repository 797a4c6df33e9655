package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every alert of the chart's PrometheusRule has an absolute {@code runbook_url} (a pager opens it;
 * by default the release's docs/runbooks.md at the chart's {@code home}) whose anchor is a section
 * of docs/runbooks.md, and every section there is an alert's and says what it means, what to check
 * and what to do.
 */
class RunbooksTest {
  private final ChartUnderTest chart = new ChartUnderTest();

  private List<Rule> alerts(Map<String, Object> values) {
    Map<String, Object> all = new LinkedHashMap<>(values);
    all.put("metrics.prometheusRule.enabled", "true");
    return chart.render(all).one(PrometheusRule.class).getSpec().getGroups().stream()
        .flatMap(g -> g.getRules().stream())
        .filter(r -> r.getAlert() != null)
        .toList();
  }

  /** The GitHub anchor of each "## " heading: lower-cased, spaces as dashes, no punctuation. */
  private Map<String, String> sections() throws Exception {
    List<String> lines = Files.readAllLines(chart.repoRoot().resolve("docs/runbooks.md"));
    Map<String, String> sections = new LinkedHashMap<>();
    String anchor = null;
    StringBuilder body = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith("## ")) {
        if (anchor != null) {
          sections.put(anchor, body.toString());
        }
        anchor =
            line.substring(3)
                .trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
        body.setLength(0);
      } else if (anchor != null) {
        body.append(line).append('\n');
      }
    }
    if (anchor != null) {
      sections.put(anchor, body.toString());
    }
    return sections;
  }

  /** Chart.yaml's top-level key (home, appVersion), unquoted. */
  private String chartField(String key) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + key + ": *\"?([^\"\n]+)\"?$")
            .matcher(Files.readString(chart.chartDir().resolve("Chart.yaml")));
    assertThat(m.find()).as(key + " in Chart.yaml").isTrue();
    return m.group(1).trim();
  }

  @Test
  void everyAlertLinksToItsOwnSectionOfTheRunbooksByAnAbsoluteUrlOfTheRelease() throws Exception {
    List<Rule> alerts = alerts(Map.of());
    Map<String, String> sections = sections();
    String expectedBase =
        chartField("home") + "/blob/v" + chartField("appVersion") + "/docs/runbooks.md";

    assertThat(alerts).isNotEmpty();
    for (Rule alert : alerts) {
      String url = alert.getAnnotations().get("runbook_url");
      URI uri = URI.create(url);
      // What a pager needs to open it: a scheme and a host, not a path in the source tree.
      assertThat(uri.isAbsolute()).as(alert.getAlert() + " runbook_url " + url).isTrue();
      assertThat(uri.getScheme()).as(url).isIn("https", "http");
      assertThat(uri.getHost()).as(url).isNotBlank();
      assertThat(url).as(url).startsWith(expectedBase + "#");
      String anchor = uri.getFragment();
      assertThat(anchor).isEqualTo(alert.getAlert().toLowerCase(Locale.ROOT));
      assertThat(sections).as("docs/runbooks.md sections").containsKey(anchor);
    }
    assertThat(sections.keySet())
        .as("every runbook is an alert's")
        .containsExactlyInAnyOrderElementsOf(
            alerts.stream().map(a -> a.getAlert().toLowerCase(Locale.ROOT)).toList());
  }

  @Test
  void everyRunbookSaysWhatItMeansWhatToCheckAndWhatToDo() throws Exception {
    sections()
        .forEach(
            (anchor, body) ->
                assertThat(body)
                    .as(anchor)
                    .contains("**What it means.**", "**What to check.**", "**What to do.**")
                    .contains("kubectl"));
  }

  @Test
  void aRelativeBaseUrlIsRefused() {
    assertThatThrownBy(
            () -> alerts(Map.of("metrics.prometheusRule.runbookBaseUrl", "docs/runbooks.md")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runbookBaseUrl");
  }

  @Test
  void theBaseUrlIsAChartValue() {
    List<Rule> alerts =
        alerts(
            Map.of(
                "metrics.prometheusRule.runbookBaseUrl",
                "https://docs.example.com/shardeddb/runbooks"));

    assertThat(alerts)
        .allSatisfy(
            a ->
                assertThat(a.getAnnotations().get("runbook_url"))
                    .isEqualTo(
                        "https://docs.example.com/shardeddb/runbooks#"
                            + a.getAlert().toLowerCase(Locale.ROOT)));
  }
}
