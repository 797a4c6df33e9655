package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router checks that the shard-server it dials by pod IP is the pod its topology names there
 * (docs/security.md, "Who verifies what"): the operator's status says pod {@code students-sh1-0} is
 * at address A, while the server at A presents {@code students-sh1-1}'s certificate (same CA,
 * shard-server role, a reused IP). The router refuses the handshake, so nothing is read from or
 * written to the wrong pod and the call fails as that replica unavailable; a pod presenting its own
 * certificate is reached as before. The mock API server plays the cluster, real TLS handshakes
 * through the router's Micronaut client.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RouterPeerNamesTest {
  static KubernetesClient client;

  private static final ResourceDefinitionContext SDB =
      ResourceDefinitionContext.fromResourceType(ShardedDatabase.class);
  private static final String NS = "test";

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("router-names-ca", now, Duration.ofDays(30), new SecureRandom());
  private final List<HttpsServer> servers = new CopyOnWriteArrayList<>();
  private TestRouter router;

  @TempDir Path tls;

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    servers.forEach(s -> s.stop(0));
    client.genericKubernetesResources(SDB).inNamespace(NS).withName("students").delete();
  }

  @Test
  void aServerPresentingAnotherPodsCertificateAtThePodsAddressIsRefused() throws Exception {
    // sh1's primary students-sh1-0 is at A, but A answers with its sibling's certificate.
    List<String> atA = new CopyOnWriteArrayList<>();
    HttpsServer a = shard(pair("students-sh1-1", "sh1"), atA);
    // sh2's primary students-sh2-0 is at B and presents its own certificate.
    List<String> atB = new CopyOnWriteArrayList<>();
    HttpsServer b = shard(pair("students-sh2-0", "sh2"), atB);
    publish(
        Map.of("sh1", List.of("students-sh1-0", url(a)), "sh2", List.of("students-sh2-0", url(b))));

    router = startRouter();
    ShardServerClient shardClient =
        router.server().getApplicationContext().getBean(ShardServerClient.class);

    // The router polls every replica of its topology: B (the right pod) answers its heartbeats.
    await().atMost(Duration.ofSeconds(30)).until(() -> atB.contains("/heartbeat"));
    assertThat(shardClient.heartbeat(url(b)).block(Duration.ofSeconds(10))).isNotNull();

    // A is dialled too, and refused at the handshake: no request reaches it.
    assertThatThrownBy(() -> shardClient.heartbeat(url(a)).block(Duration.ofSeconds(10)))
        .hasStackTraceContaining("is not students-sh1-0.students-sh1.test.svc");
    Http.Reply read = router.http().send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":10}}");
    assertThat(read.status()).as(read.text()).isNotEqualTo(200);
    assertThat(atA).as("requests the pod at the reused address received").isEmpty();
  }

  @Test
  void aPodStillOnTheSharedCertificateIsReachedDuringTheUpgrade() throws Exception {
    CertificateAuthority.Issued shared =
        ca.issue(
            TlsRole.SHARD_SERVER,
            "students-shard-server",
            List.of("students-sh1." + NS + ".svc", "*.students-sh1." + NS + ".svc"),
            List.of(),
            now,
            Duration.ofDays(90));
    List<String> atA = new CopyOnWriteArrayList<>();
    HttpsServer a = shard(material(shared), atA);
    publish(Map.of("sh1", List.of("students-sh1-2", url(a))));

    router = startRouter();
    await().atMost(Duration.ofSeconds(30)).until(() -> atA.contains("/heartbeat"));
  }

  private TestRouter startRouter() throws IOException {
    CertificateAuthority.Issued routerCert =
        ca.issue(TlsRole.ROUTER, "students-router", List.of(), List.of(), now, Duration.ofDays(1));
    Files.writeString(tls.resolve(PemMaterial.CA_FILE), PemMaterial.pem(List.of(ca.certificate())));
    Files.writeString(tls.resolve(PemMaterial.CERT_FILE), routerCert.certificatePem());
    Files.writeString(tls.resolve(PemMaterial.KEY_FILE), routerCert.keyPem());
    return TestRouter.start(
        null,
        Map.of(
            "shardeddb.router.topology.source",
            "kubernetes",
            "shardeddb.router.database",
            "students",
            "shardeddb.router.namespace",
            NS,
            "shardeddb.router.kubernetes.master-url",
            client.getConfiguration().getMasterUrl(),
            "shardeddb.router.tls.dir",
            tls.toString(),
            "shardeddb.router.heartbeat.interval",
            "200ms"));
  }

  /** Plays the operator: one shard per entry, its one replica (pod, url) the primary. */
  private void publish(Map<String, List<String>> primaries) {
    StringBuilder shards = new StringBuilder();
    StringBuilder status = new StringBuilder();
    long low = 0;
    for (String id : List.of("sh1", "sh2")) {
      List<String> pod = primaries.get(id);
      if (pod == null) {
        continue;
      }
      shards.append("    - {id: ").append(id).append(", low: ").append(low);
      shards.append(", size: 4096}\n");
      status.append("    - id: ").append(id).append("\n      epoch: 1\n");
      status.append("      primary: ").append(pod.get(0)).append("\n      replicas:\n");
      status.append("        - {pod: ").append(pod.get(0)).append(", url: '");
      status.append(pod.get(1)).append("', role: Primary}\n");
      low += 4096;
    }
    String yaml =
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
        """
            + shards
            + "status:\n  shards:\n"
            + status;
    client
        .genericKubernetesResources(SDB)
        .inNamespace(NS)
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }

  /** The pair the operator issues for {@code pod} of shard {@code shard} (its Secret's names). */
  private PemMaterial pair(String pod, String shard) {
    String host = PeerNames.podHost(pod, "students-" + shard, NS);
    return material(
        ca.issue(
            TlsRole.SHARD_SERVER,
            pod,
            List.of(host, host + ".cluster.local"),
            List.of(),
            now,
            Duration.ofDays(1)));
  }

  private PemMaterial material(CertificateAuthority.Issued issued) {
    return PemMaterial.parse(
        PemMaterial.pem(List.of(ca.certificate())), issued.certificatePem(), issued.keyPem());
  }

  private static String url(HttpsServer server) {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A shard-server stand-in that records every request path it receives. */
  private HttpsServer shard(PemMaterial identity, List<String> received) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(
            Tls.serverContext(TlsMaterialSource.fixed(identity), EnumSet.allOf(TlsRole.class))) {
          @Override
          public void configure(HttpsParameters params) {
            params.setWantClientAuth(true);
          }
        });
    server.createContext(
        "/",
        ex -> {
          received.add(ex.getRequestURI().getPath());
          byte[] body =
              ("{\"name\":\"x\",\"shard\":\"sh1\",\"role\":\"Primary\",\"epoch\":1,"
                      + "\"state\":\"Ready\",\"data\":[],\"status\":\"success\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    servers.add(server);
    return server;
  }
}
