package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.operator.model.ShardModel;

/** One StatefulSet per shard. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardStatefulSetDependent extends PerShardDependent<StatefulSet> {
  public ShardStatefulSetDependent() {
    super(StatefulSet.class, ShardModel::statefulSet);
  }
}
