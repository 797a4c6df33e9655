package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.RouterReadsSpec.Consistency;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.resource.ResourceFileValidator;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.Setting.Process;
import io.shardeddb.operator.model.Setting.Target;
import io.shardeddb.operator.model.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --reads bounded --max-staleness X} makes the bench's databases read from replicas the way
 * a user does it: {@code spec.router.reads} in the resource, which the operator renders into the
 * router's default consistency; {@code --reads primary} (the default) leaves the resource as it
 * was.
 */
class ReadsOptionTest {

  private static BenchMain parsed(String... args) {
    BenchMain bench = new BenchMain();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  private static ShardedDatabase resourceOf(BenchMain bench, int shards, int replicas) {
    return Serialization.unmarshal(
        bench.database("bench-", shards, replicas, 1_000).render(), ShardedDatabase.class);
  }

  @Test
  void boundedReadsPutRouterReadsIntoTheResourceTheCliAccepts(@TempDir Path dir) throws Exception {
    BenchMain bench = parsed("--reads", "bounded", "--max-staleness", "250ms");
    Path file = dir.resolve("db.yaml");
    Files.writeString(file, bench.database("bench-", 4, 6, 1_000).render());

    new ResourceFileValidator().validate(file);
    ShardedDatabase db = Serialization.unmarshal(Files.readString(file), ShardedDatabase.class);

    assertThat(db.getMetadata().getName()).isEqualTo("bench-4x6");
    assertThat(db.getSpec().replicas()).isEqualTo(6);
    assertThat(db.getSpec().routerOrDefault().reads()).isNotNull();
    assertThat(db.getSpec().routerOrDefault().readsOrDefault().consistency())
        .isEqualTo(Consistency.Bounded);
    assertThat(db.getSpec().routerOrDefault().readsOrDefault().maxStaleness()).isEqualTo("250ms");
    assertThat(db.getSpec().routerOrDefault().replicasOrDefault()).isEqualTo(1);
  }

  @Test
  void boundedWithoutABoundTakesTheResourcesDefaultOfOneSecond() {
    ShardedDatabase db = resourceOf(parsed("--reads", "bounded"), 4, 3);
    assertThat(db.getSpec().routerOrDefault().readsOrDefault().consistency())
        .isEqualTo(Consistency.Bounded);
    assertThat(db.getSpec().routerOrDefault().readsOrDefault().maxStaleness()).isEqualTo("1s");
  }

  @Test
  void primaryIsTheDefaultAndLeavesTheResourceAsBefore() {
    BenchMain bench = parsed();
    String rendered = bench.database("bench-", 4, 3, 1_000).render();
    assertThat(rendered).isEqualTo(new DatabaseYaml("bench-4x3", 4, 3, 1_000).render());
    assertThat(rendered).doesNotContain("reads");
    assertThat(resourceOf(parsed("--reads", "primary"), 4, 3).getSpec().routerOrDefault().reads())
        .isNull();
  }

  @Test
  void theOperatorGivesTheBenchsRouterBoundedAsItsDefaultConsistency() {
    Map<String, String> bounded =
        routerEnv(resourceOf(parsed("--reads", "bounded", "--max-staleness", "2s"), 4, 6));
    assertThat(bounded)
        .containsEntry("SHARDEDDB_ROUTER_READS_CONSISTENCY", "bounded")
        .containsEntry("SHARDEDDB_ROUTER_READS_MAX_STALENESS", "2s");

    assertThat(routerEnv(resourceOf(parsed(), 4, 6)))
        .containsEntry("SHARDEDDB_ROUTER_READS_CONSISTENCY", "primary");
  }

  @Test
  void badChoicesAreRefusedBeforeAnythingRuns() {
    assertThatThrownBy(() -> parsed("--reads", "any").database("bench-", 1, 3, 100))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--reads must be primary or bounded");
    for (String bound : List.of("1.5s", "0s", "1m", "2h")) {
      assertThatThrownBy(
              () ->
                  parsed("--reads", "bounded", "--max-staleness", bound)
                      .database("bench-", 1, 3, 100))
          .as(bound)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--max-staleness");
    }
  }

  @Test
  void resultsNameTheReadModeOnlyWhenItIsNotPrimary() {
    assertThat(ReadsChoice.parse("primary", "1s").targetSuffix()).isEmpty();
    assertThat(ReadsChoice.parse("PRIMARY", "1s")).isEqualTo(ReadsChoice.PRIMARY);
    assertThat(ReadsChoice.parse("bounded", "500ms").targetSuffix())
        .isEqualTo(" reads bounded 500ms");
    assertThat(ReadsChoice.parse("bounded", "500ms").describe()).isEqualTo("bounded 500ms");
    assertThat(ReadsChoice.PRIMARY.describe()).isEqualTo("primary");
  }

  private static Map<String, String> routerEnv(ShardedDatabase resource) {
    DatabaseModel db =
        new DatabaseModel(
            resource.getMetadata().getName(),
            "ns",
            "uid-1",
            resource.getSpec(),
            new Images("ss:1", "rt:1", "my:1"),
            "tok",
            "my",
            List.of(),
            null,
            null);
    return SettingsTable.env(Process.ROUTER, Target.router(db, true)).stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
