package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The one duration parser of the plugin's options: kubectl's form and ISO-8601. */
class HumanDurationTest {
  @Test
  void kubectlFormsAndIso() {
    assertThat(HumanDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(HumanDuration.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(HumanDuration.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(HumanDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(HumanDuration.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(HumanDuration.parse("1h0m5s")).isEqualTo(Duration.ofSeconds(3605));
    assertThat(HumanDuration.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThat(HumanDuration.parse("pt10s")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anythingElseNamesTheForms() {
    for (String bad : new String[] {"", "5", "5x", "m", "2m3", "-2m", "1.5h", "2m 3s", "PT-1S"}) {
      assertThatThrownBy(() -> HumanDuration.parse(bad))
          .as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessageContaining("is not a duration: use e.g. 30s, 2m, 1h30m");
    }
  }

  @Test
  void formatIsTheHumanForm() {
    assertThat(HumanDuration.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(HumanDuration.format(Duration.ofSeconds(5400))).isEqualTo("1h30m");
    assertThat(HumanDuration.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(HumanDuration.format(Duration.ZERO)).isEqualTo("0s");
  }
}
