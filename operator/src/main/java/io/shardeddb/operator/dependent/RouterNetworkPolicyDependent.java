package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.NetworkPolicies;

/** The router's NetworkPolicy. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterNetworkPolicyDependent
    extends CRUDKubernetesDependentResource<NetworkPolicy, ShardedDatabase> {

  public RouterNetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return NetworkPolicies.router(Models.of(context));
  }
}
