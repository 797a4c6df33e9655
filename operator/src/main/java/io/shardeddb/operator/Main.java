package io.shardeddb.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.shardclient.HttpShardServerClient;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The container entry point: in-cluster config or kubeconfig, the settings ({@link OperatorConfig})
 * and images from the environment.
 */
public final class Main {

  private Main() {}

  /** Runs until the JVM is asked to stop. */
  public static void main(String[] args) throws InterruptedException {
    OperatorSettings settings =
        new OperatorSettings(
            OperatorConfig.fromSystem(),
            Clock.systemUTC(),
            Images.fromEnvironment(System.getenv()),
            HttpShardServerClient.withDefaultTimeouts(),
            // Another replica leads now: exit and let Kubernetes restart this one as a follower.
            () -> System.exit(1));
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
