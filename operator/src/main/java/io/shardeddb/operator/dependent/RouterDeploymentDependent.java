package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.RouterModel;

/** The router Deployment. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterDeploymentDependent extends DesiredStateDependent<Deployment> {

  public RouterDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return RouterModel.deployment(
        Models.of(context),
        RouterModel.shardsAcceptDataCredential(
            context.getSecondaryResourcesAsStream(Pod.class).toList()));
  }
}
