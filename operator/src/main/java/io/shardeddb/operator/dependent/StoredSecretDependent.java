package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.SecretsSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.SecretModel;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A Secret the operator generates once: each pass builds it from the values already stored, so keys
 * stay stable. The stored copy is looked up by name in this dependent's own informer: {@code
 * getSecondaryResource()} would ask {@code desired()} for the name and recurse.
 */
abstract class StoredSecretDependent
    extends CRUDKubernetesDependentResource<Secret, ShardedDatabase> {

  protected final SecretModel secrets = new SecretModel(new SecureRandom());
  private final UnaryOperator<String> secretName;

  /** {@code secretName}: the Secret's name for a database's name. */
  protected StoredSecretDependent(UnaryOperator<String> secretName) {
    super(Secret.class);
    this.secretName = secretName;
  }

  @Override
  protected Secret desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return desired(Models.of(context), stored(primary).orElse(null));
  }

  /** The Secret for {@code db}, keeping what {@code existing} (may be null) already holds. */
  protected abstract Secret desired(DatabaseModel db, Secret existing);

  /** The stored Secret of {@code primary}, from this dependent's informer cache. */
  public Optional<Secret> stored(ShardedDatabase primary) {
    ResourceID id =
        new ResourceID(
            secretName.apply(primary.getMetadata().getName()),
            primary.getMetadata().getNamespace());
    return eventSource().flatMap(source -> source.get(id));
  }

  /** Generate only when the user names no Secret of their own in the field {@code named} reads. */
  abstract static class UnlessUserNamesOne implements Condition<Secret, ShardedDatabase> {
    private final Function<SecretsSpec, String> named;

    UnlessUserNamesOne(Function<SecretsSpec, String> named) {
      this.named = named;
    }

    @Override
    public boolean isMet(
        DependentResource<Secret, ShardedDatabase> dependentResource,
        ShardedDatabase primary,
        Context<ShardedDatabase> context) {
      return named.apply(ShardedDatabaseResources.spec(primary).secretsOrDefault()) == null;
    }
  }
}
