package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportSource;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.PeerClient;
import io.shardeddb.shardserver.replication.stream.StreamPeerTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shard-servers check that the peer they dial by pod IP is the pod their peer list names there
 * (docs/security.md, "Who verifies what"), over real HTTPS with per-pod certificates: a primary
 * told its secondary {@code db-sh1-1} is at an address where another pod of the shard ({@code
 * db-sh1-2}, its own certificate, here one that acknowledges whatever it is sent, as a compromised
 * pod would) listens refuses the handshake, so that pod's acknowledgement never counts; a secondary
 * told its primary is at such an address pulls no log from it. The right pods are reached as
 * before, over the replication stream too. Every certificate names its database, shard and pod
 * ({@code TlsIdentity}) as the operator issues them, so the servers check callers by identity too:
 * a shard's own pods replicate, and a move's import reads its source across shards.
 */
class ShardPeerNamesTest {

  private static final String PRIMARY = "db-sh1-0";
  private static final String SECONDARY = "db-sh1-1";
  private static final String OTHER = "db-sh1-2";
  private static final String DEST = "db-sh2-0";

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("peer-names-ca", now, Duration.ofDays(30), new SecureRandom());
  private final List<Replica> replicas = new ArrayList<>();
  private final List<String> atImpostor = new CopyOnWriteArrayList<>();
  private Path dir;
  private HttpsServer impostor;

  @BeforeEach
  void certificates() throws IOException {
    dir = Files.createTempDirectory("shard-peer-names");
    Files.writeString(dir.resolve("ca.crt"), PemMaterial.pem(List.of(ca.certificate())));
    for (String pod : List.of(PRIMARY, SECONDARY, OTHER, DEST)) {
      CertificateAuthority.Issued issued = issue(pod);
      Files.writeString(dir.resolve(pod + ".key"), issued.keyPem());
      Files.writeString(dir.resolve(pod + ".crt"), issued.certificatePem());
    }
  }

  @AfterEach
  void stop() {
    replicas.forEach(Replica::close);
    if (impostor != null) {
      impostor.stop(0);
    }
  }

  @Test
  void aPrimaryRefusesAnotherPodAnsweringAtItsSecondarysAddressSoItsAckNeverCounts()
      throws Exception {
    Replica primary = start(PRIMARY);
    String impostorUrl = impostor(OTHER);
    // Two voters, a quorum of two: the write needs db-sh1-1's acknowledgement.
    Peer p = peer(primary);
    List<Peer> peers = List.of(p, new Peer(SECONDARY, impostorUrl));
    assertThat(role(primary, Role.Primary, p, peers).statusCode()).isEqualTo(200);

    HttpResponse<String> write = write(primary, 1);
    assertThat(write.statusCode())
        .as("a write only the primary holds, under a quorum of 2: %s", write.body())
        .isNotEqualTo(200);
    // Refused for its name: the pod there is not db-sh1-1 (same CA, same role).
    assertThatThrownBy(() -> primary.bean(PeerClient.class).heartbeat(impostorUrl))
        .hasStackTraceContaining("is not " + host(SECONDARY));
    assertThat(atImpostor).as("requests the pod at db-sh1-1's address received").isEmpty();
  }

