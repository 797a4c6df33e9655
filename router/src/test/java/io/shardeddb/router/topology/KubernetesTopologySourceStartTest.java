package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.net.LoopbackPorts;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A router whose API server does not answer its first list (down, or too slow under load) starts
 * anyway, not ready, and follows its ShardedDatabase once the API server answers. Seen on the
 * real-cluster tier under load: the informer's first list timed out inside the topology source's
 * constructor, the bean failed, Micronaut exited 1 and the kubelet restarted the container ({@code
 * students-router-…/router 1 … exitCode=1}).
 */
class KubernetesTopologySourceStartTest {
  private static final ResourceDefinitionContext SDB =
      ResourceDefinitionContext.fromResourceType(ShardedDatabase.class);

  private TestRouter router;
  private KubernetesMockServer api;

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    if (api != null) {
      api.destroy();
    }
  }

  @Test
  @DisplayName(
      "the API server down at start: the router starts, answers not ready, and routes by its"
          + " ShardedDatabase once the API server is up")
  void aRouterWhoseApiServerIsDownAtStartStartsAndFollowsItLater() throws IOException {
    int port = LoopbackPorts.free();
    router =
        TestRouter.start(
            null,
            Map.of(
                "shardeddb.router.topology.source",
                "kubernetes",
                "shardeddb.router.database",
                "students",
                "shardeddb.router.namespace",
                "test",
                "shardeddb.router.kubernetes.master-url",
                "http://127.0.0.1:" + port));
    Http anonymous = router.http();
    assertThat(anonymous.get("/health/readiness").status()).isEqualTo(503);
    TopologyHolder holder = router.server().getApplicationContext().getBean(TopologyHolder.class);
    assertThat(holder.loaded()).isFalse();

    api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    api.init(InetAddress.getLoopbackAddress(), port);
    KubernetesClient client = api.createClient();
    client
        .genericKubernetesResources(SDB)
        .inNamespace("test")
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: shardeddb.io/v1alpha1
                kind: ShardedDatabase
                metadata: {name: students, namespace: test}
                spec:
                  replicas: 1
                  schema:
                    table: students
                    shardKey: Stud_id
                    columns:
                      - {name: Stud_id, type: Number}
                      - {name: Stud_name, type: String}
                  shards:
                    - {id: sh1, low: 0, size: 4096}
                """,
                GenericKubernetesResource.class))
        .create();

    await().atMost(Duration.ofSeconds(60)).until(holder::loaded);
    assertThat(holder.current().topology().shards()).extracting(s -> s.id()).containsExactly("sh1");
  }
}
