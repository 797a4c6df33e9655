package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ShardedDatabaseBackup CRD: the checked-in copies (crds/, the chart's files/crds/, and both
 * without-cel/ for API servers without CEL) equal the one generated from the Java classes.
 */
class BackupCrdTest {
  private static final String FILE = "shardeddatabasebackups.shardeddb.io-v1.yml";

  static Path generated() {
    return Fixtures.generatedCrd().resolveSibling(FILE);
  }

  static Stream<Path> copies() {
    Path root = Fixtures.repoRoot();
    return Stream.of(
        root.resolve("crds/" + FILE),
        root.resolve("helm/shardeddb-operator/files/crds/" + FILE),
        root.resolve("crds/without-cel/" + FILE),
        root.resolve("helm/shardeddb-operator/files/crds/without-cel/" + FILE));
  }

  @ParameterizedTest
  @MethodSource("copies")
  void theCheckedInCopyIsTheGeneratedOne(Path copy) throws IOException {
    String generated = Files.readString(generated());
    String expected =
        copy.getParent().endsWith("without-cel")
            ? CrdWithoutCelTest.withoutCel(generated)
                .replace("shardeddatabases.shardeddb.io-v1.yml", FILE)
            : generated;
    if (Boolean.getBoolean("shardeddb.updateCrds")) {
      Files.writeString(copy, expected);
    }
    assertThat(copy).exists();
    assertThat(Files.readString(copy))
        .as("%s is stale; refresh it with -Pupdate-crds / -Dshardeddb.updateCrds=true", copy)
        .isEqualTo(expected);
  }
}
