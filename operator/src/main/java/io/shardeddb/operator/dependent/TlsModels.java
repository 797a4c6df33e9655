package io.shardeddb.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.tls.CertificateAuthority;

/** Hands the reconciler's CA of this pass to the TLS Secret dependents through the context. */
public final class TlsModels {

  private static final String KEY = CertificateAuthority.class.getName();

  private TlsModels() {}

  /** Stores the database's CA for this reconcile. */
  public static void put(Context<ShardedDatabase> context, CertificateAuthority authority) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, authority);
  }

  /** The CA the reconciler stored for this reconcile. */
  static CertificateAuthority of(Context<ShardedDatabase> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, CertificateAuthority.class);
  }
}
