package io.shardeddb.router.e2e;

import io.shardeddb.router.e2e.OtlpReceiver.Received;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Regenerates the trace screenshot in docs/monitoring.md ("Traces") from a trace {@link TracingIT}
 * received, when asked with {@value #PROPERTY}{@code =true} (never in a normal build, so CI does
 * not rewrite the docs): the {@link TraceWaterfall} page is written under {@code target/} and a
 * real headless Chromium renders it to {@value #IMAGE}. Chromium comes from {@code CHROMIUM} or the
 * PATH (Debian's {@code chromium} package); without one the test fails saying so.
 */
final class TraceScreenshot {
  static final String PROPERTY = "shardeddb.docs.trace-screenshot";
  static final String IMAGE = "docs/images/trace-one-write.png";

  private TraceScreenshot() {}

  static boolean requested() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** Renders {@code trace} to the docs' image; returns the image's path. */
  static Path render(List<Received> trace) throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path html = root.resolve("router/target/trace-one-write.html");
    Files.createDirectories(html.getParent());
    Files.writeString(html, TraceWaterfall.html(trace), StandardCharsets.UTF_8);
    Path png = root.resolve(IMAGE);
    Files.createDirectories(png.getParent());
    int height = 120 + 44 * trace.size();
    Process p =
        new ProcessBuilder(
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--window-size=1200," + height,
                "--screenshot=" + png.toAbsolutePath(),
                html.toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("router/target/trace-screenshot.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish the screenshot in 120 s");
    }
    if (p.exitValue() != 0 || !Files.isRegularFile(png)) {
      throw new IllegalStateException(
          "chromium exited " + p.exitValue() + "; see router/target/trace-screenshot.log");
    }
    return png;
  }

  private static String chromium() {
    String fromEnv = System.getenv("CHROMIUM");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    throw new IllegalStateException(
        "-D" + PROPERTY + " needs Chromium: set CHROMIUM or apt-get install chromium");
  }

  /** The checkout's root: the router module's parent (failsafe runs in the module). */
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/monitoring.md"))) {
        return p;
      }
    }
    throw new IllegalStateException("no docs/monitoring.md above " + dir);
  }
}
