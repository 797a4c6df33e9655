package io.shardeddb.cli.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
  private static List<String> all(String... lines) {
    SqlScript s = new SqlScript();
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.addAll(s.line(line));
    }
    s.end().ifPresent(out::add);
    return out;
  }

  @Test
  void statementsEndAtSemicolonsAndMaySpanLinesOrShareOne() {
    assertThat(all("SELECT * FROM t", "  WHERE id = 1;", "DELETE FROM t WHERE id = 2; SELECT 1;"))
        .containsExactly(
            "SELECT * FROM t\n  WHERE id = 1", "DELETE FROM t WHERE id = 2", "SELECT 1");
  }

  @Test
  void semicolonsAndCommentMarksInsideQuotesAreText() {
    assertThat(
            all(
                "INSERT INTO t VALUES (1, 'a;b -- c', \"x;\", 'it''s', 'back\\'slash;');",
                "SELECT `we;ird` FROM t;"))
        .containsExactly(
            "INSERT INTO t VALUES (1, 'a;b -- c', \"x;\", 'it''s', 'back\\'slash;')",
            "SELECT `we;ird` FROM t");
  }

  @Test
  void aQuotedValueMaySpanLinesAndKeepsItsLineBreak() {
    SqlScript s = new SqlScript();
    assertThat(s.line("INSERT INTO t VALUES (1, 'two")).isEmpty();
    assertThat(s.midStatement()).isTrue();
    assertThat(s.line("lines');")).containsExactly("INSERT INTO t VALUES (1, 'two\nlines')");
    assertThat(s.midStatement()).isFalse();
  }

  @Test
  void commentsAndEmptyStatementsAreDroppedAndTheLastNeedsNoSemicolon() {
    assertThat(all("-- a comment", ";;", "SELECT 1; -- the end; not a statement", "SELECT 2"))
        .containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void aCommentInsideAStatementDoesNotEndIt() {
    assertThat(all("SELECT * -- all columns; really", "FROM t;"))
        .containsExactly("SELECT * \nFROM t");
  }

  @Test
  void aDoubleDashWithoutSpaceIsAnOperatorNotAComment() {
    assertThat(all("SELECT * FROM t WHERE a = 1--1;"))
        .containsExactly("SELECT * FROM t WHERE a = 1--1");
  }

  @Test
  void blankLinesBetweenStatementsDoNotStartOne() {
    SqlScript s = new SqlScript();
    s.line("");
    s.line("   ");
    assertThat(s.midStatement()).isFalse();
    assertThat(s.end()).isEmpty();
  }
}
