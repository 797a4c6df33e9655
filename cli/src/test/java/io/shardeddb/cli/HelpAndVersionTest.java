package io.shardeddb.cli;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.cli.testing.CliRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every verb answers {@code --help} with its usage and exit code 0, without running anything (issue
 * 50: {@code kubectl sdb status --help} printed "Missing required parameter" and exited 2), and
 * {@code --version} prints the build's one version.
 */
class HelpAndVersionTest {

  /** Every command path below the root, e.g. {@code [local, up]}. */
  private static List<List<String>> verbs(CommandLine c, List<String> path) {
    List<List<String>> out = new ArrayList<>();
    for (var sub : c.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(path);
      p.add(sub.getKey());
      out.add(p);
      out.addAll(verbs(sub.getValue(), p));
    }
    return out;
  }

  @Test
  @DisplayName("every verb, nested ones included, prints its usage for --help and exits 0")
  void everyVerbHasHelp() {
    List<List<String>> verbs = verbs(KubectlSdb.commandLine(), List.of());
    assertThat(verbs).hasSizeGreaterThan(15);
    for (List<String> verb : verbs) {
      List<String> args = new ArrayList<>(verb);
      args.add("--help");
      CliRun run = cli(args.toArray(String[]::new));
      assertThat(run.code()).as(verb + " --help: " + run.err()).isZero();
      assertThat(run.out())
          .as(verb + " --help")
          .contains("Usage: kubectl-sdb " + String.join(" ", verb));
    }
  }

  @Test
  @DisplayName("--version prints the version the build was made from, on the root and on a verb")
  void versionComesFromTheBuild() {
    CliRun root = cli("--version");
    assertThat(root.code()).isZero();
    assertThat(root.out().trim()).matches("kubectl-sdb \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(cli("status", "--version").out()).isEqualTo(root.out());
  }
}
