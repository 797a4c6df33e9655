package io.shardeddb.cli.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
        .or(() -> DebianPackages.executable(Path.of("/usr/lib/chromium/chromedriver")));
  }

  private static Optional<Path> fromEnv(String name) {
    return DebianPackages.fromEnv(name);
  }

  private static Optional<Path> onPath(String... names) {
    return DebianPackages.onPath(names);
  }

  private static boolean installable() {
    return DebianPackages.installable();
  }

  private static String exec(List<String> command, int timeoutSeconds) {
    return DebianPackages.exec(command, timeoutSeconds);
  }
}
