package io.shardeddb.cli.command;

import io.shardeddb.cli.data.RouterTarget;
import io.shardeddb.cli.sql.SqlReplies;
import io.shardeddb.cli.sql.SqlSession;
import io.shardeddb.cli.sql.SqlShell;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.protocol.lb.ReadConsistency;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb sql DB}: a SQL shell over the router's {@code POST /query}, reached as the
 * data verbs reach it (a ready router pod, directly or through a port-forward, with the database's
 * token and CA). At a terminal it prompts; otherwise it runs the statements read from stdin, {@code
 * -f FILE} or {@code -e}, stopping at the first failure.
 */
@Command(
    name = "sql",
    description = {
      "An SQL shell on the database's table through its router (POST /query, docs/sql.md):"
          + " statements end with ';'. Interactive at a terminal; else reads stdin, -f FILE or -e.",
      "Exit codes: 0 every statement ran, 1 a statement failed or the router could not be"
          + " reached (batch mode stops there), 2 usage."
    })
public final class SqlCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "SQL",
      description = "run these statements (';'-separated) and exit")
  String execute;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "run the statements in FILE and exit ('-': stdin)")
  Path file;

  @Option(
      names = "--consistency",
      description =
          "for SELECT: primary, session (sees this shell's own writes), any or bounded"
              + " (default: the database's spec.router.reads)")
  String consistency;

  @Option(
      names = "--session",
      description = "a write's session token to start from, for --consistency session")
  String session;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (execute != null && file != null) {
      return DataOptions.usage(spec, "give either -e or -f, not both");
    }
    if (execute != null && execute.isBlank()) {
      return DataOptions.usage(spec, "-e needs a statement");
    }
    if (consistency != null) {
      try {
        consistency = ReadConsistency.parse(consistency).jsonName();
      } catch (InvalidRequestException e) {
        return DataOptions.usage(spec, e.getMessage());
      }
    }
    if (session != null && !"session".equals(consistency)) {
      return DataOptions.usage(spec, "--session goes with --consistency session");
    }
    Reader input;
    boolean interactive = false;
    try {
      if (execute != null) {
        input = new StringReader(execute);
      } else if (file != null && !file.toString().equals("-")) {
        input = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      } else {
        input = new InputStreamReader(System.in, StandardCharsets.UTF_8);
        interactive = file == null && terminal();
      }
    } catch (NoSuchFileException e) {
      return DataOptions.usage(spec, "no such file: " + file);
    } catch (IOException e) {
      return DataOptions.usage(spec, "cannot read " + file + ": " + ClusterErrors.cause(e));
    }
    boolean prompt = interactive;
    try (BufferedReader in = new BufferedReader(input)) {
      return options.run(spec, (router, target, out) -> shell(router, target, in, out, prompt));
    } catch (IOException e) {
      return DataOptions.usage(spec, "cannot read " + file + ": " + ClusterErrors.cause(e));
    }
  }

  private int shell(
      RouterClient router, RouterTarget target, BufferedReader in, PrintWriter out, boolean prompt)
      throws IOException {
    SqlSession state = new SqlSession(consistency, session);
    PrintWriter err = spec.commandLine().getErr();
    SqlShell shell =
        new SqlShell(
            statement -> state.saw(router.query(statement, state.fields())),
            (reply, o) -> {
              if (options.output == DataOptions.Output.yaml) {
                o.println("---");
              }
              if (!DataOptions.printStructured(o, options.output, reply)) {
                o.print(SqlReplies.render(reply, DataOptions.columns(target)));
              }
            },
            SqlCommand::describe);
    if (prompt) {
      out.println(
          "connected to "
              + options.database
              + " (table "
              + target.schema().table()
              + ") through router "
              + target.pod()
              + "; end statements with ';', 'help' for help, 'quit' to leave");
    }
    return shell.run(in, out, err, prompt ? options.database + "> " : null);
  }

  /** A statement's failure in one line, or empty for a bug (kept with its stack trace). */
  static Optional<String> describe(RuntimeException e) {
    if (e instanceof RouterException r) {
      return Optional.of(r.reason() + " (HTTP " + r.status() + ")");
    }
    if (e instanceof UncheckedIOException) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  /** Whether stdin and stdout are a terminal (JDK 22+ says so; before, a console is one). */
  private static boolean terminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
