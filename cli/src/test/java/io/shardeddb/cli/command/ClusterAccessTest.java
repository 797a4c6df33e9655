package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.cli.testing.Kubeconfigs;
import io.shardeddb.local.LocalKubernetes;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every verb finds its cluster and namespace (as kubectl: {@code --context}, the context's
 * namespace, else {@code default}; {@code -n} over both), and what it says when the API cannot be
 * used: one {@code error:} line and exit code 1, never a stack trace (issue 50: a context without a
 * namespace printed {@code KubernetesClientException: namespace cannot be null} and a trace).
 */
class ClusterAccessTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();

  private LocalKubernetes kube;
  private Path dir;
  private Path kubeconfig;

  @BeforeEach
  void startApi(@TempDir Path dir) throws Exception {
    this.dir = dir;
    kubeconfig = dir.resolve("kubeconfig");
    kube = LocalKubernetes.start(0, kubeconfig, "default");
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
    create("default", "failover");
    create("team", "teamdb");
  }

  private void create(String namespace, String name) throws Exception {
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/failover.yaml"))) {
      ShardedDatabase sdb = Serialization.unmarshal(in, ShardedDatabase.class);
      sdb.getMetadata().setName(name);
      kube.client().resource(sdb).inNamespace(namespace).create();
    }
  }

  @AfterEach
  void stopApi() {
    kube.close();
  }

  /** An address on loopback where nothing listens. */
  private static String deadServer() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return "https://127.0.0.1:" + s.getLocalPort();
    }
  }

  /** One {@code error:} line on stderr, nothing that looks like a Java exception or a frame. */
  private static void assertOneErrorLine(CliRun run, int code) {
    assertThat(run.code()).as(run.err()).isEqualTo(code);
    assertThat(run.err().strip()).as(run.err()).startsWith("error: ").doesNotContain("\n");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  @DisplayName("a context without a namespace means 'default', as for kubectl")
  void aContextWithoutANamespaceMeansDefault() {
    Path noNamespace = Kubeconfigs.of(kubeconfig).withoutNamespace().write(dir.resolve("no-ns"));

    CliRun status = cli("status", "failover", "--kubeconfig", noNamespace.toString());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("ShardedDatabase failover");
    assertThat(status.err()).isEmpty();

    CliRun missing = cli("status", "teamdb", "--kubeconfig", noNamespace.toString());
    assertOneErrorLine(missing, 1);
    assertThat(missing.err()).contains("ShardedDatabase 'teamdb' not found in default");

    CliRun list = cli("backup", "list", "failover", "--kubeconfig", noNamespace.toString());
    assertThat(list.code()).as(list.err()).isZero();

    CliRun team = cli("status", "teamdb", "-n", "team", "--kubeconfig", noNamespace.toString());
    assertThat(team.code()).as(team.err()).isZero();
  }

  @Test
  @DisplayName("--context picks the cluster and the namespace of that context; -n wins over it")
  void contextPicksClusterAndNamespace() throws Exception {
    Path two =
        Kubeconfigs.of(kubeconfig)
            .withContext("dead", deadServer(), "default")
            .withContext("team", kube.url(), "team")
            .current("dead")
            .write(dir.resolve("two"));
    String k = two.toString();

    assertThat(cli("status", "teamdb", "--context", "team", "--kubeconfig", k).code()).isZero();
    assertThat(
            cli("status", "failover", "--context", "team", "-n", "default", "--kubeconfig", k)
                .code())
        .isZero();

    CliRun current = cli("status", "teamdb", "--kubeconfig", k);
    assertOneErrorLine(current, 1);
    assertThat(current.err()).contains("cannot reach the Kubernetes API at https://127.0.0.1:");

    CliRun unknown = cli("status", "teamdb", "--context", "nope", "--kubeconfig", k);
    assertOneErrorLine(unknown, 1);
    assertThat(unknown.err()).contains("context 'nope' not found in kubeconfig " + k);
  }

  @Test
  @DisplayName("an unreadable kubeconfig and a refused token are one line each")
  void unreadableKubeconfigAndRefusedToken() {
    CliRun missing = cli("status", "failover", "--kubeconfig", dir.resolve("absent").toString());
    assertOneErrorLine(missing, 1);
    assertThat(missing.err()).contains("cannot read kubeconfig");

    Path badToken = Kubeconfigs.of(kubeconfig).withToken("wrong").write(dir.resolve("bad-token"));
    CliRun refused = cli("status", "failover", "--kubeconfig", badToken.toString());
    assertOneErrorLine(refused, 1);
    assertThat(refused.err()).contains("401").contains("Unauthorized");
  }

  @Test
  @DisplayName("a forbidden read is one line naming the API's reason")
  void forbiddenIsOneLine() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    try {
      server
          .expect()
          .get()
          .withPath("/apis/shardeddb.io/v1alpha1/namespaces/default/shardeddatabases/failover")
          .andReturn(
              403,
              new StatusBuilder()
                  .withStatus("Failure")
                  .withCode(403)
                  .withReason("Forbidden")
                  .withMessage(
                      "shardeddatabases.shardeddb.io \"failover\" is forbidden: User \"bob\""
                          + " cannot get resource \"shardeddatabases\"")
                  .build())
          .always();
      Path k =
          Kubeconfigs.of(kubeconfig)
              .withContext("mock", "http://127.0.0.1:" + server.getPort(), null)
              .current("mock")
              .write(dir.resolve("mock"));

      CliRun run = cli("status", "failover", "--kubeconfig", k.toString());
      assertOneErrorLine(run, 1);
      assertThat(run.err())
          .contains("forbidden")
          .contains("User \"bob\" cannot get resource \"shardeddatabases\"");
    } finally {
      server.destroy();
    }
  }

  /** Every verb that talks to a cluster, with arguments it accepts. */
  private static final List<List<String>> CLUSTER_VERBS =
      List.of(
          List.of("status", "x"),
          List.of("logs", "x", "--shard", "sh1"),
          List.of("report", "x", "--output", "/nonexistent-dir/r.tar.gz"),
          List.of("insert", "x", "{\"a\":1}"),
          List.of("find", "x", "0", "10"),
          List.of("update", "x", "1", "{\"a\":1}"),
          List.of("delete", "x", "1"),
          List.of("promote", "x", "sh1", "x-sh1-1"),
          List.of("elect", "x", "sh1"),
          List.of("quorum", "x"),
          List.of("rebuild", "x", "x-sh1-1"),
          List.of("sql", "x", "-e", "SELECT 1"),
          List.of("restart", "x"),
          List.of("destroy", "x", "x-sh1-1"),
          List.of("fence", "x", "x-sh1-1"),
          List.of("unfence", "x", "x-sh1-1"),
          List.of("hibernate", "x"),
          List.of("resume", "x"),
          List.of("backup", "create", "x"),
          List.of("backup", "list", "x"),
          List.of("restore-point", "create", "x", "p1"),
          List.of("restore", "x", "y", "--backup", "b1"),
          List.of("local", "kill", "x-sh1-0"),
          List.of("local", "delete-pod", "x-sh1-0"),
          List.of("local", "pause", "x-sh1-0"),
          List.of("local", "resume", "x-sh1-0"),
          List.of("local", "partition", "x-sh1-0"),
          List.of("local", "heal"),
          List.of("local", "throttle", "x-sh1-0", "--cpu", "0.05"),
          List.of("local", "unthrottle", "x-sh1-0"),
          List.of("local", "booking", "x", "--port", "0"));

  /** The command paths whose command takes the cluster options, e.g. {@code [backup, list]}. */
  private static Set<List<String>> clusterVerbs(CommandLine c, List<String> path) {
    Set<List<String>> out = new java.util.LinkedHashSet<>();
    CommandSpec spec = c.getCommandSpec();
    boolean takesCluster =
        spec.mixins().values().stream()
            .anyMatch(
                m ->
                    m.userObject() instanceof KubeconfigOption
                        || m.mixins().values().stream()
                            .anyMatch(n -> n.userObject() instanceof KubeconfigOption));
    if (takesCluster) {
      out.add(path);
    }
    for (var sub : c.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(path);
      p.add(sub.getKey());
      out.addAll(clusterVerbs(sub.getValue(), p));
    }
    return out;
  }

  @Test
  @DisplayName("every cluster verb takes --kubeconfig, --context and -n/--namespace")
  void everyClusterVerbTakesTheClusterOptions() {
    CommandLine root = KubectlSdb.commandLine();
    Set<List<String>> verbs = clusterVerbs(root, List.of());
    assertThat(new TreeSet<>(verbs.stream().map(v -> String.join(" ", v)).toList()))
        .as("the verbs this test runs")
        .isEqualTo(
            new TreeSet<>(
                CLUSTER_VERBS.stream()
                    .map(
                        v ->
                            String.join(
                                " ",
                                v.subList(
                                    0, v.get(0).matches("local|backup|restore-point") ? 2 : 1)))
                    .toList()));
    for (List<String> verb : verbs) {
      CommandLine c = root;
      for (String name : verb) {
        c = c.getSubcommands().get(name);
      }
      for (String option : List.of("--kubeconfig", "--context", "-n", "--namespace")) {
        assertThat(c.getCommandSpec().findOption(option)).as(verb + " " + option).isNotNull();
      }
    }
  }

  @Test
  @DisplayName("every cluster verb against an unreachable API: one error line, exit code 1")
  void everyClusterVerbFailsInOneLineWhenTheApiIsUnreachable() throws Exception {
    Path dead =
        Kubeconfigs.of(kubeconfig)
            .withContext("dead", deadServer(), null)
            .current("dead")
            .write(dir.resolve("dead"));
    for (List<String> verb : CLUSTER_VERBS) {
      List<String> args = new ArrayList<>(verb);
      args.addAll(List.of("--kubeconfig", dead.toString()));
      CliRun run = cli(args.toArray(String[]::new));
      assertThat(run.code()).as(verb + ": " + run.err()).isEqualTo(1);
      assertThat(run.err().strip())
          .as(verb.toString())
          .startsWith("error: ")
          .doesNotContain("\n")
          .doesNotContain("\tat ")
          .contains(
              // local verbs refuse a context that is not local mode's before calling anything
              verb.get(0).equals("local")
                  ? "local verbs act on local mode's pods only"
                  : "cannot reach the Kubernetes API at https://127.0.0.1:");
    }
  }
}
