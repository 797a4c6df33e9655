package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 47's rule for the classes whose long methods became named steps over values (STYLE.md §16,
 * §19): no method of theirs grows back over {@value #MAX_LINES} lines, header to closing brace. A
 * long method there is a step that wants its own name.
 */
class LongMethodsTest {

  static final int MAX_LINES = 60;

  /** The classes split into steps, as paths from the repository root. */
  static final List<String> SPLIT =
      List.of(
          "operator/src/main/java/io/shardeddb/operator/status/StatusAggregator.java",
          "operator/src/main/java/io/shardeddb/operator/status/ShardConditions.java",
          "operator/src/main/java/io/shardeddb/operator/status/Verdict.java",
          "shard-server/src/main/java/io/shardeddb/shardserver/backup/BackupRestorer.java",
          "shard-server/src/main/java/io/shardeddb/shardserver/backup/RestoreRules.java",
          "backup/src/main/java/io/shardeddb/backup/RestorePlanner.java");

  @Test
  void noMethodOfTheClassesSplitIntoStepsIsOver60Lines() throws IOException {
    Path root = LongMainFilesTest.repositoryRoot();
    List<String> tooLong = new ArrayList<>();
    int methods = 0;
    for (String file : SPLIT) {
      Path path = root.resolve(file);
      assertThat(path).as("a class split into steps (moved? update SPLIT)").isRegularFile();
      for (MethodLengths.Method m : MethodLengths.of(Files.readString(path))) {
        methods++;
        if (m.lines() > MAX_LINES) {
          tooLong.add(
              file + ": " + m.name() + " (" + m.lines() + " lines from " + m.firstLine() + ")");
        }
      }
    }
    assertThat(methods).as("methods found in %s", SPLIT).isGreaterThan(40);
    assertThat(tooLong)
        .as("methods over %d lines (split them into named steps over values)", MAX_LINES)
        .isEmpty();
  }

  @Test
  void theScannerCountsAMethodFromItsHeaderToItsClosingBraceAndSkipsNestedTypesAndStrings() {
    String source =
        String.join(
            "\n",
            "@Deprecated(since = \"1\")",
            "public final class A {",
            "  /** a { brace in a comment */",
            "  private static final String S = \"}{\";",
            "  record R(int x) {",
            "    int twice() {",
            "      return x * 2;",
            "    }",
            "  }",
            "",
            "  @Override",
            "  public String toString(",
            "      ) {",
            "    Runnable r = new Runnable() {",
            "      public void run() {}",
            "    };",
            "    return \"{\" + '}';",
            "  }",
            "}");

    assertThat(MethodLengths.of(source))
        .containsExactly(
            new MethodLengths.Method("twice", 6, 8), new MethodLengths.Method("toString", 11, 18));
  }
}
