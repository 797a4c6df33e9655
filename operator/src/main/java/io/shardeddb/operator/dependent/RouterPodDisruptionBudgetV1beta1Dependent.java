package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.RouterModel;

/**
 * The routers' PodDisruptionBudget in policy/v1beta1, for servers older than 1.21: the budget
 * {@link RouterPodDisruptionBudgetDependent} builds, with the older API version.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterPodDisruptionBudgetV1beta1Dependent
    extends DesiredStateDependent<PodDisruptionBudget> {

  public RouterPodDisruptionBudgetV1beta1Dependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    var v1 = RouterModel.podDisruptionBudget(Models.of(context));
    return new PodDisruptionBudgetBuilder()
        .withMetadata(v1.getMetadata())
        .withNewSpec()
        .withMaxUnavailable(v1.getSpec().getMaxUnavailable())
        .withMinAvailable(v1.getSpec().getMinAvailable())
        .withSelector(v1.getSpec().getSelector())
        .endSpec()
        .build();
  }
}
