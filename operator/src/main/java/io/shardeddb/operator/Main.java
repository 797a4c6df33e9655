package io.shardeddb.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.shardclient.HttpShardServerClient;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The container entry point: in-cluster config or kubeconfig, leader election via a Lease, the
 * metrics/health port, images from the environment.
 */
public final class Main {

  private Main() {}

  /** Runs until the JVM is asked to stop. */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    boolean leaderElection =
        Boolean.parseBoolean(env.getOrDefault("SHARDEDDB_LEADER_ELECTION", "true"));
    String leaseNamespace =
        env.getOrDefault("SHARDEDDB_LEASE_NAMESPACE", env.getOrDefault("POD_NAMESPACE", null));
    int port =
        Integer.parseInt(
            env.getOrDefault(
                "SHARDEDDB_MANAGEMENT_PORT",
                String.valueOf(OperatorSettings.DEFAULT_MANAGEMENT_PORT)));
    OperatorSettings settings =
        new OperatorSettings(
            leaderElection,
            leaseNamespace,
            port,
            Clock.systemUTC(),
            Images.fromEnvironment(env),
            HttpShardServerClient.withDefaultTimeouts(),
            // Another replica leads now: exit and let Kubernetes restart this one as a follower.
            () -> System.exit(1),
            OperatorSettings.parseWatchNamespaces(env.get("SHARDEDDB_WATCH_NAMESPACES")),
            // The chart sets it from the downward API (metadata.namespace).
            env.get("POD_NAMESPACE"));
    KubernetesClient client = new KubernetesClientBuilder().build();
    ShardedDbOperator operator = new ShardedDbOperator(client, settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  client.close();
                  stopped.countDown();
                }));
    operator.start();
    stopped.await();
  }
}
