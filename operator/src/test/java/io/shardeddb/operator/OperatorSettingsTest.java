package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void watchNamespacesComeFromACommaSeparatedListAndBlankMeansAll() {
    assertThat(OperatorSettings.parseWatchNamespaces(null)).isEmpty();
    assertThat(OperatorSettings.parseWatchNamespaces(" ")).isEmpty();
    assertThat(OperatorSettings.parseWatchNamespaces("team-a, team-b,,team-a"))
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(
            OperatorSettings.inProcess()
                .withWatchNamespaces(OperatorSettings.parseWatchNamespaces("x"))
                .watchNamespaces())
        .containsExactly("x");
  }
}
