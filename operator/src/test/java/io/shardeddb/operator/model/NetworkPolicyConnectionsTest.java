package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.PolicyEvaluator.Endpoint;
import io.shardeddb.operator.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated NetworkPolicies evaluated against every connection the system makes (each must be
 * allowed) and against connections nobody should make (each must be refused), by {@link
 * PolicyEvaluator} — there is no policy-enforcing network on the machines the tests run on (the
 * real-cluster tier's bridge CNI ignores policies), so the policies are checked by their semantics.
 * The pods carry the labels of the objects the operator generates (StatefulSet and Deployment pod
 * templates), so a label change on either side shows here. docs/security.md lists the same
 * connections.
 */
class NetworkPolicyConnectionsTest {

  private static final int API = ShardedDatabaseResources.SHARD_SERVER_PORT;
  private static final int STREAM = ShardedDatabaseResources.REPLICATION_STREAM_PORT;
  private static final int ROUTER = ShardedDatabaseResources.ROUTER_PORT;
  private static final int MANAGEMENT = ShardedDatabaseResources.MANAGEMENT_PORT;

  private final Images images = new Images("ss:1", "rt:1", "my:1");
  private final MetricsScraper prometheus =
      MetricsScraper.parse("monitoring", "app.kubernetes.io/name=prometheus");

  /** The world: two databases in "ns", the operator, Prometheus, DNS, a store, strangers. */
  private final class World {
    final DatabaseModel db;
    final DatabaseModel other;
    final PolicyEvaluator policies;
    final Endpoint router;
    final Endpoint sh1a;
    final Endpoint sh1b;
    final Endpoint sh2;
    final Endpoint otherShard;
    final Endpoint operator =
        Endpoint.pod(
            "operator",
            "shardeddb-system",
            Map.of(Labels.NAME, Labels.OPERATOR, Labels.INSTANCE, "shardeddb-operator"));
    final Endpoint scraper =
        Endpoint.pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
    final Endpoint dns = Endpoint.pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"));
    final Endpoint minio = Endpoint.pod("minio", "backup", Map.of("app", "minio"));
    final Endpoint apiServer = Endpoint.external("kube-apiserver", "192.168.49.2");
    final Endpoint s3 = Endpoint.external("s3.amazonaws.com", "52.216.8.1");
    final Endpoint internet = Endpoint.external("some host on the internet", "203.0.113.9");
    final Endpoint client = Endpoint.pod("web app", "apps", Map.of("app", "web"));
    final Endpoint outsideClient = Endpoint.external("a client outside", "198.51.100.4");
    final Endpoint strangerHere = Endpoint.pod("stranger in ns", "ns", Map.of("app", "debug"));
    final Endpoint strangerElsewhere = Endpoint.pod("attacker", "elsewhere", Map.of("app", "x"));

    World(String example, NetworkAccess access) {
      this(Fixtures.load(example, "ns"), access);
    }

    World(ShardedDatabase resource, NetworkAccess access) {
      db = DatabaseModel.of(resource, images, List.of(), "shardeddb-system").withNetwork(access);
      other =
          DatabaseModel.of(
                  Fixtures.load("production.yaml", "ns"), images, List.of(), "shardeddb-system")
              .withNetwork(access);
      List<NetworkPolicy> all = new ArrayList<>();
      for (DatabaseModel d : List.of(db, other)) {
        d.shards().forEach(s -> all.add(NetworkPolicies.shard(d, s)));
        all.add(NetworkPolicies.router(d));
      }
      policies = new PolicyEvaluator(all, Map.of());
      router = Endpoint.pod("router", "ns", routerLabels(db));
      sh1a = Endpoint.pod("sh1-0", "ns", shardLabels(db, 0));
      sh1b = Endpoint.pod("sh1-1", "ns", shardLabels(db, 0));
      sh2 = Endpoint.pod("sh2-0", "ns", shardLabels(db, 1));
      otherShard = Endpoint.pod("orders shard", "ns", shardLabels(other, 0));
    }

    boolean tcp(Endpoint from, Endpoint to, int port) {
      return policies.allows(from, to, port, "TCP");
    }

    boolean udp(Endpoint from, Endpoint to, int port) {
      return policies.allows(from, to, port, "UDP");
    }
  }

  private static Map<String, String> shardLabels(DatabaseModel db, int shard) {
    return ShardModel.statefulSet(db, db.shards().get(shard))
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getLabels();
  }

  private static Map<String, String> routerLabels(DatabaseModel db) {
    return RouterModel.deployment(db).getSpec().getTemplate().getMetadata().getLabels();
  }

  private final NetworkAccess defaults = NetworkAccess.DEFAULT.withScraper(prometheus);

  @Test
  void everyConnectionTheSystemMakesIsAllowed() {
    World w = new World("students-backups.yaml", defaults);

    assertThat(w.tcp(w.router, w.sh1a, API)).as("router → shard-server: data calls").isTrue();
    assertThat(w.tcp(w.router, w.sh2, API)).as("router → every shard").isTrue();
    assertThat(w.tcp(w.router, w.sh1a, STREAM)).as("router → shard-server: data stream").isTrue();
    assertThat(w.tcp(w.operator, w.sh1a, API)).as("operator → shard-server: control").isTrue();
    assertThat(w.tcp(w.sh1a, w.sh1b, API)).as("peer → peer: /log, /snapshot").isTrue();
    assertThat(w.tcp(w.sh1a, w.sh1b, STREAM)).as("primary → secondary: stream").isTrue();
    assertThat(w.tcp(w.sh2, w.sh1a, API)).as("move destination → source: /snapshot, /log").isTrue();
    assertThat(w.tcp(w.scraper, w.sh1a, MANAGEMENT))
        .as("Prometheus → shard-server /prometheus on the management port")
        .isTrue();
    assertThat(w.tcp(w.scraper, w.router, MANAGEMENT))
        .as("Prometheus → router /prometheus on the management port")
        .isTrue();
    assertThat(w.tcp(w.client, w.router, ROUTER)).as("a client pod → router").isTrue();
    assertThat(w.tcp(w.outsideClient, w.router, ROUTER)).as("a client outside → router").isTrue();
    assertThat(w.tcp(w.client, w.router, ShardedDatabaseResources.ROUTER_MYSQL_PORT))
        .as("a MySQL client pod → router's MySQL protocol port")
        .isTrue();
    assertThat(w.tcp(w.router, w.apiServer, 6443)).as("router → API server (6443)").isTrue();
    assertThat(w.tcp(w.router, w.apiServer, 443)).as("router → API server (443)").isTrue();
    assertThat(w.udp(w.router, w.dns, 53)).as("router → DNS").isTrue();
    assertThat(w.udp(w.sh1a, w.dns, 53)).as("shard-server → DNS (UDP)").isTrue();
    assertThat(w.tcp(w.sh1a, w.dns, 53)).as("shard-server → DNS (TCP)").isTrue();
    assertThat(w.tcp(w.sh1a, w.minio, 9000))
        .as("shard-server → the backup store (http://minio.backup.svc:9000)")
        .isTrue();
  }

  @Test
  void aStoreWithoutEndpointIsAwsS3OverHttps() {
    assertThat(NetworkPolicies.storePort(null)).isEqualTo(443);
    assertThat(NetworkPolicies.storePort("https://s3.example.com")).isEqualTo(443);
    assertThat(NetworkPolicies.storePort("http://minio.backup.svc")).isEqualTo(80);
    assertThat(NetworkPolicies.storePort("http://minio.backup.svc:9000")).isEqualTo(9000);
  }

  @Test
  void nobodyElseReachesTheShardServers() {
    World w = new World("students-backups.yaml", defaults);

    assertThat(w.tcp(w.strangerHere, w.sh1a, API)).as("another pod of the namespace").isFalse();
    assertThat(w.tcp(w.strangerElsewhere, w.sh1a, API)).as("a pod of another namespace").isFalse();
    assertThat(w.tcp(w.internet, w.sh1a, API)).as("an address outside").isFalse();
    assertThat(w.tcp(w.otherShard, w.sh1a, API)).as("another database's shard pod").isFalse();
    assertThat(w.tcp(w.operator, w.sh1a, STREAM)).as("the operator on the stream port").isFalse();
    assertThat(w.tcp(w.scraper, w.sh1a, STREAM)).as("Prometheus on the stream port").isFalse();
    assertThat(w.tcp(w.scraper, w.sh1a, API)).as("Prometheus on the API port").isFalse();
    assertThat(w.tcp(w.strangerHere, w.sh1a, MANAGEMENT))
        .as("another pod of the namespace on the management port")
        .isFalse();
    assertThat(w.tcp(w.operator, w.sh1a, MANAGEMENT))
        .as("the operator on the management port (it reads /heartbeat)")
        .isFalse();
    assertThat(w.tcp(w.router, w.sh1a, MANAGEMENT)).as("a router on the management port").isFalse();
    assertThat(w.tcp(w.sh1a, w.sh1b, 3306)).as("a peer on MySQL's port").isFalse();
  }

  @Test
  void onlyTheScraperReachesTheRoutersManagementPort() {
    World w = new World("students-backups.yaml", defaults);

    assertThat(w.tcp(w.client, w.router, MANAGEMENT)).as("a client pod").isFalse();
    assertThat(w.tcp(w.outsideClient, w.router, MANAGEMENT)).as("a client outside").isFalse();
    assertThat(w.tcp(w.strangerElsewhere, w.router, MANAGEMENT))
        .as("a pod of another namespace")
        .isFalse();
    assertThat(w.tcp(w.sh1a, w.router, MANAGEMENT)).as("a shard pod").isFalse();
  }

  @Test
  void shardServersAndRoutersReachNothingElse() {
    World w = new World("students-backups.yaml", defaults);

    assertThat(w.tcp(w.sh1a, w.internet, 443)).as("shard-server → the internet").isFalse();
    assertThat(w.tcp(w.sh1a, w.internet, 22)).as("shard-server → ssh anywhere").isFalse();
    assertThat(w.tcp(w.sh1a, w.otherShard, API)).as("shard-server → another database").isFalse();
    assertThat(w.tcp(w.sh1a, w.router, ROUTER)).as("shard-server → router").isFalse();
    assertThat(w.tcp(w.sh1a, w.apiServer, 6443)).as("shard-server → API server").isFalse();
    assertThat(w.tcp(w.router, w.internet, 80)).as("router → the internet").isFalse();
    assertThat(w.tcp(w.router, w.minio, 9000)).as("router → the backup store").isFalse();
    assertThat(w.tcp(w.router, w.otherShard, API)).as("router → another database").isFalse();
    assertThat(w.tcp(w.router, w.sh1a, 3306)).as("router → MySQL's port").isFalse();
  }

  @Test
  void withoutBackupsShardServersReachNoStore() {
    World w = new World("students.yaml", defaults);

    assertThat(w.tcp(w.sh1a, w.s3, 443)).isFalse();
    assertThat(w.tcp(w.sh1a, w.minio, 9000)).isFalse();
    assertThat(w.tcp(w.sh1a, w.sh1b, STREAM)).as("replication still flows").isTrue();
  }

  @Test
  void moreApiServerPortsCanBeAdmitted() {
    World w =
        new World(
            "students.yaml",
            new NetworkAccess(prometheus, true, NetworkAccess.parsePorts("16443")));

    assertThat(w.tcp(w.router, w.apiServer, 16443)).isTrue();
    assertThat(w.tcp(w.router, w.apiServer, 6443)).as("only the ports named").isFalse();
  }

  /** students.yaml whose router admits only these peers on its client ports. */
  private static ShardedDatabase studentsAllowing(List<NetworkPolicyPeer> peers) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
    RouterSpec r = sdb.getSpec().routerOrDefault();
    sdb.setSpec(
        sdb.getSpec().toBuilder()
            .router(new RouterSpec(r.replicas(), r.auth(), r.service(), peers))
            .build());
    return sdb;
  }

  @Test
  void allowedClientsNarrowBothClientPortsToThePeersNamedAndNothingElseChanges() {
    NetworkPolicyPeer webApps =
        new NetworkPolicyPeerBuilder()
            .withNewNamespaceSelector()
            .withMatchLabels(Map.of("kubernetes.io/metadata.name", "apps"))
            .endNamespaceSelector()
            .withNewPodSelector()
            .withMatchLabels(Map.of("app", "web"))
            .endPodSelector()
            .build();
    NetworkPolicyPeer office =
        new NetworkPolicyPeerBuilder()
            .withNewIpBlock()
            .withCidr("198.51.100.0/24")
            .endIpBlock()
            .build();
    World w = new World(studentsAllowing(List.of(webApps, office)), defaults);
    int mysql = ShardedDatabaseResources.ROUTER_MYSQL_PORT;

    for (int port : List.of(ROUTER, mysql)) {
      assertThat(w.tcp(w.client, w.router, port)).as("the web app, port %s", port).isTrue();
      assertThat(w.tcp(w.outsideClient, w.router, port)).as("the office, %s", port).isTrue();
      assertThat(w.tcp(w.strangerHere, w.router, port)).as("a pod of ns, %s", port).isFalse();
      assertThat(w.tcp(w.strangerElsewhere, w.router, port)).as("elsewhere, %s", port).isFalse();
      assertThat(w.tcp(w.internet, w.router, port)).as("the internet, %s", port).isFalse();
    }
    assertThat(w.tcp(w.scraper, w.router, MANAGEMENT)).as("the scraper still").isTrue();
    assertThat(w.tcp(w.client, w.router, MANAGEMENT)).isFalse();
    // The other database of the namespace names no peers: every source, as before.
    assertThat(NetworkPolicies.router(w.other).getSpec().getIngress().get(0).getFrom())
        .isNullOrEmpty();
  }

  @Test
  void withoutAllowedClientsOrWithAnEmptyListEverySourceReachesTheClientPorts() {
    for (World w :
        List.of(
            new World("students.yaml", defaults),
            new World(studentsAllowing(List.of()), defaults))) {
      assertThat(w.tcp(w.strangerHere, w.router, ROUTER)).isTrue();
      assertThat(w.tcp(w.internet, w.router, ShardedDatabaseResources.ROUTER_MYSQL_PORT)).isTrue();
    }
  }

  @Test
  void withApiServerCidrsTheRouterReachesTheApiServerAndNoOtherAddressOnItsPorts() {
    World narrowed =
        new World(
            "students.yaml",
            new NetworkAccess(
                prometheus,
                true,
                NetworkAccess.DEFAULT_API_SERVER_PORTS,
                NetworkAccess.parseCidrs("192.168.49.2/32")));
    World open = new World("students.yaml", defaults);

    assertThat(narrowed.tcp(narrowed.router, narrowed.apiServer, 6443)).isTrue();
    assertThat(narrowed.tcp(narrowed.router, narrowed.apiServer, 443)).isTrue();
    assertThat(narrowed.tcp(narrowed.router, narrowed.internet, 443))
        .as("no exfiltration path on 443")
        .isFalse();
    assertThat(narrowed.tcp(narrowed.router, narrowed.s3, 443)).isFalse();
    assertThat(narrowed.tcp(narrowed.router, narrowed.sh1a, API)).as("shards still").isTrue();
    assertThat(narrowed.udp(narrowed.router, narrowed.dns, 53)).as("DNS still").isTrue();
    // Unset: any address on the API server's ports, as before.
    assertThat(open.tcp(open.router, open.internet, 443)).isTrue();
  }

  @Test
  void apiServerCidrsThatAreNotCidrsAreRefusedNamingTheEntry() {
    assertThat(NetworkAccess.parseCidrs(" 10.0.0.1/32, fd00::1/128 ,"))
        .containsExactly("10.0.0.1/32", "fd00::1/128");
    for (String bad : List.of("10.0.0.1", "10.0.0.300/32", "10.0.0.1/33", "host/32", "::1/129")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetworkAccess.parseCidrs(bad))
          .as(bad)
          .hasMessageContaining("'" + bad + "' is not a CIDR");
    }
  }

  @Test
  void withEgressOffOutgoingConnectionsAreNotRestrictedButIngressStillIs() {
    World w = new World("students.yaml", new NetworkAccess(prometheus, false, null));

    assertThat(w.tcp(w.sh1a, w.internet, 443)).isTrue();
    assertThat(w.tcp(w.router, w.internet, 80)).isTrue();
    assertThat(w.tcp(w.strangerHere, w.sh1a, API)).isFalse();
    assertThat(NetworkPolicies.router(w.db).getSpec().getPolicyTypes()).containsExactly("Ingress");
  }

  @Test
  void withoutScraperPrometheusIsRefused() {
    World w = new World("students.yaml", NetworkAccess.DEFAULT);

    assertThat(w.tcp(w.scraper, w.sh1a, MANAGEMENT)).isFalse();
    assertThat(w.tcp(w.scraper, w.router, MANAGEMENT)).isFalse();
  }
}
