package io.shardeddb.router.mysql;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The MariaDB/MySQL command-line client and Debian's Python 3 with PyMySQL, for the client tests.
 * Found on the machine; else, as root on Debian, Debian's {@code mariadb-client} and {@code
 * python3-pymysql} are installed (apt-get is idempotent; {@code apt-get update} first when the
 * install finds nothing); else absent, with the reason, and the tests skip.
 */
final class MysqlClientTools {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** The CLI, whether PyMySQL imports, or why they are missing. */
  record Found(Path cli, boolean pymysql, String whyNot) {}

  private MysqlClientTools() {}

  static synchronized Found locate() {
    if (cli().isPresent() && pymysql()) {
      return new Found(cli().get(), true, null);
    }
    if (!installable()) {
      return new Found(
          cli().orElse(null),
          pymysql(),
          "no mariadb/mysql client or no PyMySQL for /usr/bin/python3, and this is not root on"
              + " Debian, so the test cannot install mariadb-client and python3-pymysql");
    }
    List<String> install = List.of("apt-get", "install", "-y", "mariadb-client", "python3-pymysql");
    String out = run(install, Map.of(), 900).output();
    if (cli().isEmpty() || !pymysql()) {
      out =
          run(List.of("apt-get", "update"), Map.of(), 600).output()
              + run(install, Map.of(), 900).output();
    }
    return new Found(
        cli().orElse(null),
        pymysql(),
        cli().isPresent() && pymysql() ? null : "apt-get install did not provide them: " + out);
  }

  private static Optional<Path> cli() {
    for (String name : List.of("mariadb", "mysql")) {
      Path p = Path.of("/usr/bin", name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static boolean pymysql() {
    return Files.isExecutable(PYTHON)
        && run(List.of(PYTHON.toString(), "-c", "import pymysql"), Map.of(), 30).exit() == 0;
  }

  private static boolean installable() {
    return Files.isRegularFile(Path.of("/etc/debian_version"))
        && Files.isExecutable(Path.of("/usr/bin/apt-get"))
        && run(List.of("id", "-u"), Map.of(), 10).output().strip().equals("0");
  }

  /** A process's exit status and its output (stdout and stderr together). */
  record Ran(int exit, String output) {}

  /** Runs {@code command} with {@code env} added, for at most {@code timeoutSeconds}. */
  static Ran run(List<String> command, Map<String, String> env, int timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      builder.environment().putAll(env);
      Process process =
          builder
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      // Read on another thread, so a hung process cannot hold the test past its timeout.
      var output =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(
                      process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                  return "";
                }
              });
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Ran(-1, "timed out after " + timeoutSeconds + " s: " + command);
      }
      return new Ran(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      return new Ran(-1, command + " failed: " + e);
    }
  }
}
