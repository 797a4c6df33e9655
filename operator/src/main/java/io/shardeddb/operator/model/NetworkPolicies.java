package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.BackupSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The database's NetworkPolicies, one place for every connection the system makes (the list is in
 * docs/security.md; {@code NetworkPolicyConnectionsTest} evaluates these policies against each of
 * them and against connections that must be refused):
 *
 * <ul>
 *   <li>into shard pods: the API port from the router, the operator and the database's shard pods
 *       (replication pulls, resharding's {@code /snapshot} and {@code /log} between shards); the
 *       stream port from the database's shard pods (replication) and router pods (the data
 *       channel); the management port (health, {@code /prometheus}) from the configured scraper
 *       only;
 *   <li>into router pods: the client ports (HTTP, MySQL) from {@code spec.router.allowedClients},
 *       or from anywhere when it names none (the database's clients); the management port from the
 *       configured scraper only;
 *   <li>out of shard pods (with egress on): the database's shard pods on both ports, DNS, and the
 *       backup store's port when backups are configured (any address: the store is outside the
 *       cluster or a Service whose pods no selector here knows);
 *   <li>out of router pods (with egress on): the database's shard pods on the API and stream ports,
 *       DNS, and the API server's ports (at {@code shardeddb.network-policy.api-server-cidrs}, else
 *       any address: the API server is no pod).
 * </ul>
 *
 * Traffic inside a pod (the shard-server to its MySQL sidecar on 127.0.0.1) is not subject to
 * NetworkPolicies; kubelet probes come from the node, which policy implementations admit.
 */
public final class NetworkPolicies {
  private NetworkPolicies() {}

  /** The label every namespace carries since Kubernetes 1.21: its own name. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  /** DNS, by UDP and TCP: the backup store's host name is resolved; nothing else is. */
  static final int DNS_PORT = 53;

