package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/kubectl-sdb}, the README's command for local mode, as a user runs it a second time:
 * the jars are built and newer than every source, so it must run the CLI without building.
 */
class LauncherScriptIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  @Test
  void withUpToDateJarsTheScriptRunsTheCliAndBuildsNothing() throws Exception {
    // What `verify` built, made newer than any source (as after a build on the user's machine), so
    // the script's staleness check runs and finds nothing to build.
    FileTime now = FileTime.from(Instant.now().plusSeconds(5));
    for (String jar :
        List.of(
            "cli/target/cli.jar",
            "cli/target/classpath.txt",
            "shard-server/target/shard-server.jar",
            "router/target/router.jar")) {
      Path p = HOME.resolve(jar);
      assertThat(p).as("built by the reactor before this IT").exists();
      Files.setLastModifiedTime(p, now);
    }

    Process p =
        new ProcessBuilder("sh", HOME.resolve("bin/kubectl-sdb").toString(), "--help")
            .directory(HOME.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the script finished").isTrue();
    String out = read(p);

    // Before the fix: exit 1 and no output at all (set -e ended the script in its check).
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Usage:").doesNotContain("building ShardedDB");
  }

  private static String read(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
