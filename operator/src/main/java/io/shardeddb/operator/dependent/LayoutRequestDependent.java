package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.ConfigModel;

/**
 * The router's layout request ConfigMap: created (and re-created) by the operator, never
 * overwritten, since its data is the router's request and the operator's answer ({@link
 * io.shardeddb.operator.reconciler.LayoutRequestStep}). A change of it starts a pass.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_LAYOUT_REQUEST))
public class LayoutRequestDependent extends DesiredStateDependent<ConfigMap> {

  public LayoutRequestDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return ConfigModel.layoutRequest(Models.of(context));
  }
}
