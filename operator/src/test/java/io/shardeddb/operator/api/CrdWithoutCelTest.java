package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * crds/without-cel/ (and the chart's files/crds/without-cel/) hold the generated CRD minus its CEL
 * rules ({@code x-kubernetes-validations}), for servers before 1.25 whose kubectl validation and
 * server-side apply refuse the field; the operator's SpecValidator checks the same rules there.
 * Rewrite it with {@code -Dshardeddb.updateCrds=true}.
 */
class CrdWithoutCelTest {

  private static final String FIELD = "x-kubernetes-validations:";
  private static final String HEADER =
      "# Generated from crds/shardeddatabases.shardeddb.io-v1.yml without its CEL rules, for Kubernetes"
          + " < 1.25\n# (kubectl apply -f this file there); never edit by hand.\n";

  /** The generated YAML with every x-kubernetes-validations block removed. */
  static String withoutCel(String yaml) {
    List<String> kept = new ArrayList<>();
    int dropIndent = -1;
    for (String line : yaml.split("\n", -1)) {
      int indent = line.length() - line.stripLeading().length();
      if (dropIndent >= 0) {
        boolean inside =
            indent > dropIndent || (indent == dropIndent && line.stripLeading().startsWith("- "));
        if (inside && !line.isBlank()) {
          continue;
        }
        dropIndent = -1;
      }
      if (line.stripLeading().startsWith(FIELD)) {
        dropIndent = indent;
        continue;
      }
      kept.add(line);
    }
    return HEADER + String.join("\n", kept);
  }

  @Test
  void theCheckedInCelFreeCrdIsTheGeneratedOneWithoutItsCelRules() throws IOException {
    String generated = Files.readString(Fixtures.generatedCrd());
    assertThat(generated).as("the generated CRD has CEL rules to strip").contains(FIELD);
    String expected = withoutCel(generated);
    assertThat(expected).doesNotContain("x-kubernetes-validations").contains("openAPIV3Schema");
    // crds/ for kubectl, the chart's files/crds/ for its templates/crds.yaml (before 1.25).
    for (String dir :
        List.of("crds/without-cel/", "helm/shardeddb-operator/files/crds/without-cel/")) {
      Path copy = Fixtures.repoRoot().resolve(dir + "shardeddatabases.shardeddb.io-v1.yml");
      if (Boolean.getBoolean("shardeddb.updateCrds")) {
        Files.writeString(copy, expected);
      }
      assertThat(copy).exists();
      assertThat(Files.readString(copy))
          .as("%s is stale; rewrite it with -Dshardeddb.updateCrds=true", copy)
          .isEqualTo(expected);
    }
  }
}
