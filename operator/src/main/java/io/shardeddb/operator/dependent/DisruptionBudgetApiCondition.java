package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.shardeddb.api.v1alpha1.ShardedDatabase;

/**
 * Activates the disruption-budget dependent of one API version: asks the server's discovery once
 * (the first reconcile) and keeps the answer, since a server's API versions do not change under a
 * running operator.
 */
public abstract class DisruptionBudgetApiCondition<R extends HasMetadata>
    implements Condition<R, ShardedDatabase> {

  private final DisruptionBudgetApi wanted;
  private volatile DisruptionBudgetApi detected;

  DisruptionBudgetApiCondition(DisruptionBudgetApi wanted) {
    this.wanted = wanted;
  }

  @Override
  public boolean isMet(
      DependentResource<R, ShardedDatabase> dependentResource,
      ShardedDatabase primary,
      Context<ShardedDatabase> context) {
    if (detected == null) {
      detected = detect(context.getClient());
    }
    return detected == wanted;
  }

  /** The version the server at {@code client} serves budgets in. */
  static DisruptionBudgetApi detect(KubernetesClient client) {
    return DisruptionBudgetApi.choose(
        client.supports("policy/v1", "PodDisruptionBudget"),
        client.supports("policy/v1beta1", "PodDisruptionBudget"));
  }

  /** Met when budgets are written as policy/v1. */
  public static final class V1
      extends DisruptionBudgetApiCondition<
          io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget> {
    public V1() {
      super(DisruptionBudgetApi.V1);
    }
  }

  /** Met when the server only serves policy/v1beta1 budgets. */
  public static final class V1beta1
      extends DisruptionBudgetApiCondition<
          io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget> {
    public V1beta1() {
      super(DisruptionBudgetApi.V1BETA1);
    }
  }
}
