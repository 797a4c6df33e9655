package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.cert.TlsSecrets;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One Secret per shard ({@code <db>-<shard>-tls}) holding a certificate and key per pod ordinal of
 * its StatefulSet, issued by the CA of this pass ({@link TlsModels}), kept while good, renewed with
 * a third of their validity left or when the pods they must name change; the kubelet updates the
 * pods' files and each shard-server reloads its own pair, so renewal needs no restart.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD_TLS))
public class ShardTlsSecretDependent extends KubernetesDependentResource<Secret, ShardedDatabase>
    implements CRUDKubernetesBulkDependentResource<Secret, ShardedDatabase>,
        KubernetesBulkDependentResource<Secret, ShardedDatabase>,
        GarbageCollected<ShardedDatabase> {

  private final TlsSecrets secrets = new TlsSecrets(new SecureRandom());

  public ShardTlsSecretDependent() {
    super(Secret.class);
  }

  @Override
  public Map<ResourceID, Secret> desiredResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    DatabaseModel model = Models.of(context);
    Map<ResourceID, Secret> desired = new LinkedHashMap<>();
    Instant now = Instant.now();
    for (DesiredShard shard : model.shards()) {
      ResourceID id =
          new ResourceID(
              ShardedDatabaseResources.shardTlsSecretName(model.name(), shard.id()),
              model.namespace());
      Secret existing = eventSource().flatMap(source -> source.get(id)).orElse(null);
      Secret secret = secrets.shardTlsSecret(model, shard, TlsModels.of(context), existing, now);
      desired.put(ResourceID.fromResource(secret), secret);
    }
    return desired;
  }

  @Override
  public Map<ResourceID, Secret> getSecondaryResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    Map<ResourceID, Secret> found = new LinkedHashMap<>();
    eventSource().map(source -> source.getSecondaryResources(primary)).orElse(Set.of()).stream()
        .filter(r -> r.getMetadata().getLabels() != null)
        .filter(
            r ->
                Labels.COMPONENT_SHARD_TLS.equals(
                    r.getMetadata().getLabels().get(Labels.COMPONENT)))
        .forEach(r -> found.put(ResourceID.fromResource(r), r));
    return found;
  }
}
