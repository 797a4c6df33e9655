package io.shardeddb.router.topology;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.shardeddb.router.config.RouterSettings;
import jakarta.inject.Singleton;

/**
 * The fabric8 client for the kubernetes topology source: in-cluster or KUBECONFIG by default, or an
 * explicit API server URL ({@code shardeddb.router.kubernetes.master-url}) for local runs.
 */
@Factory
@Requires(property = "shardeddb.router.topology.source", value = "kubernetes")
public class KubernetesClientFactory {

  @Singleton
  @Bean(preDestroy = "close")
  KubernetesClient kubernetesClient(RouterSettings settings) {
    String masterUrl = settings.kubernetes().masterUrl();
    Config config =
        masterUrl.isBlank()
            ? Config.autoConfigure(null)
            : new ConfigBuilder(Config.empty())
                .withMasterUrl(masterUrl)
                .withTrustCerts(true)
                .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
