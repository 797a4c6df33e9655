package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.local.LocalKubernetes;
import io.shardeddb.protocol.topology.Role;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promote} and {@code rebuild} against an API server with no operator: what they say and
 * which exit code they return when nothing answers, when the names are wrong, and when the operator
 * (played by the test) refuses. The working path runs in RequestCommandsIT.
 */
class RequestCommandsTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();

  private LocalKubernetes kube;
  private Path kubeconfig;
  private Resource<ShardedDatabase> db;

  @BeforeEach
  void startApi(@TempDir Path dir) throws Exception {
    kubeconfig = dir.resolve("kubeconfig");
    kube = LocalKubernetes.start(0, kubeconfig, "default");
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/failover.yaml"))) {
      ShardedDatabase sdb = Serialization.unmarshal(in, ShardedDatabase.class);
      kube.client().resource(sdb).inNamespace("default").create();
    }
    db = kube.client().resources(ShardedDatabase.class).inNamespace("default").withName("failover");
    ShardedDatabase current = db.get();
    current.setStatus(
        ShardedDatabaseStatus.builder()
            .observedGeneration(1L)
            .conditions(List.of())
            .shardCount(2)
            .replicas("6/6")
            .shards(List.of(shard("sh1"), shard("sh2")))
            .build());
    kube.client().resource(current).updateStatus();
  }

  private static ShardStatus shard(String id) {
    List<ReplicaStatus> replicas =
        List.of(0, 1, 2).stream()
            .map(
                i ->
                    new ReplicaStatus(
                        "failover-" + id + "-" + i,
                        "http://127.0.0." + (i + 10) + ":8081",
                        i == 0 ? Role.Primary : Role.Secondary,
                        true,
                        null,
                        10L,
                        0L,
                        null))
            .toList();
    return ShardStatus.builder()
        .id(id)
        .epoch(1L)
        .primary("failover-" + id + "-0")
        .readyReplicas(3)
        .replicas(replicas)
        .build();
  }

  @AfterEach
  void stopApi() {
    kube.close();
  }

  @Test
  void withNoOperatorToAnswerThePromoteTimesOutWithCode5AndWithdrawsTheRequest() {
    Result r = run("promote", "failover", "sh1", "failover-sh1-2", "--timeout", "PT2S");

    assertThat(r.code).isEqualTo(5);
    assertThat(r.err.strip()).startsWith("error: timed out after 2s").doesNotContain("\n");
    assertThat(db.get().getMetadata().getAnnotations()).doesNotContainKey("shardeddb.io/promote");
  }

  @Test
  void unknownNamesExitWithCode3BeforeAnythingIsRequested() {
    assertThat(run("promote", "nope", "sh1", "x").code).isEqualTo(3);
    Result shard = run("promote", "failover", "sh7", "failover-sh1-1");
    assertThat(shard.code).isEqualTo(3);
    assertThat(shard.err).contains("no shard 'sh7' in ShardedDatabase failover (shards: sh1, sh2)");
    Result pod = run("rebuild", "failover", "failover-sh9-0");
    assertThat(pod.code).isEqualTo(3);
    assertThat(pod.err)
        .contains("pod 'failover-sh9-0' is not a replica of ShardedDatabase failover");
    assertThat(db.get().getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void promotingTheCurrentPrimaryIsDoneAtOnce() {
    Result r = run("promote", "failover", "sh2", "failover-sh2-0", "-o", "json");

    assertThat(r.code).isZero();
    assertThat(r.out).contains("\"primary\" : \"failover-sh2-0\"").contains("already the primary");
  }

  @Test
  void aRefusalRecordedByTheOperatorIsPrintedAsOneLineWithCode4() throws Exception {
    // The operator's part, played here: take the request from the annotation, record the outcome.
    // Its own thread: the common pool may have one worker on a small machine, which the HTTP
    // client's completions need.
    ExecutorService operatorThread = Executors.newSingleThreadExecutor();
    CompletableFuture<Void> operator =
        CompletableFuture.runAsync(
            () -> {
              String value =
                  await()
                      .atMost(Duration.ofSeconds(30))
                      .until(
                          () -> {
                            Map<String, String> a = db.get().getMetadata().getAnnotations();
                            return a == null ? null : a.get("shardeddb.io/rebuild");
                          },
                          v -> v != null);
              ShardedDatabase current = db.get();
              current.setStatus(
                  current
                      .getStatus()
                      .withRequests(
                          List.of(
                              new RequestStatus(
                                  RequestStatus.Type.Rebuild,
                                  value,
                                  RequestStatus.Outcome.Refused,
                                  value + " is the primary of shard sh1; promote another replica",
                                  "2026-11-22T12:00:00Z"))));
              kube.client().resource(current).updateStatus();
            },
            operatorThread);

    Result r = run("rebuild", "failover", "failover-sh1-0", "--timeout", "PT30S");
    operator.get();
    operatorThread.shutdown();

    assertThat(r.code).isEqualTo(4);
    assertThat(r.err.strip())
        .isEqualTo(
            "error: rebuild refused: failover-sh1-0 is the primary of shard sh1; promote another"
                + " replica");
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    int code =
        KubectlSdb.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all);
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}
}
