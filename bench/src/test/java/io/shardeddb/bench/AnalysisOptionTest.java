package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.resource.ResourceFileValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --analysis}: the seed's three configurations by default, a bad configuration a usage
 * error, and the database it starts from one the CLI accepts that awaits {@code /init}.
 */
class AnalysisOptionTest {

  private static BenchMain parsed(String... args) {
    BenchMain bench = new BenchMain();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  @Test
  void byDefaultTheAnalysisRunsTheSeedsThreeConfigurations() {
    assertThat(parsed("--analysis").analysisLayouts())
        .containsExactly(
            new AssignmentLayout(4, 6, 3),
            new AssignmentLayout(4, 6, 6),
            new AssignmentLayout(6, 10, 8));
    assertThat(parsed("--analysis", "--configs", "4x3@12").analysisLayouts())
        .containsExactly(new AssignmentLayout(4, 12, 3));
  }

  @Test
  void aConfigurationTheAssignmentCannotLayOutIsAUsageError() {
    BenchMain bench = parsed("--analysis", "--configs", "4x3,4x9@6");
    assertThatThrownBy(bench::analysisLayouts)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--configs: 9 replicas need 9 servers");
  }

  @Test
  void theDatabaseAwaitsInitWithTheBenchsTlsAndReads(@TempDir Path dir) throws Exception {
    BenchMain bench = parsed("--analysis", "--reads", "bounded", "--max-staleness", "2s");
    DatabaseYaml yaml = bench.database("analysis-", 6, 8, 1_800);
    Path file = dir.resolve("db.yaml");
    Files.writeString(file, yaml.renderAwaitingInit());

    new ResourceFileValidator().validate(file);
    ShardedDatabase db = Serialization.unmarshal(Files.readString(file), ShardedDatabase.class);

    assertThat(db.getMetadata().getName()).isEqualTo("analysis-6x8");
    assertThat(db.getSpec().schema()).isNull();
    assertThat(db.getSpec().shardsOrEmpty()).isEmpty();
    assertThat(db.getSpec().routerOrDefault().authEnabled())
        .as("the bench keeps authentication on: /init takes the admin token")
        .isTrue();
    assertThat(db.getSpec().routerOrDefault().readsOrDefault().maxStaleness()).isEqualTo("2s");
    assertThat(db.getSpec().tls()).isNull();
  }
}
