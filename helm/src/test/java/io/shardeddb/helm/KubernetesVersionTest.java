package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart installs on Kubernetes 1.20 and newer (the versions the project runs on); older servers
 * are refused before anything is installed. Before 1.25 the server drops the CRD's CEL rules (Helm
 * creates CRDs without client-side validation) and the operator's own spec validation applies.
 */
class KubernetesVersionTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void aClusterOlderThan120IsRefusedWithTheRequiredVersion() {
    assertThatThrownBy(() -> chart.template("v1.19.16").call())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(">=1.20.0-0");
  }

  @Test
  void kubernetes120AndNewerAreAccepted() {
    assertThat(RenderedChart.parse(chart.template("v1.20.2").call()).objects()).isNotEmpty();
    assertThat(RenderedChart.parse(chart.template("v1.24.9").call()).objects()).isNotEmpty();
    assertThat(RenderedChart.parse(chart.template("v1.25.0").call()).objects()).isNotEmpty();
    assertThat(RenderedChart.parse(chart.template("v1.34.1").call()).objects()).isNotEmpty();
  }

  @Test
  void theChartReadmeRequiresTheVersionChartYamlDeclares() throws Exception {
    String chartYaml = Files.readString(chart.chartDir().resolve("Chart.yaml"));
    Matcher declared = Pattern.compile("(?m)^kubeVersion: \">=(\\d+\\.\\d+)").matcher(chartYaml);
    assertThat(declared.find()).as("kubeVersion in Chart.yaml").isTrue();
    String readme = Files.readString(chart.chartDir().resolve("README.md"));

    Matcher required = Pattern.compile("Requires Kubernetes (\\d+\\.\\d+)\\+").matcher(readme);
    assertThat(required.find()).as("'Requires Kubernetes X.Y+' in the chart README").isTrue();
    assertThat(required.group(1)).isEqualTo(declared.group(1));
  }
}
