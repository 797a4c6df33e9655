package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Routers serve HTTPS by default (TLS on every hop, docs/security.md): no page a user reads tells
 * them to reach a router, its console or its port 8080 over {@code http://} — unless the same line
 * says that is for TLS off (issue 50, "Done when": no {@code http://} router URL where TLS is on).
 * Scans docs/, examples/, README.md and the chart's NOTES.txt.
 */
class RouterUrlsInDocsTest {
  private final ChartUnderTest chart = new ChartUnderTest();

  /** A plain-HTTP address of a router: its name, its console or its port 8080. */
  private static final Pattern ROUTER_OVER_HTTP =
      Pattern.compile("http://[^\\s`'\")]*(router|console|:8080)", Pattern.CASE_INSENSITIVE);

  /** What a line says when its plain-HTTP address is for a router without TLS. */
  private static final Pattern TLS_OFF =
      Pattern.compile(
          "tls\\.enabled: false|routerPlainHttp|plain HTTP|TLS off|without TLS",
          Pattern.CASE_INSENSITIVE);

  @Test
  @DisplayName("no doc, example or install note gives an http:// router URL where TLS is on")
  void noPlainHttpRouterUrls() throws IOException {
    Path root = chart.repoRoot();
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("docs", "examples")) {
      try (Stream<Path> walk = Files.walk(root.resolve(dir))) {
        walk.filter(Files::isRegularFile)
            .filter(p -> p.toString().matches(".*\\.(md|ya?ml|sh|txt|html|js|jsx)$"))
            .forEach(files::add);
      }
    }
    files.add(root.resolve("README.md"));
    files.add(root.resolve("helm/shardeddb-operator/templates/NOTES.txt"));
    List<String> found = new ArrayList<>();
    for (Path f : files) {
      List<String> lines = read(f);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (ROUTER_OVER_HTTP.matcher(line).find() && !TLS_OFF.matcher(line).find()) {
          found.add(root.relativize(f) + ":" + (i + 1) + ": " + line.strip());
        }
      }
    }
    assertThat(files).hasSizeGreaterThan(20);
    assertThat(found).as("router URLs over plain HTTP where TLS is on").isEmpty();
  }

  private static List<String> read(Path f) {
    try {
      return Files.readAllLines(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
