package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.Labels;
import io.shardeddb.operator.model.SecretModel;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The shard credential Secret ({@code <db>-shard-auth}): generated once, mounted into shard-server
 * and router pods, sent by the operator; keys an administrator adds for a rotation are kept.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD_AUTH))
public class ShardAuthSecretDependent
    extends CRUDKubernetesDependentResource<Secret, ShardedDatabase> {

  private final SecretModel secrets = new SecretModel(new SecureRandom());

  public ShardAuthSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    // Looked up by name in this dependent's own informer: getSecondaryResource() would ask
    // desired() for the name and recurse.
    return secrets.shardAuth(Models.of(context), stored(primary).orElse(null));
  }

  /** The stored Secret of {@code primary}, from this dependent's informer cache. */
  public Optional<Secret> stored(ShardedDatabase primary) {
    ResourceID id =
        new ResourceID(
            ShardedDatabaseResources.shardAuthSecretName(primary.getMetadata().getName()),
            primary.getMetadata().getNamespace());
    return eventSource().flatMap(source -> source.get(id));
  }
}
