package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.RouterModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode hands a process its Secrets as the kubelet would: a mounted Secret volume becomes a
 * directory of key files (kept up to date), env values naming the mount path point there, and an
 * optional key that is missing is left out.
 */
class PodEnvironmentTest {

  @TempDir Path data;
  private LocalKubernetes kube;

  @BeforeEach
  void start() {
    kube = LocalKubernetes.start(0, data.resolve("kubeconfig"), "default");
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private void secret(String name, Map<String, String> data) {
    kube.client()
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withData(data)
                .build())
        .createOr(r -> r.update());
  }

  @Test
  void aSecretVolumeIsProjectedAsPrivateFilesAndEnvPointsAtThem() throws Exception {
    secret("db-shard-auth", Map.of("token", b64("t1")));
    secret("db-router-token", Map.of("token", b64("data")));
    Container c =
        new ContainerBuilder()
            .withName("router")
            .addNewEnv()
            .withName("AUTH_DIR")
            .withValue("/var/run/secrets/x")
            .endEnv()
            .addNewEnv()
            .withName("ADMIN")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("db-router-token")
            .withKey("admin-token")
            .withOptional(true)
            .endSecretKeyRef()
            .endValueFrom()
            .endEnv()
            .addNewVolumeMount()
            .withName("auth")
            .withMountPath("/var/run/secrets/x")
            .endVolumeMount()
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("db-router-0")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withContainers(c)
            .addNewVolume()
            .withName("auth")
            .withNewSecret()
            .withSecretName("db-shard-auth")
            .endSecret()
            .endVolume()
            .endSpec()
            .build();
    PodEnvironment env = new PodEnvironment(kube.client());

    Map<String, Path> mounts = env.projectSecretVolumes(pod, c, data.resolve("volumes"));
    Map<String, String> resolved = env.resolve(pod, c, "127.0.0.5", mounts);

    Path dir = Path.of(resolved.get("AUTH_DIR"));
    assertThat(Files.readString(dir.resolve("token"))).isEqualTo("t1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("token"))))
        .isEqualTo("rw-------");
    assertThat(resolved).doesNotContainKey("ADMIN");

    secret("db-shard-auth", Map.of("token", b64("t2"), "previous", b64("t1")));
    env.projectSecretVolumes(pod, c, data.resolve("volumes"));
    assertThat(Files.readString(dir.resolve("token"))).isEqualTo("t2");
    assertThat(Files.readString(dir.resolve("previous"))).isEqualTo("t1");

    secret("db-shard-auth", Map.of("token", b64("t2")));
    env.projectSecretVolumes(pod, c, data.resolve("volumes"));
    assertThat(dir.resolve("previous")).doesNotExist();
  }

  @Test
  void aSecretVolumeWithItemsProjectsOnlyThoseKeysAtTheirPathsAsTheKubeletDoes() throws Exception {
    secret(
        "db-tls",
        Map.of(
            "ca.crt", b64("ca"),
            "router.crt", b64("rc"),
            "router.key", b64("rk"),
            "shard-server.key", b64("secret of another role")));
    Container c =
        new ContainerBuilder()
            .withName("router")
            .addNewVolumeMount()
            .withName("tls")
            .withMountPath("/var/run/secrets/tls")
            .endVolumeMount()
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("db-router-0")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withContainers(c)
            .addNewVolume()
            .withName("tls")
            .withNewSecret()
            .withSecretName("db-tls")
            .addNewItem("ca.crt", null, "ca.crt")
            .addNewItem("router.crt", null, "tls.crt")
            .addNewItem("router.key", null, "tls.key")
            .endSecret()
            .endVolume()
            .endSpec()
            .build();

    Path dir =
        new PodEnvironment(kube.client())
            .projectSecretVolumes(pod, c, data.resolve("volumes"))
            .get("/var/run/secrets/tls");

    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("ca.crt", "tls.crt", "tls.key");
    }
    assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo("rk");
  }

