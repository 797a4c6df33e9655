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
 * Prometheus' own rule checker. Taken from the PATH; else from Debian's {@code prometheus} package,
 * downloaded with {@code apt-get download} and unpacked (not installed: no Prometheus service gets
 * registered or started, no root needed) into {@code ~/.cache/shardeddb/prometheus-deb}, once; else
 * absent, with the reason.
 */
final class Promtool {

  /** The outcome of one promtool run. */
  record Run(int exitCode, String output) {}

  private static final Path CACHE =
      Path.of(System.getProperty("user.home"), ".cache", "shardeddb", "prometheus-deb");

  private final Path binary;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  /** promtool, fetching it first where that is possible; empty with the reason otherwise. */
  static Result locate() {
    Optional<Path> found = onPath().or(Promtool::cached);
    if (found.isPresent()) {
      return new Result(new Promtool(found.get()), null);
    }
    if (!Files.isRegularFile(Path.of("/etc/debian_version")) || executable("apt-get").isEmpty()) {
      return new Result(null, "promtool is not on the PATH and this is not Debian (apt-get)");
    }
    Path download;
    try {
      download = Files.createTempDirectory("prometheus-deb");
    } catch (IOException e) {
      return new Result(null, "no temporary directory for the prometheus package: " + e);
    }
    Run fetched = exec(List.of("apt-get", "download", "prometheus"), download, 600);
    if (fetched.exitCode() != 0 && isRoot()) {
      // A fresh machine may have no package lists yet.
      exec(List.of("apt-get", "update"), download, 600);
      fetched = exec(List.of("apt-get", "download", "prometheus"), download, 600);
    }
    if (fetched.exitCode() != 0) {
      return new Result(
          null,
          "promtool is not on the PATH and `apt-get download prometheus` failed"
              + (isRoot() ? "" : " (not root, so no apt-get update)")
              + ": "
              + fetched.output().strip());
    }
    try {
      Files.createDirectories(CACHE);
    } catch (IOException e) {
      return new Result(null, "cannot create " + CACHE + ": " + e);
    }
    Run unpacked =
        exec(
            List.of(
                "sh",
                "-c",
                "dpkg-deb -x prometheus_*.deb \"$0\"",
                CACHE.toAbsolutePath().toString()),
            download,
            120);
    return cached()
        .map(p -> new Result(new Promtool(p), null))
        .orElseGet(
            () ->
                new Result(
                    null, "unpacking Debian's prometheus package failed: " + unpacked.output()));
  }

  /**
   * promtool, or why there is none. Where root on Debian could have fetched it, its absence is a
   * failure, not a reason to skip: CI runs there, and must not pass without running the rules.
   */
  record Result(Promtool promtool, String whyNot) {

    /** Whether a missing promtool should fail the tests rather than skip them. */
    boolean mustExist() {
      return Files.isRegularFile(Path.of("/etc/debian_version")) && isRoot();
    }
  }

  /** Runs {@code promtool args...} in {@code dir}. */
  Run run(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    return exec(command, dir, 120);
  }

  private static Optional<Path> onPath() {
    return executable("promtool");
  }

  private static Optional<Path> cached() {
    Path promtool = CACHE.resolve("usr/bin/promtool");
    return Files.isExecutable(promtool) ? Optional.of(promtool) : Optional.empty();
  }

  private static Optional<Path> executable(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
    for (String dir : path.split(":")) {
      if (!dir.isBlank()) {
        Path candidate = Path.of(dir, name);
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
