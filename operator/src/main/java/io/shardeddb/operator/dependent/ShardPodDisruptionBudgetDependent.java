package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.operator.model.ShardModel;

/** One PodDisruptionBudget per shard. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardPodDisruptionBudgetDependent extends PerShardDependent<PodDisruptionBudget> {
  public ShardPodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class, ShardModel::podDisruptionBudget);
  }
}
