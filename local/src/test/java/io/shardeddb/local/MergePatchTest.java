package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON merge patch (RFC 7386, {@code kubectl patch --type merge}) replaces a list instead of
 * appending to it, as a real API server does.
 */
class MergePatchTest {
  private LocalKubernetes kube;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    kube = LocalKubernetes.start(0, dir.resolve("kubeconfig"), "default");
    Path crd =
        Path.of(System.getProperty("shardeddb.home", ".."))
            .resolve("crds/shardeddatabases.shardeddb.io-v1.yml");
    try (InputStream in = Files.newInputStream(crd)) {
      kube.installCrd(in);
    }
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void aMergePatchReplacesTheShardList() {
    ShardedDatabase db =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: students, namespace: default}
            spec:
              shards:
              - {id: sh1, low: 0, size: 8192}
            """,
            ShardedDatabase.class);
    kube.client().resource(db).create();
    ShardedDatabase patched =
        kube.client()
            .resources(ShardedDatabase.class)
            .inNamespace("default")
            .withName("students")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"shards\":[{\"id\":\"sh1\",\"low\":0,\"size\":4096},"
                    + "{\"id\":\"sh2\",\"low\":4096,\"size\":4096}]}}");
    assertThat(patched.getSpec().shards()).extracting(s -> s.id()).containsExactly("sh1", "sh2");
    assertThat(patched.getSpec().shards().get(0).size()).isEqualTo(4096);
  }

  @Test
  void aMergePatchMergesMapsAndRemovesNullMembers() {
    kube.client()
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("c")
                .endMetadata()
                .addToData("keep", "1")
                .addToData("drop", "2")
                .build())
        .create();
    var patched =
        kube.client()
            .configMaps()
            .inNamespace("default")
            .withName("c")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"data\":{\"drop\":null,\"new\":\"3\"},\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
    assertThat(patched.getData()).containsOnly(Map.entry("keep", "1"), Map.entry("new", "3"));
    assertThat(patched.getMetadata().getLabels()).containsEntry("a", "b");
  }
}
