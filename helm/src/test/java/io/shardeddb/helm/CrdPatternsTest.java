package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API server compiles every CRD {@code pattern} with Go's RE2, which has no lookarounds and no
 * backreferences; one such pattern makes it refuse the whole CRD (the real-cluster tier's install
 * failed on {@code spec.pods.priorityClassName}'s lookahead, 2026-11-23). Java's regex accepts
 * them, so the operator's own tests never noticed.
 */
class CrdPatternsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern NOT_RE2 = Pattern.compile("\\(\\?[=!<]|\\\\[1-9]|\\(\\?>|[*+?}][+]");

  @Test
  void everyPatternInTheChartsCrdsIsOneRe2Compiles() throws IOException {
    List<String> offending = new ArrayList<>();
    int seen = 0;
    try (Stream<Path> files = Files.list(new ChartUnderTest().crdDir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        List<String> patterns = new ArrayList<>();
        collect(YAML.readValue(f.toFile(), Object.class), patterns);
        seen += patterns.size();
        patterns.stream()
            .filter(p -> NOT_RE2.matcher(p).find())
            .forEach(p -> offending.add(f.getFileName() + ": " + p));
      }
    }
    assertThat(seen).as("patterns found").isPositive();
    assertThat(offending).as("patterns RE2 cannot compile").isEmpty();
  }

  private static void collect(Object node, List<String> out) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            if ("pattern".equals(k) && v instanceof String s) {
              out.add(s);
            } else {
              collect(v, out);
            }
          });
    } else if (node instanceof List<?> list) {
      list.forEach(v -> collect(v, out));
    }
  }
}
