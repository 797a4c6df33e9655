package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.PodMonitorModel;

/**
 * The database's own PodMonitor ({@link PodMonitorModel}), owned by the ShardedDatabase. Active
 * only when the operator is told to write them ({@code shardeddb.metrics.pod-monitors}) and the
 * server serves the PodMonitor API ({@link Served}): its informer starts only then, so an operator
 * on a cluster without the Prometheus Operator's CRDs runs as before.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PodMonitorModel.SELECT))
public class PodMonitorDependent extends DesiredStateDependent<PodMonitor> {

  public PodMonitorDependent() {
    super(PodMonitor.class);
  }

  @Override
  protected PodMonitor desired(ShardedDatabase primary, Context<ShardedDatabase> context) {
    return PodMonitorModel.podMonitor(Models.of(context));
  }

  /**
   * Met when the model asks for per-database PodMonitors and the server serves {@code
   * monitoring.coreos.com/v1} PodMonitors (asked once, when first asked for: a CRD installed later
   * needs an operator restart, as the chart's upgrade does).
   */
  public static class Served implements Condition<PodMonitor, ShardedDatabase> {

    private volatile Boolean served;

    @Override
    public boolean isMet(
        DependentResource<PodMonitor, ShardedDatabase> dependentResource,
        ShardedDatabase primary,
        Context<ShardedDatabase> context) {
      boolean wanted =
          Models.find(context).map(m -> m.scraper().podMonitors().enabled()).orElse(false);
      if (!wanted) {
        return false;
      }
      if (served == null) {
        served = served(context.getClient());
      }
      return served;
    }

    /** Whether the server at {@code client} serves PodMonitors. */
    static boolean served(KubernetesClient client) {
      return client.supports("monitoring.coreos.com/v1", "PodMonitor");
    }
  }
}
