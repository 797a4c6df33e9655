package io.shardeddb.cli.command;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the ShardedDB checkout (its built jars and crds/): {@code -Dshardeddb.home}, else upwards
 * from the working directory.
 */
final class ProjectHome {
  private ProjectHome() {}

  static Path find() {
    String prop = System.getProperty("shardeddb.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("crds"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "cannot find the ShardedDB project (run from the checkout or set -Dshardeddb.home)");
  }
}
