package io.shardeddb.cli.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb completion bash|zsh}: the shell completion script, as {@code kubectl
 * completion} prints its own (picocli's {@link AutoComplete} writes it from the command tree, so
 * every verb, option and enum value is in it). One script serves both shells: under zsh it loads
 * {@code bashcompinit} first.
 */
@Command(
    name = "completion",
    description = {
      "Print the shell completion script for kubectl-sdb (bash or zsh).",
      "Load it in this shell: source <(kubectl-sdb completion bash)"
    })
public final class CompletionCommand implements Callable<Integer> {

  /** The shells the script is for. */
  public enum Shell {
    bash,
    zsh
  }

  @Parameters(index = "0", description = "bash or zsh")
  Shell shell;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    out.flush();
    return 0;
  }

  /**
   * {@code kubectl-sdb __complete ARGS... WORD}: kubectl's plugin completion ({@code kubectl sdb
   * <TAB>}, kubectl 1.26+). kubectl runs {@code kubectl_complete-sdb} (in the plugin archive's
   * {@code bin/}) with the words after {@code sdb}, the last one being completed, and reads cobra's
   * format: one candidate a line, then {@code :4} (no file names). That script passes them after
   * {@code --}, so a word like {@code --help} is completed, not obeyed.
   */
  @Command(name = "__complete", hidden = true, description = "Candidates for kubectl's completion.")
  public static final class Candidates implements Callable<Integer> {
    /** Cobra's ShellCompDirectiveNoFileComp: offer no file names besides the candidates. */
    static final int NO_FILE_COMPLETION = 4;

    @Parameters(arity = "0..*", description = "the words so far, the last one being completed")
    List<String> words = new ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (String candidate : candidates(spec.root(), words)) {
        out.println(candidate);
      }
      out.println(":" + NO_FILE_COMPLETION);
      out.flush();
      return 0;
    }

    /** The whole words that may replace the last of {@code words} (an empty one: any). */
    static List<String> candidates(CommandSpec root, List<String> words) {
      String[] args = words.isEmpty() ? new String[] {""} : words.toArray(String[]::new);
      String prefix = args[args.length - 1];
      List<CharSequence> suffixes = new ArrayList<>();
      AutoComplete.complete(
          root, args, args.length - 1, prefix.length(), prefix.length(), suffixes);
      return suffixes.stream()
          .map(s -> prefix + s)
          .filter(c -> !c.startsWith("__"))
          .distinct()
          .sorted()
          .toList();
    }
  }
}
