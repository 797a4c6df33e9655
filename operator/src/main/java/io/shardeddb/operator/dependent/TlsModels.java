package io.shardeddb.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.cert.Authorities;
import io.shardeddb.operator.cert.CaRotation;
import io.shardeddb.operator.cert.OperatorTls;
import java.util.Optional;

/** Hands the reconciler's CAs of this pass to the TLS Secret dependents through the context. */
public final class TlsModels {

  private static final String KEY = OperatorTls.CaPass.class.getName();

  private TlsModels() {}

  /** Stores the database's CAs for this reconcile. */
  public static void put(Context<ShardedDatabase> context, OperatorTls.CaPass pass) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, pass);
  }

  /** The CAs the reconciler stored for this reconcile. */
  static Authorities of(Context<ShardedDatabase> context) {
    return pass(context).authorities();
  }

  /** The CA state to store this reconcile (empty: none can be, the user's CA is unusable). */
  static Optional<CaRotation.State> state(Context<ShardedDatabase> context) {
    return Optional.ofNullable(pass(context).state());
  }

  private static OperatorTls.CaPass pass(Context<ShardedDatabase> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, OperatorTls.CaPass.class);
  }
}
