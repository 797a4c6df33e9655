package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.model.DatabaseModel;

/**
 * The shard data credential Secret ({@code <db>-shard-data-auth}): generated once, mounted into
 * shard-server pods (to check it) and router pods (to send it); keys an administrator adds for a
 * rotation are kept.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD_DATA_AUTH))
public class ShardDataAuthSecretDependent extends StoredSecretDependent {

  public ShardDataAuthSecretDependent() {
    super(ShardedDatabaseResources::shardDataAuthSecretName);
  }

  @Override
  protected Secret desired(DatabaseModel db, Secret existing) {
    return secrets.shardDataAuth(db, existing);
  }
}
