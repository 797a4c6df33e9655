package io.shardeddb.cli.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.generator.annotation.Max;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.protocol.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceFileValidatorTest {
  private final ResourceFileValidator validator = new ResourceFileValidator();
  @TempDir Path dir;

  @Test
  void everyExampleIsAcceptedByLocalMode() throws IOException {
    // examples/ and its demo folders (examples/booking/courses.yaml).
    try (Stream<Path> files = Files.walk(Path.of("..", "examples"), 2)) {
      var yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
      assertThat(yamls).isNotEmpty();
      for (Path p : yamls) {
        assertThat(validator.validate(p).getKind()).as(p.toString()).isEqualTo("ShardedDatabase");
      }
    }
  }

  @Test
  void overlappingShardsAreNamed() {
    assertThatThrownBy(() -> validator.validate(Path.of("src/test/resources/invalid-overlap.yaml")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("invalid-overlap.yaml")
        .hasMessageContaining("overlaps shard 'sh1'");
  }

  @Test
  void wrongKindBadNameAndShardKeyAreRejectedWithTheField() throws IOException {
    assertThatThrownBy(
            () ->
                validator.validate(write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")))
        .hasMessageContaining("kind must be ShardedDatabase");
    assertThatThrownBy(
            () ->
                validator.validate(
                    write(
                        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\n"
                            + "metadata: {name: Bad_Name}\nspec: {}\n")))
        .hasMessageContaining("metadata.name 'Bad_Name'");
    assertThatThrownBy(
            () ->
                validator.validate(
                    write(
                        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: a}\n"
                            + "spec:\n  schema:\n    table: t\n    shardKey: nope\n    columns:\n"
                            + "      - {name: id, type: Number}\n")))
        .hasMessageContaining("shard key 'nope' is not a column");
    assertThatThrownBy(
            () ->
                validator.validate(
                    write(
                        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: a}\n"
                            + "spec: {writeQuorum: Most}\n")))
        .hasMessageContaining("spec.writeQuorum must be Majority or All");
    assertThatThrownBy(
            () ->
                validator.validate(
                    write(
                        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: a}\n"
                            + "spec: {writeQuorum: One}\n")))
        .hasMessageContaining("spec.writeQuorum One is not allowed");
  }

  @Test
  void aStringShardKeyIsAcceptedUnderHashShardingOnly() throws IOException {
    String byName =
        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: a}\n"
            + "spec:\n%s  schema:\n    table: t\n    shardKey: name\n    columns:\n"
            + "      - {name: name, type: String}\n";
    assertThatThrownBy(() -> validator.validate(write(byName.formatted(""))))
        .hasMessageContaining("is a String: it needs sharding: Hash");
    validator.validate(write(byName.formatted("  sharding: Hash\n")));
    assertThatThrownBy(() -> validator.validate(write(byName.formatted("  sharding: Ring\n"))))
        .hasMessageContaining("spec.sharding must be Range or Hash");
  }

  @Test
  void replicasAreBoundedLikeTheCrdBoundsThem() throws Exception {
    long crdMax = crdMaximumReplicas();
    String spec =
        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: a}\n"
            + "spec: {replicas: %d}\n";

    assertThat(validator.validate(write(spec.formatted(crdMax))).getKind())
        .isEqualTo("ShardedDatabase");
    assertThatThrownBy(() -> validator.validate(write(spec.formatted(crdMax + 1))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("spec.replicas must be between 1 and " + crdMax);
  }

  /** The maximum the generated CRD puts on spec.replicas (its {@code @Max}). */
  private static long crdMaximumReplicas() throws NoSuchFieldException {
    Max max = ShardedDatabaseSpec.class.getDeclaredField("replicas").getAnnotation(Max.class);
    assertThat(max).as("@Max on ShardedDatabaseSpec.replicas").isNotNull();
    return (long) max.value();
  }

  @Test
  void notYamlIsAClearError() throws IOException {
    assertThatThrownBy(() -> validator.validate(write("::: [")))
        .hasMessageContaining("not a valid YAML resource");
  }

  private Path write(String yaml) throws IOException {
    Path p = Files.createTempFile(dir, "db", ".yaml");
    Files.writeString(p, yaml);
    return p;
  }
}
