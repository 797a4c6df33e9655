package io.shardeddb.cli.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.client.RouterException;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shell's loop against a router played by the test: what runs, what prints, when it stops. */
class SqlShellTest {
  private final List<String> ran = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private SqlShell shell() {
    return new SqlShell(
        statement -> {
          ran.add(statement);
          if (statement.startsWith("BAD")) {
            throw new RouterException(400, "joins are not supported");
          }
          if (statement.startsWith("BUG")) {
            throw new IllegalStateException("a bug");
          }
          return Map.of("message", "ok " + statement);
        },
        (reply, o) -> o.println(reply.get("message")),
        e -> e instanceof RouterException r ? Optional.of(r.reason()) : Optional.empty());
  }

  private int run(String input, String prompt) throws Exception {
    return shell()
        .run(
            new BufferedReader(new StringReader(input)),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            prompt);
  }

  @Test
  void batchRunsEveryStatementInOrderAndExitsZero() throws Exception {
    assertThat(run("SELECT 1;\nSELECT\n 2;\nSELECT 3", null)).isZero();
    assertThat(ran).containsExactly("SELECT 1", "SELECT\n 2", "SELECT 3");
    assertThat(out.toString()).isEqualTo("ok SELECT 1\nok SELECT\n 2\nok SELECT 3\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void batchStopsAtTheFirstFailureNamingTheStatement() throws Exception {
    assertThat(run("SELECT 1; BAD JOIN; SELECT 3;", null)).isEqualTo(1);
    assertThat(ran).containsExactly("SELECT 1", "BAD JOIN");
    assertThat(err.toString()).isEqualTo("error: statement 2: joins are not supported\n");
  }

  @Test
  void aTerminalPromptsGoesOnAfterAFailureAndEndsAtQuit() throws Exception {
    int code = run("SELECT 1;\nBAD;\nSELECT\n2;\nhelp\nquit\nSELECT 9;\n", "db> ");
    assertThat(code).isEqualTo(1);
    assertThat(ran).containsExactly("SELECT 1", "BAD", "SELECT\n2");
    assertThat(out.toString())
        .startsWith("db> ok SELECT 1\ndb> db>  -> ok SELECT\n2\ndb> " + SqlShell.HELP)
        .endsWith("db> ");
    assertThat(err.toString()).isEqualTo("error: joins are not supported\n");
  }

  @Test
  void quitInsideAStatementIsPartOfIt() throws Exception {
    run("SELECT\nquit;\n", "db> ");
    assertThat(ran).containsExactly("SELECT\nquit");
  }

  @Test
  void aFailureNobodyExpectedIsNotHidden() {
    assertThatThrownBy(() -> run("BUG;", null)).isInstanceOf(IllegalStateException.class);
  }
}
