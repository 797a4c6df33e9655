package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.RouterModel;

/** The routers' PodDisruptionBudget in policy/v1. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterPodDisruptionBudgetDependent extends DesiredStateDependent<PodDisruptionBudget> {

  public RouterPodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return RouterModel.podDisruptionBudget(Models.of(context));
  }
}
