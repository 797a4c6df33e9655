package io.shardeddb.cli.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Programs the tests drive, found on the PATH or installed from Debian's packages where that is
 * possible (root on Debian: {@code apt-get} is idempotent; a fresh machine gets {@code apt-get
 * update} first). Nothing is downloaded from anywhere but the distribution.
 */
public final class DebianPackages {
  private DebianPackages() {}

  /**
   * Runs {@code apt-get install -y packages} (after {@code apt-get update} when the first try
   * leaves {@code present} false); the last output, for a reason when it did not help.
   */
  public static String install(java.util.function.BooleanSupplier present, String... packages) {
    List<String> install = new java.util.ArrayList<>(List.of("apt-get", "install", "-y"));
    install.addAll(List.of(packages));
    String out = exec(install, 900);
    if (!present.getAsBoolean()) {
      out = exec(List.of("apt-get", "update"), 600) + exec(install, 900);
    }
    return out;
  }

  public static Optional<Path> fromEnv(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? Optional.empty() : executable(Path.of(value));
  }

  public static Optional<Path> onPath(String... names) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
    for (String name : names) {
      for (String dir : path.split(":")) {
        if (!dir.isBlank()) {
          Optional<Path> found = executable(Path.of(dir, name));
          if (found.isPresent()) {
            return found;
          }
        }
      }
    }
    return Optional.empty();
  }

  public static Optional<Path> executable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  public static boolean installable() {
    return Files.isRegularFile(Path.of("/etc/debian_version"))
        && onPath("apt-get").isPresent()
        && exec(List.of("id", "-u"), 10).strip().equals("0");
  }

  public static String exec(List<String> command, int timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process =
          builder
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      // Read while it runs, so a chatty install cannot fill the pipe and stall.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "timed out after " + timeoutSeconds + " s: " + command;
      }
      String text = new String(output, StandardCharsets.UTF_8);
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** A program's exit code and its output (stdout and stderr together). */
  public record Ran(int exit, String output) {}

  /** Runs {@code command} with {@code env} added, at most {@code timeoutSeconds}. */
  public static Ran run(
      List<String> command, java.util.Map<String, String> env, int timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process =
          builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Ran(-1, "timed out after " + timeoutSeconds + " s: " + command);
      }
      return new Ran(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Ran(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Ran(-1, e.toString());
    }
  }
}
