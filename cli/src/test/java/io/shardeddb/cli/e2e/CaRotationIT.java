package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA rotation asked for by annotation ({@code shardeddb.io/rotate-ca}) on a local-mode database
 * under traffic, with real shard-servers and a router reloading their mounted files: every write is
 * acknowledged through the whole rotation (client → router → shard-server → its peers, over mTLS),
 * the operator keeps the same primary (its heartbeats over mTLS kept answering), fresh handshakes
 * made with the files each pod has mounted at that moment (peer → peer, router → shard-server)
 * never fail, and at the end every certificate chains to the new CA, which is the only one left in
 * every {@code ca.crt}, the mounted ones included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaRotationIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  // Each step's wait; 30 s covers local mode's 10 s Secret refresh plus the servers' 10 s reload.
  // -Dshardeddb.it.ca-overlap-seconds=0 shows what a rotation without the overlap does.
  private static final Duration OVERLAP =
      Duration.ofSeconds(Long.getLong("shardeddb.it.ca-overlap-seconds", 30));
  private static final String DB = "tlsdb";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private Path dataDir;
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private DatabaseStatus db;

  @BeforeAll
  void startCluster(@TempDir Path dir) {
    dataDir = dir;
    cluster =
        LocalCluster.start(
            LocalCluster.Options.defaults(home, dir)
                .withOperatorProperties(
                    Map.of("shardeddb.tls.ca-overlap", OVERLAP.toSeconds() + "s")));
    cluster.apply(home.resolve("cli/src/test/resources/tls.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    router = await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theCaIsRotatedUnderTrafficWithoutOneRefusedHandshakeOrUnacknowledgedWrite()
      throws Exception {
    String oldCaPem = secret(ShardedDatabaseResources.caSecretName(DB), "ca.crt");
    X509Certificate oldCa = PemMaterial.certificates(oldCaPem).get(0);
    String primary = db.primary("sh1");
    long epoch = db.epoch("sh1");
    // Traffic first: it must be flowing before the rotation starts.
    Traffic traffic = new Traffic();
    Thread writer = Thread.ofPlatform().name("rotation-writer").start(traffic::write);
    Thread prober = Thread.ofPlatform().name("rotation-prober").start(traffic::probe);
    await().atMost(LONG).until(() -> traffic.acked.get() >= 5 && traffic.probes.get() >= 5);

    cluster
        .client()
        .resources(ShardedDatabase.class)
        .inNamespace(cluster.namespace())
        .withName(DB)
        .edit(
            r -> {
              r.getMetadata().getAnnotations().put("shardeddb.io/rotate-ca", "now");
              return r;
            });
    Set<String> phases = new LinkedHashSet<>();
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              String phase = secret(ShardedDatabaseResources.caSecretName(DB), "rotation.phase");
              phases.add(phase);
              return "Steady".equals(phase)
                  && !oldCaPem.equals(secret(ShardedDatabaseResources.caSecretName(DB), "ca.crt"));
            });
    X509Certificate newCa =
        PemMaterial.certificates(secret(ShardedDatabaseResources.caSecretName(DB), "ca.crt"))
            .get(0);
    String bundle = PemMaterial.pem(List.of(newCa));
    // Every pod mounts the bundle without the old CA, and traffic goes on a while after.
    await().atMost(LONG).until(() -> mountedBundles().stream().allMatch(bundle::equals));
    long ackedAtEnd = traffic.acked.get();
    long probesAtEnd = traffic.probes.get();
    // (A write that failed stops the writer: then there is nothing more to wait for.)
    await()
        .atMost(LONG)
        .until(
            () ->
                (traffic.acked.get() >= ackedAtEnd + 5 || !traffic.failures.isEmpty())
                    && traffic.probes.get() >= probesAtEnd + 5);
    traffic.stop.set(true);
    writer.join(Duration.ofSeconds(60));
    prober.join(Duration.ofSeconds(60));

    System.out.printf(
        "CA rotation under traffic: phases seen %s; %d writes acknowledged, %d not; %d probe"
            + " rounds: %d peer and %d router handshakes answered, %d refused%n",
        phases,
        traffic.acked.get(),
        traffic.failures.size(),
        traffic.probes.get(),
        traffic.peerHandshakes.get(),
        traffic.routerHandshakes.get(),
        traffic.refused.size());
    assertThat(phases).contains("Trusting", "Reissuing", "Steady");
    assertThat(newCa).isNotEqualTo(oldCa);
    assertThat(traffic.refused).as("handshakes refused between pods").isEmpty();
    assertThat(traffic.failures).as("writes not acknowledged").isEmpty();
    assertThat(traffic.acked.get()).isGreaterThan(20);
    assertThat(traffic.probes.get()).isGreaterThan(20);
    assertThat(traffic.peerHandshakes.get()).isGreaterThan(100);
    assertThat(traffic.routerHandshakes.get()).isGreaterThan(50);
    // The operator's calls kept answering: no failover, same primary and epoch.
    assertThat(db.primary("sh1")).isEqualTo(primary);
    assertThat(db.epoch("sh1")).isEqualTo(epoch);
    // Every certificate chains to the new CA; the old one is in no bundle.
    for (String name :
        List.of(
            ShardedDatabaseResources.tlsSecretName(DB),
            ShardedDatabaseResources.shardTlsSecretName(DB, "sh1"))) {
      Secret s = cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
      assertThat(text(s, "ca.crt")).isEqualTo(bundle);
      for (String key : s.getData().keySet()) {
        if (key.endsWith(".crt") && !key.equals("ca.crt")) {
          PemMaterial.certificates(text(s, key)).get(0).verify(newCa.getPublicKey());
        }
      }
    }
    // Every acknowledged row reads back.
    RouterClient reader = client();
    assertThat(reader.read(0, traffic.nextId.get()).data()).hasSize((int) traffic.acked.get());
    Map<String, Object> status = db.status();
    assertThat(String.valueOf(status.get("requests"))).contains("RotateCa").contains("Succeeded");
    assertThat(String.valueOf(status.get("conditions"))).contains("CaIssuing");
    assertThat(
            cluster
                .client()
                .v1()
                .events()
                .inNamespace(cluster.namespace())
                .list()
                .getItems()
                .stream()
                .filter(e -> "CaRotation".equals(e.getReason()))
                .count())
        .as("an Event per step")
        .isGreaterThanOrEqualTo(3);
  }

  /** Writes through the router and fresh handshakes as each pod, counting what failed. */
  private final class Traffic {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong nextId = new AtomicLong(1);
    final AtomicLong probes = new AtomicLong();
    final AtomicLong peerHandshakes = new AtomicLong();
    final AtomicLong routerHandshakes = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();

    /** One row at a time, each acknowledged by a majority before the next (bounded: 10 min). */
    void write() {
      long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!stop.get() && System.nanoTime() < end) {
        long id = nextId.getAndIncrement();
        try {
          client().write(List.of(row(id)));
          acked.incrementAndGet();
        } catch (RuntimeException e) {
          failures.add("row " + id + ": " + e.getMessage());
          nextId.decrementAndGet();
          return;
        }
        pause(200);
      }
    }

    /**
     * Fresh handshakes, each with the files a pod has mounted now: every shard pod calls every
     * other (peer → peer), the router calls every shard pod (bounded: 10 min).
     */
    void probe() {
      long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!stop.get() && System.nanoTime() < end) {
        List<Pod> shards = shardPods();
        Pod routerPod = routerPod();
        for (Pod to : shards) {
          for (Pod from : shards) {
            if (!from.equals(to)) {
              call(from.getMetadata().getName(), TlsRole.SHARD_SERVER, to);
            }
          }
          if (routerPod != null) {
            call(routerPod.getMetadata().getName(), TlsRole.ROUTER, to);
          }
        }
        probes.incrementAndGet();
        pause(300);
      }
    }

    private void call(String from, TlsRole role, Pod to) {
      Path dir = dataDir.resolve("volumes").resolve(from).resolve("tls");
      if (!Files.isRegularFile(dir.resolve("ca.crt"))) {
        return;
      }
      try {
        TlsMaterialSource files =
            TlsMaterialSource.directory(
                dir, role == TlsRole.SHARD_SERVER ? from : null, Duration.ZERO, System::nanoTime);
        SSLContext context = Tls.clientContext(files, TlsRole.SHARD_SERVER);
        // A fresh handshake and one request: TLS 1.3 reports a refused client certificate on the
        // first read, so the answer's status line is read too.
        try (SSLSocket socket =
            (SSLSocket) context.getSocketFactory().createSocket(to.getStatus().getPodIP(), 8081)) {
          socket.setSoTimeout(10_000);
          socket.startHandshake();
          socket
              .getOutputStream()
              .write(
                  "GET /health/liveness HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          String status =
              new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          socket.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine();
          if (status == null || !status.startsWith("HTTP/1.1 ")) {
            refused.add(from + " -> " + to.getMetadata().getName() + ": answered " + status);
          } else {
            (role == TlsRole.ROUTER ? routerHandshakes : peerHandshakes).incrementAndGet();
          }
        }
      } catch (IOException e) {
        refused.add(from + " -> " + to.getMetadata().getName() + ": " + e);
      } catch (RuntimeException midSwap) {
        // The files were being replaced as we read them (the pods keep their last good read).
      }
    }
  }

  /**
   * A client of the router that trusts the {@code ca.crt} of {@code <db>-tls} as it is now (what a
   * client that follows the bundle does).
   */
  private synchronized RouterClient client() {
    String ca = secret(ShardedDatabaseResources.tlsSecretName(DB), "ca.crt");
    if (!ca.equals(clientCa)) {
      clientCa = ca;
      routerClient =
          new RouterClient(
              router.routerUrl(),
              router.token(),
              "Stud_id",
              Duration.ofSeconds(30),
              Tls.routerClientContext(ca));
    }
    return routerClient;
  }

  private String clientCa;
  private RouterClient routerClient;

  private List<String> mountedBundles() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> pods = Files.list(dataDir.resolve("volumes"))) {
      for (Path pod : pods.toList()) {
        Path ca = pod.resolve("tls").resolve("ca.crt");
        String name = pod.getFileName().toString();
        boolean running =
            shardPods().stream().anyMatch(p -> p.getMetadata().getName().equals(name))
                || (routerPod() != null && routerPod().getMetadata().getName().equals(name));
        if (running && Files.isRegularFile(ca)) {
          out.add(Files.readString(ca, StandardCharsets.US_ASCII));
        }
      }
    }
    return out;
  }

  private String secret(String name, String key) {
    return text(
        cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get(), key);
  }

  private static String text(Secret s, String key) {
    return s == null || s.getData() == null || s.getData().get(key) == null
        ? null
        : new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private List<Pod> shardPods() {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(DB + "-sh1-"))
        .filter(PodReadiness::isReady)
        .toList();
  }

  private Pod routerPod() {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(DB + "-router"))
        .filter(PodReadiness::isReady)
        .findFirst()
        .orElse(null);
  }

  private static Map<String, Object> row(long id) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_id", id);
    row.put("Stud_name", "n" + id);
    row.put("Stud_marks", id % 100);
    return row;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
