package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.report.SupportBundle;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.cli.testing.MockCluster;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl sdb report} against fabric8's mock API (CRUD, plus pods' logs): what the bundle
 * holds, that it holds nothing of other databases, and that no Secret's value reaches it.
 */
class ReportCommandTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private static final String SECRET_VALUE = "s3cr3t-router-token-value";
  private static final String LITERAL_PASSWORD = "hunter2-literal-password";

  private MockCluster mock;
  private Path dir;
  private Path kubeconfig;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    mock = new MockCluster().crd(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"));
    kubeconfig = mock.kubeconfig(dir.resolve("kubeconfig"), "shop");
    var client = mock.client();
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/failover.yaml"))) {
      ShardedDatabase sdb = Serialization.unmarshal(in, ShardedDatabase.class);
      ShardedDatabase created = client.resource(sdb).inNamespace("shop").create();
      // The status is a subresource: written after the create, as the operator does.
      created.setStatus(
          ShardedDatabaseStatus.builder()
              .observedGeneration(1L)
              .shards(
                  List.of(
                      ShardStatus.builder().id("sh1").epoch(3L).primary("failover-sh1-0").build()))
              .build());
      client.resource(created).updateStatus();
    }
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("failover-router-token")
                .withNamespace("shop")
                .endMetadata()
                .addToData(
                    "token",
                    Base64.getEncoder()
                        .encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    client.resource(shardPod("failover-sh1-0", "failover")).create();
    client.resource(routerPod()).create();
    client.resource(shardPod("other-sh1-0", "other")).create();
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("shardeddb-operator-7d9f")
                .withNamespace("shardeddb-system")
                .addToLabels("app.kubernetes.io/name", "shardeddb-operator")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("operator")
                .endContainer()
                .endSpec()
                .build())
        .create();
    event("e1", "ShardedDatabase", "failover", "Ready", "all shards serving");
    event("e2", "Pod", "failover-sh1-0", "BackOff", "back-off restarting failed container");
    event("e3", "Pod", "other-sh1-0", "OtherReason", "not ours");
    mock.log("shop", "failover-sh1-0", "shard-server", false, "shard sh1 serving at epoch 3\n");
    mock.log("shop", "failover-sh1-0", "shard-server", true, "killed by OOM\n");
    mock.log("shop", "failover-router-5c6d", "router", false, "router ready\n");
    mock.log("shop", "other-sh1-0", "shard-server", false, "OTHER DATABASE LOG\n");
    mock.log(
        "shardeddb-system", "shardeddb-operator-7d9f", "operator", false, "reconciled failover\n");
  }

  private static Pod shardPod(String name, String db) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .addToLabels("app.kubernetes.io/name", "shardeddb")
        .addToLabels("app.kubernetes.io/instance", db)
        .addToLabels("app.kubernetes.io/component", "shard")
        .endMetadata()
        .withNewSpec()
        .addNewInitContainer()
        .withName("init")
        .endInitContainer()
        .addNewContainer()
        .withName("shard-server")
        .addNewEnv()
        .withName("SDB_TOKEN")
        .withNewValueFrom()
        .withNewSecretKeyRef("token", "failover-router-token", false)
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("MYSQL_PASSWORD")
        .withValue(LITERAL_PASSWORD)
        .endEnv()
        .addNewEnv()
        .withName("SDB_SHARD")
        .withValue("sh1")
        .endEnv()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .addNewContainerStatus()
        .withName("shard-server")
        .withRestartCount(1)
        .withReady(true)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Pod routerPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("failover-router-5c6d")
        .withNamespace("shop")
        .addToLabels("app.kubernetes.io/name", "shardeddb")
        .addToLabels("app.kubernetes.io/instance", "failover")
        .addToLabels("app.kubernetes.io/component", "router")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("router")
        .endContainer()
        .endSpec()
        .build();
  }

  private void event(String name, String kind, String object, String reason, String message) {
    mock.client()
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("shop")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind(kind)
                .withName(object)
                .withNamespace("shop")
                .endInvolvedObject()
                .withType("Normal")
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withLastTimestamp("2026-11-26T10:00:0" + name.charAt(1) + "Z")
                .build())
        .create();
  }

  @AfterEach
  void stop() {
    mock.close();
  }

  private static Map<String, String> untar(Path archive) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(archive)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  @Test
  @DisplayName("a .tar.gz with the resource, events, pods and their logs, the operator's, status")
  void bundleHoldsResourceEventsPodsLogsAndStatus() throws Exception {
    Path archive = dir.resolve("bundle.tar.gz");
    CliRun run =
        cli(
            "report",
            "failover",
            "--kubeconfig",
            kubeconfig.toString(),
            "--output",
            archive.toString(),
            "--since",
            "10m");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote " + archive.toAbsolutePath());
    Map<String, String> files = untar(archive);
    String p = "report-failover/";
    assertThat(files.keySet())
        .containsExactlyInAnyOrder(
            p + "README.txt",
            p + "shardeddatabase.yaml",
            p + "status.txt",
            p + "status.json",
            p + "events.txt",
            p + "events.yaml",
            p + "pods/failover-sh1-0/pod.yaml",
            p + "pods/failover-sh1-0/shard-server.log",
            p + "pods/failover-sh1-0/shard-server.previous.log",
            p + "pods/failover-router-5c6d/pod.yaml",
            p + "pods/failover-router-5c6d/router.log",
            p + "operator/shardeddb-operator-7d9f/pod.yaml",
            p + "operator/shardeddb-operator-7d9f/operator.log");
    assertThat(files.get(p + "shardeddatabase.yaml"))
        .contains("kind: \"ShardedDatabase\"")
        .contains("name: \"failover\"");
    JsonNode status = new ObjectMapper().readTree(files.get(p + "status.json"));
    assertThat(status.at("/status/shards/0/primary").asText()).isEqualTo("failover-sh1-0");
    assertThat(files.get(p + "status.txt")).contains("failover-sh1-0");
    assertThat(files.get(p + "events.txt"))
        .contains("all shards serving")
        .contains("pod/failover-sh1-0")
        .contains("BackOff")
        .doesNotContain("not ours");
    assertThat(files.get(p + "pods/failover-sh1-0/pod.yaml"))
        .contains("restartCount: 1")
        .contains("phase: \"Running\"");
    assertThat(files.get(p + "pods/failover-sh1-0/shard-server.log"))
        .isEqualTo("shard sh1 serving at epoch 3\n");
    assertThat(files.get(p + "pods/failover-sh1-0/shard-server.previous.log"))
        .isEqualTo("killed by OOM\n");
    assertThat(files.get(p + "operator/shardeddb-operator-7d9f/operator.log"))
        .isEqualTo("reconciled failover\n");
    // The init container has no log: the bundle is written and says what is missing.
    assertThat(files.get(p + "README.txt"))
        .contains("ShardedDatabase shop/failover")
        .contains("log of failover-sh1-0/init: not found (404)");
    assertThat(run.err()).contains("warning: not collected: log of failover-sh1-0/init");
    // --since 10m reached every current log request, and no other database was read.
    assertThat(mock.logQueries())
        .filteredOn(q -> !q.contains("previous=true"))
        .allSatisfy(q -> assertThat(q).contains("sinceSeconds=600"))
        .noneMatch(q -> q.contains("other-sh1-0"));
    assertThat(String.join("\n", files.values())).doesNotContain("OTHER DATABASE LOG");
  }

  @Test
  @DisplayName("no Secret's value reaches the bundle; literal credential env values are redacted")
  void secretsNeverReachTheBundle() throws Exception {
    Path out = dir.resolve("bundle-dir");
    CliRun run =
        cli(
            "report",
            "failover",
            "--kubeconfig",
            kubeconfig.toString(),
            "--output",
            out.toString());
    assertThat(run.code()).as(run.err()).isZero();

    String encoded =
        Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8));
    List<Path> written;
    try (Stream<Path> walk = Files.walk(out)) {
      written = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(written).hasSizeGreaterThan(8);
    for (Path f : written) {
      String text = Files.readString(f);
      assertThat(text)
          .as(f.toString())
          .doesNotContain(SECRET_VALUE)
          .doesNotContain(encoded)
          .doesNotContain(LITERAL_PASSWORD);
    }
    String pod = Files.readString(out.resolve("pods/failover-sh1-0/pod.yaml"));
    assertThat(pod)
        .contains(SupportBundle.REDACTED)
        .contains("name: \"failover-router-token\"")
        .contains("value: \"sh1\"");
    assertThat(Files.readString(out.resolve("README.txt"))).contains("operator.log");
  }

  @Test
  @DisplayName("an unknown database or a bad --since writes nothing and says why in one line")
  void unknownDatabaseAndBadSinceWriteNothing() throws Exception {
    Path out = dir.resolve("nothing.tar.gz");
    CliRun missing =
        cli("report", "nope", "--kubeconfig", kubeconfig.toString(), "--output", out.toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("error: ShardedDatabase 'nope' not found in shop");
    CliRun since =
        cli(
            "report",
            "failover",
            "--since",
            "5x",
            "--kubeconfig",
            kubeconfig.toString(),
            "--output",
            out.toString());
    assertThat(since.code()).isEqualTo(2);
    assertThat(since.err()).contains("'5x' is not a duration: use e.g. 30s, 2m, 1h30m");
    assertThat(out).doesNotExist();
  }
}
