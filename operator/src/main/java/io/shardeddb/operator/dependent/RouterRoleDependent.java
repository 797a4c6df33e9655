package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.RouterModel;

/** The router's Role (its own ShardedDatabase). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterRoleDependent extends CRUDKubernetesDependentResource<Role, ShardedDatabase> {

  public RouterRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return RouterModel.role(Models.of(context));
  }
}
