package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.cli.testing.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code completion bash|zsh} prints a script that completes verbs and options when bash runs it,
 * and {@code __complete} answers kubectl's plugin completion in cobra's format.
 */
class CompletionCommandTest {

  @Test
  void theBashScriptCompletesVerbsAndOptionsInARealBash(@TempDir Path dir) throws Exception {
    CliRun script = cli("completion", "bash");
    assertThat(script.code()).as(script.err()).isZero();
    Path file = Files.writeString(dir.resolve("kubectl-sdb.bash"), script.out());

    assertThat(complete(file, "kubectl-sdb", "st")).containsExactly("status");
    assertThat(complete(file, "kubectl-sdb", "re"))
        .contains("rebuild", "report", "restart", "restore", "restore-point");
    assertThat(complete(file, "kubectl-sdb", "status", "--kub")).containsExactly("--kubeconfig");
    assertThat(complete(file, "kubectl-sdb", "local", "pa")).containsExactly("partition", "pause");
    assertThat(complete(file, "kubectl-sdb", "completion", "")).containsExactly("bash", "zsh");
    assertThat(complete(file, "kubectl-sdb", "__"))
        .as("the hidden kubectl hook is not offered")
        .isEmpty();
  }

  @Test
  void theZshScriptIsTheBashOneLoadedThroughBashcompinit() {
    CliRun zsh = cli("completion", "zsh");

    assertThat(zsh.code()).as(zsh.err()).isZero();
    assertThat(zsh.out()).contains("bashcompinit").isEqualTo(cli("completion", "bash").out());
  }

  @Test
  void anUnknownShellIsRefusedNamingTheOnesThereAre() {
    CliRun fish = cli("completion", "fish");

    assertThat(fish.code()).isEqualTo(2);
    assertThat(fish.err()).contains("expected one of [bash, zsh]").contains("'fish'");
    assertThat(fish.out()).isEmpty();
  }

  @Test
  void kubectlsPluginCompletionGetsWholeWordsThenTheNoFileDirective() {
    assertThat(lines(cli("__complete", "--", "st"))).containsExactly("status", ":4");
    assertThat(lines(cli("__complete", "--", "")))
        .contains("status", "sql", "completion", "local", ":4")
        .doesNotContain("__complete");
    assertThat(lines(cli("__complete", "--", "status", "--he")))
        .as("after --, a word like --help is completed, not obeyed")
        .containsExactly("--help", ":4");
    assertThat(lines(cli("__complete", "--", "local", "pa")))
        .containsExactly("partition", "pause", ":4");
    assertThat(lines(cli("__complete", "--", "nothing-like-it"))).containsExactly(":4");
  }

  private static List<String> lines(CliRun run) {
    assertThat(run.code()).as(run.err()).isZero();
    return run.out().lines().toList();
  }

  /** What bash's completion function offers for the words, the last one being completed. */
  private static List<String> complete(Path script, String... words) throws Exception {
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append(" '").append(w).append("'");
    }
    String body =
        "source '"
            + script
            + "'\nCOMP_WORDS=("
            + array
            + ")\nCOMP_CWORD="
            + (words.length - 1)
            + "\nCOMP_LINE=\"${COMP_WORDS[*]}\"\nCOMP_POINT=${#COMP_LINE}\n"
            + "compopt() { :; }\n_complete_kubectl-sdb\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process p =
        new ProcessBuilder("bash", "--norc", "--noprofile", "-c", body)
            .redirectErrorStream(false)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    return out.lines().filter(l -> !l.isBlank()).sorted().toList();
  }
}
