package io.shardeddb.cli.testing;

import io.shardeddb.cli.KubectlSdb;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of {@code kubectl-sdb} in the test's JVM: its exit code and what it printed to stdout and
 * stderr, as a shell script would see them.
 */
public record CliRun(int code, String out, String err) {

  /** Runs {@code kubectl-sdb ARGS...}. */
  public static CliRun cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KubectlSdb.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
