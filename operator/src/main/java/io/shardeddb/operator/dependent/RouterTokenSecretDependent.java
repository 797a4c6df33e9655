package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.Labels;
import io.shardeddb.operator.model.SecretModel;
import java.security.SecureRandom;

/** The generated router token Secret (only when spec.secrets.routerToken names none). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_ROUTER_TOKEN))
public class RouterTokenSecretDependent
    extends CRUDKubernetesDependentResource<Secret, ShardedDatabase> {

  private final SecretModel secrets = new SecretModel(new SecureRandom());

  public RouterTokenSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    // Generated once; later passes keep the values already stored.
    // Looked up by name in this dependent's own informer: getSecondaryResource() would ask
    // desired() for the name and recurse.
    ResourceID id =
        new ResourceID(
            ShardedDatabaseResources.generatedRouterTokenSecretName(
                primary.getMetadata().getName()),
            primary.getMetadata().getNamespace());
    Secret existing = eventSource().flatMap(source -> source.get(id)).orElse(null);
    return secrets.routerToken(Models.of(context), existing);
  }

  /** Generate only when the user names no Secret of their own. */
  public static class Generated implements Condition<Secret, ShardedDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Secret, ShardedDatabase> dependentResource,
        ShardedDatabase primary,
        Context<ShardedDatabase> context) {
      return ShardedDatabaseResources.spec(primary).secretsOrDefault().routerToken() == null;
    }
  }
}
