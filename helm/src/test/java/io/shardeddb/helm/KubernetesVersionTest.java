package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The CRD's CEL validation rules need Kubernetes 1.25; the chart says so before installing. */
class KubernetesVersionTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void aClusterOlderThan125IsRefusedWithTheRequiredVersion() {
    assertThatThrownBy(() -> chart.template("v1.24.9").call())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(">=1.25.0-0");
  }

  @Test
  void kubernetes125AndNewerAreAccepted() {
    assertThat(RenderedChart.parse(chart.template("v1.25.0").call()).objects()).isNotEmpty();
    assertThat(RenderedChart.parse(chart.template("v1.34.1").call()).objects()).isNotEmpty();
  }
}
