package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.cert.TlsSecrets;
import io.shardeddb.operator.model.DatabaseModel;
import java.security.SecureRandom;

/**
 * The database's CA Secret ({@code <db>-ca}): the CA in force (with its key when the operator made
 * it) and a rotation's state ({@link io.shardeddb.operator.cert.CaRotation}), as the reconciler
 * decided this pass ({@link TlsModels}); read by the operator only, never mounted.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_CA))
public class CaSecretDependent extends CRUDKubernetesDependentResource<Secret, ShardedDatabase> {

  private final TlsSecrets secrets = new TlsSecrets(new SecureRandom());

  public CaSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    DatabaseModel model = Models.of(context);
    // Without a state (the precondition below fails) the SDK still asks for the desired object to
    // know which Secret it would delete: one that holds no usable CA.
    return TlsModels.state(context)
        .map(state -> secrets.caSecret(model, state))
        .orElseGet(
            () ->
                new SecretBuilder()
                    .withNewMetadata()
                    .withName(ShardedDatabaseResources.caSecretName(model.name()))
                    .withNamespace(model.namespace())
                    .endMetadata()
                    .build());
  }

  /**
   * Written only when there is a state to store: none before the first CA exists, while the CA the
   * user named cannot be used (a stored Secret holding no usable CA is then deleted).
   */
  public static class Decided implements Condition<Secret, ShardedDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Secret, ShardedDatabase> dependentResource,
        ShardedDatabase primary,
        Context<ShardedDatabase> context) {
      return TlsModels.state(context).isPresent();
    }
  }
}
