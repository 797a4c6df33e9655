package io.shardeddb.operator.backup;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on backup resources (BackupStarted, BackupCompleted, BackupFailed, ...). */
final class BackupEvents {
  private static final Logger LOG = LoggerFactory.getLogger(BackupEvents.class);
  private final KubernetesClient client;
  private final Clock clock;

  BackupEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void normal(HasMetadata on, String reason, String message) {
    record(on, "Normal", reason, message);
  }

  void warning(HasMetadata on, String reason, String message) {
    record(on, "Warning", reason, message);
  }

  private void record(HasMetadata on, String type, String reason, String message) {
    String ns = on.getMetadata().getNamespace();
    LOG.info("{}/{} {} {}: {}", ns, on.getMetadata().getName(), type, reason, message);
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(on.getMetadata().getName() + "." + UUID.randomUUID())
                  .withNamespace(ns)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(on.getApiVersion())
                  .withKind(on.getKind())
                  .withName(on.getMetadata().getName())
                  .withNamespace(ns)
                  .withUid(on.getMetadata().getUid())
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
      LOG.warn("could not record event {}: {}", reason, e.getMessage());
    }
  }
}
