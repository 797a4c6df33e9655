package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events on a ShardedDatabase (bring-up, failover, re-copy, refusals). */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final BiConsumer<ShardedDatabase, EventReason> recorded;

  /** Records through this client, timestamped by this clock. */
  public EventRecorder(KubernetesClient client, Clock clock) {
    this(client, clock, (sdb, reason) -> {});
  }

  /** As above, also telling {@code recorded} (e.g. {@link DatabaseMetrics}) each reason. */
  public EventRecorder(
      KubernetesClient client, Clock clock, BiConsumer<ShardedDatabase, EventReason> recorded) {
    this.client = client;
    this.clock = clock;
    this.recorded = recorded;
  }

  /** Records one event decided elsewhere; its reason fixes Normal or Warning. */
  public void record(ShardedDatabase sdb, ShardEvent event) {
    recorded.accept(sdb, event.reason());
    record(
        sdb,
        event.reason().warning() ? "Warning" : "Normal",
        event.reason().name(),
        event.message());
  }

  /**
   * Records a Normal Event whose reason is named here rather than an {@link EventReason} (as the
   * backup Events on a database are); not counted by reason.
   */
  public void normal(ShardedDatabase sdb, String reason, String message) {
    record(sdb, "Normal", reason, message);
  }

  /** Records each of {@code events} in order. */
  public void recordAll(ShardedDatabase sdb, java.util.List<ShardEvent> events) {
    events.forEach(e -> record(sdb, e));
  }

  private void record(ShardedDatabase sdb, String type, String reason, String message) {
    LOG.info(
        "{}/{} {} {}: {}",
        sdb.getMetadata().getNamespace(),
        sdb.getMetadata().getName(),
        type,
        reason,
        message);
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(sdb.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(sdb.getMetadata().getName() + "." + UUID.randomUUID())
                  .withNamespace(sdb.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(sdb.getApiVersion())
                  .withKind(sdb.getKind())
                  .withName(sdb.getMetadata().getName())
                  .withNamespace(sdb.getMetadata().getNamespace())
                  .withUid(sdb.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("shardeddb-operator")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // An event is a courtesy to humans; failing to record one must not fail the reconcile.
      LOG.warn("could not record event {}: {}", reason, e.getMessage());
    }
  }
}
