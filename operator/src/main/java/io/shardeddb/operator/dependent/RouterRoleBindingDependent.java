package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.RouterModel;

/** Binds the router's Role to its ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterRoleBindingDependent
    extends CRUDKubernetesDependentResource<RoleBinding, ShardedDatabase> {

  public RouterRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return RouterModel.roleBinding(Models.of(context));
  }
}
