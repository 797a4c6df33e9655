package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/api-reference.md is generated from the chart's CRDs (the ones the operator's build generates
 * and installs), so the reference cannot drift from what the API server validates. A stale page
 * fails this test; {@code -Dshardeddb.update-docs=true} writes it anew:
 *
 * <pre>./mvnw -B -pl helm -am test -Dtest=ApiReferenceTest -Dshardeddb.update-docs=true
 * -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class ApiReferenceTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> CRDS =
      List.of("shardeddatabases.shardeddb.io-v1.yml", "shardeddatabasebackups.shardeddb.io-v1.yml");

  @Test
  void theApiReferenceIsTheOneGeneratedFromTheCrds() throws IOException {
    ChartUnderTest chart = new ChartUnderTest();
    StringBuilder page = new StringBuilder();
    page.append("# API reference\n\n")
        .append("<!-- Generated from helm/shardeddb-operator/files/crds/ by ApiReferenceTest (helm")
        .append(" module); do not edit by hand. -->\n\n")
        .append("Every field of the custom resources, as the API server validates them: type,")
        .append(" default, constraints and the CRD's own description. What each field does in")
        .append(
            " practice, with examples: [resource.md](resource.md) and [backup.md](backup.md).\n");
    for (String name : CRDS) {
      Map<?, ?> crd = YAML.readValue(chart.crdDir().resolve(name).toFile(), Map.class);
      render(crd, page);
    }
    String generated = page.toString();
    Path doc = chart.repoRoot().resolve("docs/api-reference.md");
    if (Boolean.getBoolean("shardeddb.update-docs")) {
      Files.writeString(doc, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(doc))
        .as("docs/api-reference.md exists (see this class to write it)")
        .isTrue();
    assertThat(Files.readString(doc, StandardCharsets.UTF_8))
        .as("docs/api-reference.md is stale: regenerate it (see ApiReferenceTest)")
        .isEqualTo(generated);
  }

  private static void render(Map<?, ?> crd, StringBuilder page) {
    Map<?, ?> spec = (Map<?, ?>) crd.get("spec");
    Map<?, ?> names = (Map<?, ?>) spec.get("names");
    for (Object v : (List<?>) spec.get("versions")) {
      Map<?, ?> version = (Map<?, ?>) v;
      page.append("\n## ")
          .append(names.get("kind"))
          .append(" (`")
          .append(spec.get("group"))
          .append("/")
          .append(version.get("name"))
          .append("`)\n\n");
      page.append("Plural `")
          .append(names.get("plural"))
          .append("`, scope ")
          .append(spec.get("scope"));
      Object shortNames = names.get("shortNames");
      if (shortNames instanceof List<?> l && !l.isEmpty()) {
        page.append(", short names ");
        page.append(String.join(", ", l.stream().map(s -> "`" + s + "`").toList()));
      }
      Object categories = names.get("categories");
      if (categories instanceof List<?> l && !l.isEmpty()) {
        page.append(", categories ");
        page.append(String.join(", ", l.stream().map(s -> "`" + s + "`").toList()));
      }
      page.append(".\n");
      Object columns = version.get("additionalPrinterColumns");
      if (columns instanceof List<?> cols && !cols.isEmpty()) {
        page.append("\n`kubectl get` columns: ");
        List<String> out = new ArrayList<>();
        for (Object c : cols) {
          Map<?, ?> col = (Map<?, ?>) c;
          out.add(col.get("name") + " (`" + col.get("jsonPath") + "`)");
        }
        page.append(String.join(", ", out)).append(".\n");
      }
      Map<?, ?> schema = (Map<?, ?>) ((Map<?, ?>) version.get("schema")).get("openAPIV3Schema");
      Map<?, ?> properties = (Map<?, ?>) schema.get("properties");
      if (schema.get("description") != null) {
        page.append("\n").append(schema.get("description")).append("\n");
      }
      for (String part : List.of("spec", "status")) {
        Object node = properties.get(part);
        if (node == null) {
          continue;
        }
        page.append("\n### `")
            .append(part)
            .append("`")
            .append(part.equals("status") ? " (written by the operator)" : "")
            .append("\n\n");
        Object description = ((Map<?, ?>) node).get("description");
        if (description != null) {
          page.append(description).append("\n\n");
        }
        page.append("| field | type | default | constraints | description |\n")
            .append("|---|---|---|---|---|\n");
        List<String> rules = new ArrayList<>();
        fields(part, (Map<?, ?>) node, page, rules);
        if (!rules.isEmpty()) {
          page.append("\nValidation rules (CEL, checked by API servers that support them):\n\n");
          rules.forEach(r -> page.append("- ").append(r).append("\n"));
        }
      }
    }
  }

  private static void fields(String path, Map<?, ?> node, StringBuilder page, List<String> rules) {
    Object validations = node.get("x-kubernetes-validations");
    if (validations instanceof List<?> list) {
      for (Object o : list) {
        Map<?, ?> rule = (Map<?, ?>) o;
        rules.add(
            "`"
                + path
                + "`: "
                + cell(rule.get("message"))
                + " (`"
                + cell(rule.get("rule")).replace("`", "'")
                + "`)");
      }
    }
    Map<?, ?> properties = (Map<?, ?>) node.get("properties");
    if (properties == null) {
      return;
    }
    for (Map.Entry<?, ?> e : properties.entrySet()) {
      Map<?, ?> child = (Map<?, ?>) e.getValue();
      String childPath = path + "." + e.getKey();
      List<?> required = (List<?>) node.get("required");
      boolean isRequired = required != null && required.contains(e.getKey());
      page.append("| `")
          .append(childPath)
          .append("` | ")
          .append(type(child))
          .append(" | ")
          .append(child.containsKey("default") ? "`" + child.get("default") + "`" : "")
          .append(" | ")
          .append(constraints(child, isRequired))
          .append(" | ")
          .append(cell(child.get("description")))
          .append(" |\n");
      if ("array".equals(child.get("type")) && child.get("items") instanceof Map<?, ?> items) {
        fields(childPath + "[]", items, page, rules);
      } else if (child.get("additionalProperties") instanceof Map<?, ?> values) {
        fields(childPath + ".*", values, page, rules);
      } else {
        fields(childPath, child, page, rules);
      }
    }
  }

  private static String type(Map<?, ?> node) {
    if (Boolean.TRUE.equals(node.get("x-kubernetes-int-or-string"))) {
      return "integer or string";
    }
    Object type = node.get("type");
    if ("array".equals(type) && node.get("items") instanceof Map<?, ?> items) {
      return "array of " + type(items);
    }
    if ("object".equals(type) && node.get("additionalProperties") instanceof Map<?, ?> values) {
      return "map of " + type(values);
    }
    return type == null ? "any" : String.valueOf(type);
  }

  private static String constraints(Map<?, ?> node, boolean required) {
    List<String> out = new ArrayList<>();
    if (required) {
      out.add("required");
    }
    if (node.get("enum") instanceof List<?> values) {
      out.add("one of " + String.join(", ", values.stream().map(v -> "`" + v + "`").toList()));
    }
    for (String key :
        List.of("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")) {
      if (node.containsKey(key)) {
        Object value = node.get(key);
        String shown =
            value instanceof Double d && d == Math.rint(d)
                ? String.valueOf(d.longValue())
                : String.valueOf(value);
        out.add(key + " " + shown);
      }
    }
    if (node.containsKey("pattern")) {
      out.add("pattern `" + cell(node.get("pattern")) + "`");
    }
    if (Boolean.TRUE.equals(node.get("nullable"))) {
      out.add("nullable");
    }
    return String.join("; ", out);
  }

  private static String cell(Object text) {
    return text == null ? "" : String.valueOf(text).replace("|", "\\|").replace("\n", " ").strip();
  }
}
