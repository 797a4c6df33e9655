package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 29's rule for the whole repository: a main source file over {@value #MAX_LINES} lines says
 * in its Javadoc why it is one file, in a paragraph that starts "{@value #REASON}", so a long file
 * is a decision someone wrote down rather than weight that drifted there.
 */
class LongMainFilesTest {

  static final int MAX_LINES = 450;
  static final String REASON = "Why this file is over 450 lines:";

  @Test
  void everyMainFileOver450LinesSaysWhyItIsOneFile() throws IOException {
    Path root = repositoryRoot();
    List<Path> mainFiles = mainJavaFiles(root);
    List<String> unexplained = new ArrayList<>();
    for (Path file : mainFiles) {
      List<String> lines = Files.readAllLines(file);
      if (lines.size() > MAX_LINES && lines.stream().noneMatch(l -> l.contains(REASON))) {
        unexplained.add(root.relativize(file) + " (" + lines.size() + " lines)");
      }
    }
    assertThat(mainFiles).as("main Java files found under %s", root).isNotEmpty();
    assertThat(unexplained)
        .as(
            "main files over %d lines without a Javadoc paragraph starting \"<p>%s\""
                + " (say why it is one file, or split it)",
            MAX_LINES, REASON)
        .isEmpty();
  }

  /** Every .java file under a {@code src/main/java} tree, skipping build output and dot-folders. */
  static List<Path> mainJavaFiles(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            boolean skip =
                !dir.equals(root)
                    && (name.startsWith(".")
                        || name.equals("target")
                        || name.equals("node_modules"));
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            if (relative.endsWith(".java") && relative.contains("/src/main/java/")) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    found.sort(null);
    return found;
  }

  /** The nearest directory, from the working directory up, that holds pom.xml and docs/. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no directory with pom.xml and docs/ above " + Path.of("").toAbsolutePath());
  }
}
