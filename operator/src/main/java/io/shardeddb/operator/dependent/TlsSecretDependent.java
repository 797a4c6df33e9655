package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.cert.TlsSecrets;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * The database's certificate Secret ({@code <db>-tls}): {@code ca.crt} and a certificate and key
 * per pod role, issued by the CA of this pass ({@link TlsModels}), kept while good and renewed with
 * a third of their validity left; the kubelet updates the pods' projected files and the servers
 * reload them, so renewal needs no restart.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_TLS))
public class TlsSecretDependent extends CRUDKubernetesDependentResource<Secret, ShardedDatabase> {

  private final TlsSecrets secrets = new TlsSecrets(new SecureRandom());

  public TlsSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    ResourceID id =
        new ResourceID(
            ShardedDatabaseResources.tlsSecretName(primary.getMetadata().getName()),
            primary.getMetadata().getNamespace());
    Secret existing = eventSource().flatMap(source -> source.get(id)).orElse(null);
    return secrets.tlsSecret(Models.of(context), TlsModels.of(context), existing, Instant.now());
  }
}
