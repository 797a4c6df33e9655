package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.model.DatabaseModel;

/**
 * The shard credential Secret ({@code <db>-shard-auth}): generated once, mounted into shard-server
 * and router pods, sent by the operator; keys an administrator adds for a rotation are kept.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD_AUTH))
public class ShardAuthSecretDependent extends StoredSecretDependent {

  public ShardAuthSecretDependent() {
    super(ShardedDatabaseResources::shardAuthSecretName);
  }

  @Override
  protected Secret desired(DatabaseModel db, Secret existing) {
    return secrets.shardAuth(db, existing);
  }
}
