package io.shardeddb.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.Labels;
import io.shardeddb.operator.model.RouterModel;

/** The router Deployment. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER))
public class RouterDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, ShardedDatabase> {

  public RouterDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return RouterModel.deployment(Models.of(context));
  }

  /** Writes only when the live object lacks something desired; server defaults do not count. */
  @Override
  public Matcher.Result<Deployment> match(
      Deployment actual,
      Deployment desired,
      ShardedDatabase primary,
      Context<ShardedDatabase> context) {
    var serialization = context.getClient().getKubernetesSerialization();
    return Matcher.Result.computed(
        DesiredStateMatcher.matches(
            serialization.convertValue(desired, JsonNode.class),
            serialization.convertValue(actual, JsonNode.class)),
        desired);
  }
}