  @Test
  void aSecondaryPullsNoLogFromAnotherPodAnsweringAtItsPrimarysAddress() throws Exception {
    Replica secondary = start(SECONDARY);
    String impostorUrl = impostor(OTHER);
    Peer p = new Peer(PRIMARY, impostorUrl);
    List<Peer> peers = List.of(p, peer(secondary));
    assertThat(role(secondary, Role.Secondary, p, peers).statusCode()).isEqualTo(200);

    // It polls every 200 ms: a few seconds are many pulls.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(atImpostor)
                    .as("requests the pod at db-sh1-0's address received")
                    .isEmpty());
    assertThatThrownBy(() -> secondary.bean(PeerClient.class).heartbeat(impostorUrl))
        .hasStackTraceContaining("is not " + host(PRIMARY));
    assertThat(atImpostor).isEmpty();
  }

  @Test
  void theRightPodsReplicateOverTheStreamAndOverHttp() throws Exception {
    Replica primary = start(PRIMARY);
    Replica secondary = start(SECONDARY);
    Peer p = peer(primary);
    List<Peer> peers = List.of(p, peer(secondary));
    assertThat(role(secondary, Role.Secondary, p, peers).statusCode()).isEqualTo(200);
    assertThat(role(primary, Role.Primary, p, peers).statusCode()).isEqualTo(200);

    HttpResponse<String> write = write(primary, 1);
    assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
    assertThat(primary.bean(StreamPeerTransport.class).streamedAnswers()).isPositive();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(heartbeat(secondary).get("appliedLsn").asLong()).isPositive());
  }

  /**
   * A move's import (docs/resharding.md) expects at each source address the pod the operator named
   * there ({@code ImportRequest.sources}): here the address it was given for db-sh1-0 is served by
   * db-sh1-2, a real shard-server of the source shard leading it with rows of its own in the range
   * (a sibling at a reused IP). The import reads nothing from it; named right, it copies.
   */
  @Test
  void anImportReadsNothingFromAnotherPodAnsweringAtItsSourcesAddress() throws Exception {
    Replica other = start(OTHER);
    Peer o = peer(other);
    assertThat(role(other, Role.Primary, o, List.of(o)).statusCode()).isEqualTo(200);
    HttpResponse<String> w = write(other, 1500);
    assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
    Replica dest =
        start(
            DEST,
            ThreeReplicaShard.CONFIG
                .replace("[\"sh1\"]", "[\"sh2\"]")
                .replace("\"low\":0, \"size\":4096", "\"ranges\":[]"));
    Peer d = peer(dest);
    assertThat(role(dest, Role.Primary, d, List.of(d)).statusCode()).isEqualTo(200);
    // The operator grants the moved range to the destination shard at the source (else 403).
    HttpResponse<String> grant =
        send(
            operator(),
            other,
            "POST",
            "/ranges/export",
            Http.json(new ExportGrant("move-1", "sh2", new PointRange(1024, 1024))));
    assertThat(grant.statusCode()).as(grant.body()).isEqualTo(200);

    ImportRequest named =
        new ImportRequest(
            "move-1",
            "sh1",
            List.of(o.url()),
            new PointRange(1024, 1024),
            List.of(new ImportSource(o.url(), PRIMARY, host(PRIMARY))));
    HttpResponse<String> started = send(operator(), dest, "POST", "/import", Http.json(named));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode p = heartbeat(dest).path("importing");
              assertThat(p.path("state").asText()).as("%s", p).isNotEqualTo("CatchingUp");
              assertThat(p.path("rowsCopied").asLong()).as("%s", p).isZero();
            });
    assertThatThrownBy(() -> dest.bean(PeerClient.class).heartbeat(o.url()))
        .hasStackTraceContaining("is not " + host(PRIMARY));

    // The same address named for the pod that serves it: the import copies its row.
    ImportRequest right =
        new ImportRequest(
            "move-2",
            "sh1",
            List.of(o.url()),
            new PointRange(1024, 1024),
            List.of(new ImportSource(o.url(), OTHER, host(OTHER))));
    started = send(operator(), dest, "POST", "/import", Http.json(right));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode p = heartbeat(dest).path("importing");
              assertThat(p.path("state").asText()).as("%s", p).isEqualTo("CatchingUp");
              assertThat(p.path("rowsCopied").asLong()).as("%s", p).isEqualTo(1);
            });
  }

  private Replica start(String pod) {
    return start(pod, ThreeReplicaShard.CONFIG);
  }

  private Replica start(String pod, String shardConfig) {
    Map<String, Object> props = new HashMap<>();
    props.put("shardeddb.tls.enabled", "true");
    props.put("shardeddb.tls.dir", dir.toString());
    props.put("shardeddb.tls.pod-name", pod);
    props.put("shardeddb.replication.quorum-timeout", "1500ms");
    props.put("shardeddb.replication.poll-interval", "200ms");
    Replica r = Replica.start(pod, "pn_" + UUID.randomUUID().toString().substring(0, 8), props);
    replicas.add(r);
    try {
      HttpResponse<String> config = send(operator(), r, "POST", "/config", shardConfig);
      assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return r;
  }

  private static Peer peer(Replica r) {
    return new Peer(r.name, "https://127.0.0.1:" + r.port);
  }

  private HttpResponse<String> role(Replica target, Role role, Peer primary, List<Peer> peers)
      throws IOException, InterruptedException {
    RoleRequest req = new RoleRequest(1, role, primary, peers, WriteQuorum.Majority, peers.size());
    return send(operator(), target, "POST", "/role", Http.json(req));
  }

  private HttpResponse<String> write(Replica primary, long key)
      throws IOException, InterruptedException {
    return send(
        client(TlsRole.ROUTER),
        primary,
        "POST",
        "/write",
        "{\"shard\":\"sh1\",\"curr_idx\":0,\"data\":[" + ThreeReplicaShard.row(key) + "]}");
  }

  private JsonNode heartbeat(Replica r) throws IOException, InterruptedException {
    return Http.JSON.readTree(send(operator(), r, "GET", "/heartbeat", null).body());
  }

  private SSLContext operator() {
    return client(TlsRole.OPERATOR);
  }

  private SSLContext client(TlsRole role) {
    CertificateAuthority.Issued issued =
        ca.issue(
            TlsIdentity.component("ns", "db", role),
            role.label(),
            List.of(),
            List.of(),
            now,
            Duration.ofDays(1));
    return Tls.clientContext(TlsMaterialSource.fixed(material(issued)), TlsRole.SHARD_SERVER);
  }

  private static HttpResponse<String> send(
      SSLContext context, Replica r, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + r.port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + Http.TOKEN)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Another pod of the shard, with its own certificate, that acknowledges every {@code /replicate}
   * as in sync (a compromised pod holds its key and the shard credential) and records what reaches
   * it.
   */
  private String impostor(String pod) throws IOException {
    CertificateAuthority.Issued issued = issue(pod);
    impostor = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    impostor.setHttpsConfigurator(
        new HttpsConfigurator(
            Tls.serverContext(
                TlsMaterialSource.fixed(material(issued)), EnumSet.allOf(TlsRole.class))) {
          @Override
          public void configure(HttpsParameters params) {
            params.setWantClientAuth(true);
          }
        });
    impostor.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          atImpostor.add(path);
          int status = 200;
          String reply = "{}";
          if (path.equals("/replicate")) {
            JsonNode req = Http.JSON.readTree(ex.getRequestBody());
            long lsn = req.get("prevLsn").asLong();
            for (JsonNode e : req.get("entries")) {
              lsn = Math.max(lsn, e.get("lsn").asLong());
            }
            reply =
                "{\"appliedLsn\":"
                    + lsn
                    + ",\"epoch\":"
                    + req.get("epoch").asLong()
                    + ",\"inSync\":true,\"matchLsn\":"
                    + lsn
                    + "}";
          } else if (!path.equals("/heartbeat")) {
            status = 404;
            reply = "{\"message\":\"not here\",\"status\":\"failure\"}";
          }
          byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    impostor.start();
    return "https://127.0.0.1:" + impostor.getAddress().getPort();
  }

  /** The host name of {@code pod} behind its StatefulSet's headless Service (its name less -N). */
  private static String host(String pod) {
    return PeerNames.podHost(pod, pod.substring(0, pod.lastIndexOf('-')), "ns");
  }

  /** As the operator issues it: naming its pod, shard and database (ns/db). */
  private CertificateAuthority.Issued issue(String pod) {
    String shard = pod.substring("db-".length(), pod.lastIndexOf('-'));
    return ca.issue(
        TlsIdentity.pod("ns", "db", shard, pod),
        pod,
        List.of(host(pod), host(pod) + ".cluster.local"),
        List.of(),
        now,
        Duration.ofDays(1));
  }

  private PemMaterial material(CertificateAuthority.Issued issued) {
    return PemMaterial.parse(
        PemMaterial.pem(List.of(ca.certificate())), issued.certificatePem(), issued.keyPem());
  }
}
