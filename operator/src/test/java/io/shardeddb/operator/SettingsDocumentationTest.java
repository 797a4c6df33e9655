package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.OperatorConfig.Setting;
import io.shardeddb.operator.testing.Fixtures;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/settings.md lists every operator setting with its variable, default and description. */
class SettingsDocumentationTest {

  @Test
  void everyComponentOfTheConfigIsOneSetting() {
    assertThat(Arrays.stream(Setting.values()).map(Setting::component))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(OperatorConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList());
  }

  @Test
  void theDocsTableHasExactlyOneRowPerSettingAsTheCodeDefinesIt() throws IOException {
    List<String> lines = Files.readAllLines(Fixtures.repoRoot().resolve("docs/settings.md"));
    List<String> table = operatorTable(lines);
    assertThat(table)
        .as("docs/settings.md, ## Operator: rows as generated from OperatorConfig.Setting")
        .containsExactlyElementsOf(
            Arrays.stream(Setting.values()).map(SettingsDocumentationTest::row).toList());
  }

  static String row(Setting s) {
    String value = s.defaultValue().isEmpty() ? "(none)" : "`" + s.defaultValue() + "`";
    return "| `%s` | `%s` | %s | %s |"
        .formatted(s.property(), s.environmentVariable(), value, s.description());
  }

  /** The data rows of the first table under "## Operator". */
  private static List<String> operatorTable(List<String> lines) {
    int start = lines.indexOf("## Operator");
    assertThat(start).as("a '## Operator' section").isNotNegative();
    return lines.subList(start, lines.size()).stream()
        .dropWhile(l -> !l.startsWith("|---"))
        .skip(1)
        .takeWhile(l -> l.startsWith("|"))
        .toList();
  }
}
