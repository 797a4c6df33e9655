package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.operator.model.ShardModel;

/**
 * One PodDisruptionBudget per shard in policy/v1beta1, for servers older than 1.21; the same budget
 * as {@link ShardPodDisruptionBudgetDependent} builds, with the older API version.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardPodDisruptionBudgetV1beta1Dependent
    extends PerShardDependent<PodDisruptionBudget> {
  public ShardPodDisruptionBudgetV1beta1Dependent() {
    super(
        PodDisruptionBudget.class,
        (db, shard) -> {
          var v1 = ShardModel.podDisruptionBudget(db, shard);
          return new PodDisruptionBudgetBuilder()
              .withMetadata(v1.getMetadata())
              .withNewSpec()
              .withMaxUnavailable(v1.getSpec().getMaxUnavailable())
              .withMinAvailable(v1.getSpec().getMinAvailable())
              .withSelector(v1.getSpec().getSelector())
              .endSpec()
              .build();
        });
  }
}