  @Test
  void theRoutersTokenFilesAreProjectedFromTheOperatorsDeploymentAndFollowTheSecret()
      throws Exception {
    ShardedDatabase sdb =
        Serialization.unmarshal(
            Files.readString(
                Path.of("").toAbsolutePath().getParent().resolve("examples/students.yaml")),
            ShardedDatabase.class);
    sdb.getMetadata().setNamespace("default");
    var template =
        RouterModel.deployment(DatabaseModel.of(sdb, Images.DEFAULTS)).getSpec().getTemplate();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("students-router-0")
            .withNamespace("default")
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    Container router = pod.getSpec().getContainers().get(0);
    // The pod's other Secrets (shard data credential, TLS), with the keys it mounts.
    for (Volume v : pod.getSpec().getVolumes()) {
      if (v.getSecret() != null && !v.getSecret().getSecretName().equals("students-router-token")) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("token", b64("x"));
        if (v.getSecret().getItems() != null) {
          v.getSecret().getItems().forEach(i -> keys.put(i.getKey(), b64("x")));
        }
        secret(v.getSecret().getSecretName(), keys);
      }
    }
    secret(
        "students-router-token",
        Map.of("token", b64("data-1"), "admin-token", b64("admin-1"), "note", b64("other")));
    PodEnvironment env = new PodEnvironment(kube.client());

    Map<String, Path> mounts = env.projectSecretVolumes(pod, router, data.resolve("volumes"));
    Map<String, String> resolved = env.resolve(pod, router, "127.0.0.5", mounts);

    assertThat(resolved)
        .as("no token in the environment")
        .doesNotContainKeys("SHARDEDDB_ROUTER_AUTH_TOKEN", "SHARDEDDB_ROUTER_AUTH_ADMIN_TOKEN");
    Path token = Path.of(resolved.get("SHARDEDDB_ROUTER_AUTH_TOKEN_FILE"));
    Path admin = Path.of(resolved.get("SHARDEDDB_ROUTER_AUTH_ADMIN_TOKEN_FILE"));
    assertThat(token).startsWith(data.resolve("volumes"));
    assertThat(Files.readString(token)).isEqualTo("data-1");
    assertThat(Files.readString(admin)).isEqualTo("admin-1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
    assertThat(token.resolveSibling("note")).as("only the two keys").doesNotExist();

    // A rotation reaches the same paths at the runner's next refresh.
    secret("students-router-token", Map.of("token", b64("data-2"), "admin-token", b64("admin-1")));
    env.projectSecretVolumes(pod, router, data.resolve("volumes"));
    assertThat(Files.readString(token)).isEqualTo("data-2");
    assertThat(Files.readString(admin)).isEqualTo("admin-1");
  }

  @Test
  void stringDataIsFoldedIntoDataAsTheApiServerDoesSoAPatchedTokenReachesTheMountedFile()
      throws Exception {
    kube.client()
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db-router-token")
                .withNamespace("default")
                .endMetadata()
                .addToStringData("token", "data-1")
                .addToData("admin-token", b64("admin-1"))
                .build())
        .create();
    var stored = kube.client().secrets().inNamespace("default").withName("db-router-token").get();
    assertThat(stored.getStringData()).isNullOrEmpty();
    assertThat(stored.getData())
        .containsEntry("token", b64("data-1"))
        .containsEntry("admin-token", b64("admin-1"));

    // docs/security.md's rotation: kubectl patch secret ... --type merge -p '{"stringData":...}'
    kube.client()
        .secrets()
        .inNamespace("default")
        .withName("db-router-token")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"stringData\":{\"token\":\"data-2\"}}");
    stored = kube.client().secrets().inNamespace("default").withName("db-router-token").get();
    assertThat(stored.getStringData()).isNullOrEmpty();
    assertThat(stored.getData())
        .containsEntry("token", b64("data-2"))
        .containsEntry("admin-token", b64("admin-1"));

    Container c =
        new ContainerBuilder()
            .withName("router")
            .addNewVolumeMount()
            .withName("tokens")
            .withMountPath("/var/run/secrets/t")
            .endVolumeMount()
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("db-router-0")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withContainers(c)
            .addNewVolume()
            .withName("tokens")
            .withNewSecret()
            .withSecretName("db-router-token")
            .endSecret()
            .endVolume()
            .endSpec()
            .build();
    Path dir =
        new PodEnvironment(kube.client())
            .projectSecretVolumes(pod, c, data.resolve("volumes"))
            .get("/var/run/secrets/t");
    assertThat(Files.readString(dir.resolve("token"))).isEqualTo("data-2");
    assertThat(dir.resolve("stringData")).doesNotExist();
  }
}