  /** The port a backup store's endpoint URL names (its scheme's default when it names none). */
  static int storePort(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return 443; // AWS S3 of the region, over HTTPS
    }
    URI uri = URI.create(endpoint.trim());
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
  }

  /**
   * The traces collector's port at any address (docs/monitoring.md, "Traces"), when the operator
   * names one: it is usually a Service in another namespace, which no selector here can name.
   */
  private static Optional<NetworkPolicyEgressRule> traces(DatabaseModel db) {
    String endpoint = db.network().tracesEndpoint();
    return endpoint == null
        ? Optional.empty()
        : Optional.of(egress(List.of(), tcp(storePort(endpoint))));
  }

  /** The policy of one shard's pods. */
  public static NetworkPolicy shard(DatabaseModel db, DesiredShard shard) {
    String name = ShardedDatabaseResources.shardNetworkPolicyName(db.name(), shard.id());
    NetworkPolicyPeer router = pods(Labels.routerSelector(db.name()));
    // Every shard pod of the database: its own peers replicate, and a resharding move's
    // destination (another shard) pulls /snapshot and /log from this shard's pods.
    NetworkPolicyPeer peers = pods(Labels.shardsSelector(db.name()));
    // The operator's pods, in the operator's own namespace; unknown namespace: the operator's pods
    // in any namespace.
    NetworkPolicyPeer operator =
        new NetworkPolicyPeerBuilder()
            .withNamespaceSelector(namespace(db.operatorNamespace()))
            .withNewPodSelector()
            .withMatchLabels(Labels.OPERATOR_POD)
            .endPodSelector()
            .build();
    List<NetworkPolicyIngressRule> ingress = new ArrayList<>();
    ingress.add(
        ingress(List.of(router, operator, peers), tcp(ShardedDatabaseResources.SHARD_SERVER_PORT)));
    // The binary stream port: a primary's replication channel to its secondaries and a router's
    // data channel (shardeddb.router.shard-transport=stream); each channel is refused there
    // without its own identity (mTLS role, credential), so nobody else is admitted.
    ingress.add(
        ingress(List.of(router, peers), tcp(ShardedDatabaseResources.REPLICATION_STREAM_PORT)));
    // The scraper on the management port only (health and /prometheus, nothing else there).
    db.scraper()
        .peer()
        .ifPresent(
            s -> ingress.add(ingress(List.of(s), tcp(ShardedDatabaseResources.MANAGEMENT_PORT))));
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    if (db.network().egress()) {
      egress.add(
          egress(
              List.of(peers),
              tcp(ShardedDatabaseResources.SHARD_SERVER_PORT),
              tcp(ShardedDatabaseResources.REPLICATION_STREAM_PORT)));
      egress.add(dns());
      BackupSpec backup = db.spec().backup();
      if (backup != null && backup.store() != null) {
        egress.add(egress(List.of(), tcp(storePort(backup.store().endpoint()))));
      }
      traces(db).ifPresent(egress::add);
    }
    return policy(
        db,
        name,
        Labels.shard(db.name(), shard.id()),
        Labels.shardSelector(db.name(), shard.id()),
        ingress,
        egress);
  }

  /** The policy of the router's pods. */
  public static NetworkPolicy router(DatabaseModel db) {
    String name = ShardedDatabaseResources.routerName(db.name());
    // The database's clients (HTTP and the MySQL protocol): spec.router.allowedClients, or every
    // source when it names none (the router is the database's API). Its management port (health,
    // /prometheus) only from the scraper.
    List<NetworkPolicyIngressRule> ingress = new ArrayList<>();
    ingress.add(
        ingress(
            db.spec().routerOrDefault().allowedClientsOrEmpty(),
            tcp(ShardedDatabaseResources.ROUTER_PORT),
            tcp(ShardedDatabaseResources.ROUTER_MYSQL_PORT)));
    db.scraper()
        .peer()
        .ifPresent(
            s -> ingress.add(ingress(List.of(s), tcp(ShardedDatabaseResources.MANAGEMENT_PORT))));
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    if (db.network().egress()) {
      egress.add(
          egress(
              List.of(pods(Labels.shardsSelector(db.name()))),
              tcp(ShardedDatabaseResources.SHARD_SERVER_PORT),
              tcp(ShardedDatabaseResources.REPLICATION_STREAM_PORT)));
      egress.add(dns());
      // The API server (the router watches its ShardedDatabase and writes its layout request):
      // at the configured addresses, else at any address on its ports (it is no pod a selector
      // can name). Nothing else: the router connects to no other service.
      egress.add(
          egress(
              db.network().apiServerCidrs().stream()
                  .map(
                      cidr ->
                          new NetworkPolicyPeerBuilder()
                              .withNewIpBlock()
                              .withCidr(cidr)
                              .endIpBlock()
                              .build())
                  .toList(),
              db.network().apiServerPorts().stream()
                  .map(NetworkPolicies::tcp)
                  .toArray(NetworkPolicyPort[]::new)));
      traces(db).ifPresent(egress::add);
    }
    return policy(
        db,
        name,
        Labels.component(db.name(), Labels.COMPONENT_ROUTER),
        Labels.routerSelector(db.name()),
        ingress,
        egress);
  }

  private static NetworkPolicy policy(
      DatabaseModel db,
      String name,
      Map<String, String> labels,
      Map<String, String> selector,
      List<NetworkPolicyIngressRule> ingress,
      List<NetworkPolicyEgressRule> egress) {
    return new NetworkPolicyBuilder()
        .withMetadata(PodParts.meta(db, name, labels))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(selector)
        .endPodSelector()
        .withPolicyTypes(db.network().egress() ? List.of("Ingress", "Egress") : List.of("Ingress"))
        .withIngress(ingress)
        .withEgress(egress)
        .endSpec()
        .build();
  }

  /** Pods of the policy's namespace with these labels. */
  private static NetworkPolicyPeer pods(Map<String, String> labels) {
    return new NetworkPolicyPeerBuilder()
        .withNewPodSelector()
        .withMatchLabels(labels)
        .endPodSelector()
        .build();
  }

  /** The namespace of this name; null: every namespace. */
  static LabelSelector namespace(String name) {
    return name == null
        ? new LabelSelector()
        : new LabelSelectorBuilder().withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, name)).build();
  }

  private static NetworkPolicyPort tcp(int port) {
    return port(port, "TCP");
  }

  private static NetworkPolicyPort port(int port, String protocol) {
    return new NetworkPolicyPortBuilder()
        .withProtocol(protocol)
        .withPort(new IntOrString(port))
        .build();
  }

  /** From {@code from} (none: from anywhere) on these ports. */
  private static NetworkPolicyIngressRule ingress(
      List<NetworkPolicyPeer> from, NetworkPolicyPort... ports) {
    return new NetworkPolicyIngressRuleBuilder()
        .withFrom(from.isEmpty() ? null : from)
        .withPorts(ports)
        .build();
  }

  /** To {@code to} (none: to anywhere) on these ports. */
  private static NetworkPolicyEgressRule egress(
      List<NetworkPolicyPeer> to, NetworkPolicyPort... ports) {
    return new NetworkPolicyEgressRuleBuilder()
        .withTo(to.isEmpty() ? null : to)
        .withPorts(ports)
        .build();
  }

  /** Name lookups, wherever the cluster's DNS runs (a pod, a node-local cache). */
  private static NetworkPolicyEgressRule dns() {
    return egress(List.of(), port(DNS_PORT, "UDP"), port(DNS_PORT, "TCP"));
  }
}
