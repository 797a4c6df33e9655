package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.ConfigModel;

/** The database's ConfigMap (schema and layout). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_CONFIG))
public class ConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, ShardedDatabase> {

  public ConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return ConfigModel.configMap(Models.of(context));
  }
}
