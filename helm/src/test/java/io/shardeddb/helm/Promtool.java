package io.shardeddb.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own rule checker. Found on the PATH; else, as root on Debian, installed from Debian's
 * {@code prometheus} package (idempotent: only when missing); else absent, with the reason.
 */
final class Promtool {

  /** The outcome of one promtool run. */
  record Run(int exitCode, String output) {}

  private final Path binary;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  /** promtool, installing it first where that is possible; empty with the reason otherwise. */
  static Result locate() {
    Optional<Path> found = onPath();
    if (found.isPresent()) {
      return new Result(new Promtool(found.get()), null);
    }
    if (!Files.isRegularFile(Path.of("/etc/debian_version"))) {
      return new Result(null, "promtool is not on the PATH and this is not Debian");
    }
    if (!isRoot()) {
      return new Result(
          null,
          "promtool is not on the PATH and installing Debian's prometheus package needs root:"
              + " apt-get install prometheus");
    }
    String install =
        "apt-get install -y --no-install-recommends prometheus"
            + " || (apt-get update && apt-get install -y --no-install-recommends prometheus)";
    Run run = exec(List.of("sh", "-c", install), Path.of("."), 900);
    found = onPath();
    if (found.isEmpty()) {
      return new Result(
          null, "installing Debian's prometheus package failed (exit " + run.exitCode() + ")");
    }
    return new Result(new Promtool(found.get()), null);
  }

  /** promtool, or why there is none. */
  record Result(Promtool promtool, String whyNot) {}

  /** Runs {@code promtool args...} in {@code dir}. */
  Run run(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    return exec(command, dir, 120);
  }

  private static Optional<Path> onPath() {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
    for (String dir : path.split(":")) {
      if (!dir.isBlank()) {
        Path candidate = Path.of(dir, "promtool");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot() {
    Run id = exec(List.of("id", "-u"), Path.of("."), 10);
    return id.exitCode() == 0 && id.output().strip().equals("0");
  }

  private static Run exec(List<String> command, Path dir, int timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process =
          builder
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      // Read while it runs, so a chatty install cannot fill the pipe and stall.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Run(-1, "timed out after " + timeoutSeconds + " s: " + command);
      }
      return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Run(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Run(-1, e.toString());
    }
  }
}
