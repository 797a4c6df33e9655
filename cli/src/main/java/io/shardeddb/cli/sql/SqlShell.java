package io.shardeddb.cli.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code sql} verb's read-run-print loop, apart from how a statement reaches the router: reads
 * lines, cuts them into statements ({@link SqlScript}), runs each through a {@link Runner} and
 * prints its reply. At a terminal it prompts and goes on after a failed statement; reading a file
 * or a pipe it stops at the first failure (exit code 1), as {@code mysql} does in batch mode.
 */
public final class SqlShell {
  /** The words that end an interactive session (alone on a line, outside a statement). */
  static final Set<String> QUIT = Set.of("quit", "exit", "\\q");

  /** The words that print {@link #HELP}. */
  static final Set<String> HELP_WORDS = Set.of("help", "\\h", "\\?");

  static final String HELP =
      "One SQL statement at a time on the database's table, ended by ';' (it may span lines):"
          + " SELECT, INSERT, UPDATE, DELETE, and the DDL the router takes (docs/sql.md)."
          + " 'quit', 'exit' or Ctrl-D ends the session.";

  /** Runs one statement; throws what the router or the route to it answered. */
  @FunctionalInterface
  public interface Runner {
    Map<String, Object> run(String statement);
  }

  /** Prints one reply. */
  @FunctionalInterface
  public interface Printer {
    void print(Map<String, Object> reply, PrintWriter out);
  }

  /** Words a failure as the one line after {@code error: }, or empty when it is a bug. */
  @FunctionalInterface
  public interface Failures {
    Optional<String> describe(RuntimeException e);
  }

  private final Runner runner;
  private final Printer printer;
  private final Failures failures;

  public SqlShell(Runner runner, Printer printer, Failures failures) {
    this.runner = runner;
    this.printer = printer;
    this.failures = failures;
  }

  /**
   * Runs the statements read from {@code in} until its end (or a quit word when {@code prompt} is
   * not null: a terminal, where {@code prompt} is shown before each statement); answers the exit
   * code: 0, or 1 when a statement failed.
   */
  public int run(BufferedReader in, PrintWriter out, PrintWriter err, String prompt)
      throws IOException {
    boolean interactive = prompt != null;
    SqlScript script = new SqlScript();
    int number = 0;
    int code = 0;
    while (true) {
      if (interactive) {
        out.print(
            script.midStatement() ? " ".repeat(Math.max(0, prompt.length() - 3)) + "-> " : prompt);
        out.flush();
      }
      String line = in.readLine();
      List<String> statements;
      if (line == null) {
        statements = script.end().map(List::of).orElse(List.of());
      } else {
        String word = line.strip().toLowerCase(Locale.ROOT);
        if (interactive && !script.midStatement() && QUIT.contains(word)) {
          return code;
        }
        if (interactive && !script.midStatement() && HELP_WORDS.contains(word)) {
          out.println(HELP);
          continue;
        }
        statements = script.line(line);
      }
      for (String statement : statements) {
        number++;
        try {
          printer.print(runner.run(statement), out);
        } catch (RuntimeException e) {
          String why = failures.describe(e).orElseThrow(() -> e);
          code = 1;
          err.println("error: " + (interactive ? "" : "statement " + number + ": ") + why);
          err.flush();
          if (!interactive) {
            return code;
          }
        }
        out.flush();
      }
      if (line == null) {
        if (interactive) {
          out.println();
        }
        return code;
      }
    }
  }
}
