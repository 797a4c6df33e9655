package io.shardeddb.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import java.util.Optional;

/** Hands the reconciler's per-pass {@link DatabaseModel} to the dependents through the context. */
public final class Models {

  private static final String KEY = DatabaseModel.class.getName();

  private Models() {}

  /** Stores the model for this reconcile. */
  public static void put(Context<ShardedDatabase> context, DatabaseModel model) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, model);
  }

  /** The model the reconciler stored for this reconcile. */
  public static DatabaseModel of(Context<ShardedDatabase> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, DatabaseModel.class);
  }

  /** The model, if the reconciler stored one (not on clean-up). */
  public static Optional<DatabaseModel> find(Context<ShardedDatabase> context) {
    return context.managedWorkflowAndDependentResourceContext().get(KEY, DatabaseModel.class);
  }
}
