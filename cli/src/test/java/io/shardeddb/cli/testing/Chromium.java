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
 * Headless Chromium and its chromedriver for the browser tests. Taken from {@code CHROMIUM} and
 * {@code CHROMEDRIVER} or the PATH; else, as root on Debian, Debian's {@code chromium} and {@code
 * chromium-driver} packages are installed (apt-get is idempotent; a fresh machine gets {@code
 * apt-get update} first); else absent, with the reason. No browser is ever downloaded from anywhere
 * but the distribution's packages (Selenium Manager is not used).
 */
public final class Chromium {

  /** The browser and its driver, or why there are none. */
  public record Result(Path browser, Path driver, String whyNot) {

    /**
     * Whether a missing browser should fail the test rather than skip it: where root on Debian
     * could have installed it (CI runs there), or when {@code -Dshardeddb.browser.required=true}.
     */
    public boolean mustExist() {
      return Boolean.getBoolean("shardeddb.browser.required") || installable();
    }
  }

  private Chromium() {}

  /** Chromium and chromedriver, installing Debian's where that is possible. */
  public static Result locate() {
    Optional<Path> browser = browser();
    Optional<Path> driver = driver();
    if (browser.isPresent() && driver.isPresent()) {
      return new Result(browser.get(), driver.get(), null);
    }
    if (!installable()) {
      return new Result(
          null,
          null,
          "no Chromium and chromedriver (set CHROMIUM and CHROMEDRIVER, or install Debian's"
              + " chromium and chromium-driver), and this is not root on Debian, so the test cannot"
              + " install them");
    }
    List<String> install = List.of("apt-get", "install", "-y", "chromium", "chromium-driver");
    String out = exec(install, 900);
    if (browser().isEmpty() || driver().isEmpty()) {
      // A fresh machine may have no package lists yet.
      out = exec(List.of("apt-get", "update"), 600) + exec(install, 900);
    }
    browser = browser();
    driver = driver();
    if (browser.isPresent() && driver.isPresent()) {
      return new Result(browser.get(), driver.get(), null);
    }
    return new Result(
        null, null, "apt-get install chromium chromium-driver did not provide them: " + out);
  }

  private static Optional<Path> browser() {
    return fromEnv("CHROMIUM").or(() -> onPath("chromium", "chromium-browser"));
  }

  private static Optional<Path> driver() {
    return fromEnv("CHROMEDRIVER")
        .or(() -> onPath("chromedriver"))
        .or(() -> executable(Path.of("/usr/lib/chromium/chromedriver")));
  }

  private static Optional<Path> fromEnv(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? Optional.empty() : executable(Path.of(value));
  }

  private static Optional<Path> onPath(String... names) {
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

  private static Optional<Path> executable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  private static boolean installable() {
    return Files.isRegularFile(Path.of("/etc/debian_version"))
        && onPath("apt-get").isPresent()
        && exec(List.of("id", "-u"), 10).strip().equals("0");
  }

  private static String exec(List<String> command, int timeoutSeconds) {
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
}
