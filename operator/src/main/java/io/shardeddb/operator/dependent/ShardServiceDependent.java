package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.operator.model.ShardModel;

/** One headless Service per shard. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardServiceDependent extends PerShardDependent<Service> {
  public ShardServiceDependent() {
    super(Service.class, ShardModel::headlessService);
  }
}
