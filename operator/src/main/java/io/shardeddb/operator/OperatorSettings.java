package io.shardeddb.operator;

import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.shardclient.HttpShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerClient;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to run the operator: leader election (and the Lease's namespace), the metrics/health port (0
 * disables it, -1 picks a free loopback port), the clock, the images, the shard-server client, and
 * what to do when leadership is lost while running (the container exits so it restarts cleanly),
 * the namespaces to watch, and the operator's own namespace (shard NetworkPolicies admit the
 * operator from there only; null: from any namespace).
 */
public record OperatorSettings(
    boolean leaderElection,
    String leaseNamespace,
    int managementPort,
    Clock clock,
    Images images,
    ShardServerClient shardServerClient,
    Runnable onLostLeadership,
    Set<String> watchNamespaces,
    String operatorNamespace) {

  public OperatorSettings {
    watchNamespaces = watchNamespaces == null ? Set.of() : Set.copyOf(watchNamespaces);
  }

  /**
   * Parses {@code SHARDEDDB_WATCH_NAMESPACES}: a comma-separated list of namespaces to watch; null
   * or blank means every namespace.
   */
  public static Set<String> parseWatchNamespaces(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    for (String ns : value.split(",")) {
      if (!ns.isBlank()) {
        out.add(ns.trim());
      }
    }
    return out;
  }

  /** The Lease that elects the active operator replica. */
  public static final String LEASE_NAME = "shardeddb-operator";

  /** The default metrics/health port (docs/architecture.md). */
  public static final int DEFAULT_MANAGEMENT_PORT = 8090;

  /** In-process use (local mode, tests): no leader election, no management port. */
  public static OperatorSettings inProcess() {
    return new OperatorSettings(
        false,
        null,
        0,
        Clock.systemUTC(),
        Images.DEFAULTS,
        HttpShardServerClient.withDefaultTimeouts(),
        () -> {},
        Set.of(),
        null);
  }

  /** The same settings with another management port. */
  public OperatorSettings withManagementPort(int port) {
    return new OperatorSettings(
        leaderElection,
        leaseNamespace,
        port,
        clock,
        images,
        shardServerClient,
        onLostLeadership,
        watchNamespaces,
        operatorNamespace);
  }

  /** The same settings with another shard-server client. */
  public OperatorSettings withShardServerClient(ShardServerClient client) {
    return new OperatorSettings(
        leaderElection,
        leaseNamespace,
        managementPort,
        clock,
        images,
        client,
        onLostLeadership,
        watchNamespaces,
        operatorNamespace);
  }

  /** The same settings watching only {@code namespaces} (empty: all). */
  public OperatorSettings withWatchNamespaces(Set<String> namespaces) {
    return new OperatorSettings(
        leaderElection,
        leaseNamespace,
        managementPort,
        clock,
        images,
        shardServerClient,
        onLostLeadership,
        namespaces,
        operatorNamespace);
  }

  /** The same settings with leader election on, the Lease in {@code namespace}. */
  public OperatorSettings withLeaderElection(String namespace) {
    return new OperatorSettings(
        true,
        namespace,
        managementPort,
        clock,
        images,
        shardServerClient,
        onLostLeadership,
        watchNamespaces,
        operatorNamespace);
  }
}
