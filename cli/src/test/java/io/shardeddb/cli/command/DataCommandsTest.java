package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalKubernetes;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data commands' answers when the database or its router cannot be used, against an API server
 * (the in-process one local mode runs). The working path runs in LocalModeIT.
 */
class DataCommandsTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();

  private LocalKubernetes kube;
  private Path kubeconfig;

  @BeforeEach
  void startApi(@TempDir Path dir) throws Exception {
    kubeconfig = dir.resolve("kubeconfig");
    kube = LocalKubernetes.start(0, kubeconfig, "default");
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
  }

  @AfterEach
  void stopApi() {
    kube.close();
  }

  @Test
  void anUnknownDatabaseIsNamedInTheError() {
    CliRun r = run("find", "nosuch", "1");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("error: ShardedDatabase 'nosuch' not found in namespace default");
  }

  @Test
  void aDatabaseAwaitingInitHasNoSchemaToWriteTo() {
    create(HOME.resolve("examples/awaiting-init.yaml"));

    CliRun r = run("insert", "legacy", "{\"Stud_id\":1}");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("has no schema yet");
  }

  @Test
  void withoutAReadyRouterPodTheErrorSaysWhereToLook() {
    create(HOME.resolve("cli/src/test/resources/failover.yaml"));
    kube.client()
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("failover-router-abc")
                .withLabels(
                    Map.of(
                        "app.kubernetes.io/instance", "failover",
                        "app.kubernetes.io/component", "router"))
                .endMetadata()
                .withNewStatus()
                .withPodIP("127.0.9.9")
                .endStatus()
                .build())
        .create();

    CliRun r = run("delete", "failover", "7");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("no ready router pod for 'failover'")
        .contains("kubectl-sdb status");
  }

  @Test
  void aRowThatIsNotAJsonObjectIsAUsageErrorAndNothingIsSent() {
    CliRun notJson = run("insert", "failover", "{\"Stud_id\":1}", "{oops");
    CliRun notObject = run("update", "failover", "1", "[1,2]");

    assertThat(notJson.code()).isEqualTo(2);
    assertThat(notJson.err()).contains("row 2 is not valid JSON");
    assertThat(notObject.code()).isEqualTo(2);
    assertThat(notObject.err()).contains("JSON_ROW is not a JSON object");
  }

  @Test
  void aRangeWhoseHighIsBelowItsLowIsAUsageError() {
    CliRun r = run("find", "failover", "10", "5");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("HIGH (5) is below LOW (10)");
  }

  private void create(Path yaml) {
    try (InputStream in = Files.newInputStream(yaml)) {
      GenericKubernetesResource r = Serialization.unmarshal(in, GenericKubernetesResource.class);
      kube.client().resource(r).inNamespace("default").create();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private CliRun run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    return CliRun.cli(all);
  }
}
