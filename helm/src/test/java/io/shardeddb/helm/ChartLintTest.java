package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** `helm lint --strict` accepts the chart: warnings count as failures. */
class ChartLintTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theChartPassesStrictLint() {
    LintResult result = chart.lint();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("strict lint reports only informational messages")
        .allSatisfy(message -> assertThat(message).doesNotContain("[ERROR]", "[WARNING]"));
  }
}
