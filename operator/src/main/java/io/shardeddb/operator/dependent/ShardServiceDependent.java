package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Labels;
import io.shardeddb.operator.model.ShardModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** One headless Service per shard. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardServiceDependent extends KubernetesDependentResource<Service, ShardedDatabase>
    implements CRUDKubernetesBulkDependentResource<Service, ShardedDatabase>,
        KubernetesBulkDependentResource<Service, ShardedDatabase>,
        GarbageCollected<ShardedDatabase> {

  public ShardServiceDependent() {
    super(Service.class);
  }

  @Override
  public Map<ResourceID, Service> desiredResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    DatabaseModel model = Models.of(context);
    Map<ResourceID, Service> desired = new LinkedHashMap<>();
    for (DesiredShard shard : model.shards()) {
      Service resource = ShardModel.headlessService(model, shard);
      desired.put(ResourceID.fromResource(resource), resource);
    }
    return desired;
  }

  /** Only this shard component's resources: the router's of the same kind are not ours. */
  @Override
  public Map<ResourceID, Service> getSecondaryResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    Map<ResourceID, Service> found = new LinkedHashMap<>();
    eventSource()
        .map(source -> source.getSecondaryResources(primary))
        .orElse(java.util.Set.of())
        .stream()
        .filter(r -> r.getMetadata().getLabels() != null)
        .filter(
            r -> Labels.COMPONENT_SHARD.equals(r.getMetadata().getLabels().get(Labels.COMPONENT)))
        .forEach(r -> found.put(ResourceID.fromResource(r), r));
    return found;
  }
}
