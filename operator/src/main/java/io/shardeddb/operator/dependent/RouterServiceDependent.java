package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.RouterModel;

/** The router Service. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterServiceDependent extends DesiredStateDependent<Service> {

  public RouterServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return RouterModel.service(Models.of(context));
  }
}
