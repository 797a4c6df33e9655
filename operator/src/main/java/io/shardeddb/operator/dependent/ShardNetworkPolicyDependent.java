package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.operator.model.NetworkPolicies;

/** One NetworkPolicy per shard. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardNetworkPolicyDependent extends PerShardDependent<NetworkPolicy> {
  public ShardNetworkPolicyDependent() {
    super(NetworkPolicy.class, NetworkPolicies::shard);
  }
}
