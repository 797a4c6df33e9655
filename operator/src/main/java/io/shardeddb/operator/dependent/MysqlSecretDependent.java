package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.SecretsSpec;
import io.shardeddb.operator.model.DatabaseModel;

/** The generated MySQL credentials Secret (only when spec.secrets.mysql names none). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_MYSQL_CREDENTIALS))
public class MysqlSecretDependent extends StoredSecretDependent {

  public MysqlSecretDependent() {
    super(ShardedDatabaseResources::generatedMysqlSecretName);
  }

  @Override
  protected Secret desired(DatabaseModel db, Secret existing) {
    return secrets.mysql(db, existing);
  }

  /** Generate only when the user names no Secret of their own. */
  public static class Generated extends UnlessUserNamesOne {
    public Generated() {
      super(SecretsSpec::mysql);
    }
  }
}
