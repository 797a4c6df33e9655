package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.model.DatabaseModel;

/**
 * The scrape credential Secret ({@code <db>-metrics}): generated once, mounted into shard-server
 * and router pods ({@code /prometheus} takes it) and read by the database's PodMonitor; keys an
 * administrator adds for a rotation are kept.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_METRICS_AUTH))
public class MetricsAuthSecretDependent extends StoredSecretDependent {

  public MetricsAuthSecretDependent() {
    super(ShardedDatabaseResources::metricsAuthSecretName);
  }

  @Override
  protected Secret desired(DatabaseModel db, Secret existing) {
    return secrets.metricsAuth(db, existing);
  }
}
