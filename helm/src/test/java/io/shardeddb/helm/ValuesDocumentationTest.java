package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every value the chart accepts is explained in its README, so the docs cannot fall behind. */
class ValuesDocumentationTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void everyTopLevelValueIsDocumentedInTheChartReadme() throws IOException {
    Map<?, ?> values =
        new ObjectMapper(new YAMLFactory())
            .readValue(chart.chartDir().resolve("values.yaml").toFile(), Map.class);
    String readme = Files.readString(chart.chartDir().resolve("README.md"));

    assertThat(values.keySet())
        .isNotEmpty()
        .allSatisfy(key -> assertThat(readme).contains("`" + key));
  }
}
