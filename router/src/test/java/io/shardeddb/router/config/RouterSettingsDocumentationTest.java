package io.shardeddb.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/settings.md lists every {@code shardeddb.router.*} setting with its environment variable and
 * the default the bound {@link RouterSettings} actually has, and a description.
 */
class RouterSettingsDocumentationTest {

  @Test
  void theDocsTableHasOneRowPerSettingWithItsRealDefault() throws Exception {
    RouterSettings defaults = boundDefaults();
    List<String[]> expected = new ArrayList<>();
    flatten("shardeddb.router", defaults, expected);

    List<String> rows = routerTable();
    assertThat(rows)
        .as("one docs/settings.md row per RouterSettings leaf")
        .hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      String[] e = expected.get(i);
      String prefix = "| `%s` | `%s` | %s | ".formatted(e[0], env(e[0]), e[1]);
      assertThat(rows.get(i)).as("row %d of the router table", i + 1).startsWith(prefix);
      assertThat(rows.get(i).substring(prefix.length()).replace("|", "").trim())
          .as("description of %s", e[0])
          .isNotEmpty();
    }
  }

  @Test
  void everyScheduleExpressionUsesASettingWithTheSameDefault() throws Exception {
    // @Scheduled takes property expressions, so their defaults are written there a second time.
    RouterSettings defaults = RouterSettingsDocumentationTest.boundDefaults();
    List<String[]> settings = new ArrayList<>();
    flatten("shardeddb.router", defaults, settings);
    Pattern expression = Pattern.compile("\\$\\{(shardeddb\\.router\\.[a-z.-]+):([^}]*)}");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = expression.matcher(Files.readString(f));
        while (m.find()) {
          found.add(m.group(1));
          String property = m.group(1);
          String rendered = "`" + m.group(2) + "`";
          assertThat(settings)
              .as("%s in %s", property, f)
              .anySatisfy(
                  e -> {
                    assertThat(e[0]).isEqualTo(property);
                    assertThat(e[1]).isEqualTo(rendered);
                  });
        }
      }
    }
    assertThat(found).contains("shardeddb.router.heartbeat.interval");
  }

  /** The settings a router binds with nothing set (the data token aside, see below). */
  static RouterSettings boundDefaults() {
    RouterSettings bound;
    // No deduced "test" environment: its properties file sets a shard credential for the ITs. The
    // router refuses to start without a data token (AuthFilter), so one is given and its unset
    // value taken from the record itself below.
    try (ApplicationContext context =
        ApplicationContext.builder()
            .deduceEnvironment(false)
            .properties(Map.of("shardeddb.router.auth.token", "given"))
            .start()) {
      bound = context.getBean(RouterSettings.class);
    }
    assertThat(bound.auth().token()).isEqualTo("given");
    RouterSettings.Auth unsetAuth = bound.auth().withToken(null);
    return new RouterSettings(
        bound.database(),
        bound.namespace(),
        bound.localAddress(),
        bound.topology(),
        unsetAuth,
        bound.shardAuth(),
        bound.admin(),
        bound.standalone(),
        bound.retry(),
        bound.movedRetryTimeout(),
        bound.heartbeat(),
        bound.coalesce(),
        bound.shardTransport(),
        bound.timestamps(),
        bound.shardStream(),
        bound.sql(),
        bound.mysql(),
        bound.kubernetes(),
        bound.reads());
  }

  /** Walks the record tree in declaration order: {property, rendered default} per leaf. */
  private static void flatten(String prefix, Record r, List<String[]> out) throws Exception {
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      String property = prefix + "." + kebab(c.getName());
      Object value = c.getAccessor().invoke(r);
      if (value instanceof Record nested) {
        flatten(property, nested, out);
      } else {
        out.add(new String[] {property, render(value)});
      }
    }
  }

  private static String render(Object value) {
    if (value == null
        || (value instanceof String s && s.isEmpty())
        || (value instanceof Collection<?> c && c.isEmpty())
        || (value instanceof Map<?, ?> m && m.isEmpty())) {
      return "(none)";
    }
    if (value instanceof Duration d) {
      return "`" + (d.toMillisPart() == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms") + "`";
    }
    return "`" + value + "`";
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String env(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static List<String> routerTable() throws IOException {
    Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/settings.md");
    List<String> lines = Files.readAllLines(doc);
    int start = lines.indexOf("## Router");
    assertThat(start).as("a '## Router' section in " + doc).isNotNegative();
    return lines.subList(start, lines.size()).stream()
        .dropWhile(l -> !l.startsWith("|---"))
        .skip(1)
        .takeWhile(l -> l.startsWith("|"))
        .toList();
  }
}
