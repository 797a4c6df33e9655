package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.crd.StoredStatusMonitor;
import io.shardeddb.operator.status.StatusAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finish step: writes the status when it changed (a whole-object replace with optimistic
 * locking, cached so the next pass sees the epoch just recorded), says when to run again ({@link
 * ResyncIntervals}: the failover watch, busy or settled, or sooner when a step asks), and only then
 * clears the request annotations the pass answered.
 */
final class FinishStep {

  private static final Logger LOG = LoggerFactory.getLogger(FinishStep.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final ResyncIntervals resync;
  private final StoredStatusMonitor crd;

  FinishStep(
      KubernetesClient client, Clock clock, ResyncIntervals resync, StoredStatusMonitor crd) {
    this.client = client;
    this.clock = clock;
    this.resync = resync;
    this.crd = crd;
  }

  /** Ends a pass that stopped at an invalid spec: the status written, the usual resync. */
  UpdateControl<ShardedDatabase> invalid(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      StatusAggregator.Result result) {
    return finish(sdb, context, previous, result, false, null);
  }

  /**
   * Ends a full pass: the status written, the next pass due within {@code atMost} (null: the usual
   * interval), then the {@code handled} requests' annotations cleared.
   */
  UpdateControl<ShardedDatabase> finish(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      StatusAggregator.Result result,
      Duration atMost,
      List<RequestStatus> handled) {
    boolean inProgress = result.status().requestsOrEmpty().stream().anyMatch(r -> !r.finished());
    UpdateControl<ShardedDatabase> control =
        finish(sdb, context, previous, result, result.busy() || inProgress, atMost);
    // Only once the outcome is recorded: a request whose pass failed is taken up again.
    handled.stream()
        .map(r -> r.type().annotation())
        .distinct()
        .forEach(key -> clearRequest(sdb, key));
    return control;
  }

  private UpdateControl<ShardedDatabase> finish(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      StatusAggregator.Result result,
      boolean busy,
      Duration atMost) {
    Duration next =
        result.failoverPending()
            ? resync.failoverWatch(
                clock.instant(),
                result.status().shardsOrEmpty().stream()
                    .map(ShardStatus::primaryUnavailableSince)
                    .filter(Objects::nonNull)
                    .map(Instant::parse)
                    .toList(),
                Duration.ofSeconds(
                    sdb.getSpec().failoverOrDefault().primaryUnavailableSecondsOrDefault()))
            : busy ? resync.busy() : resync.settled();
    if (atMost != null && atMost.compareTo(next) < 0) {
      next = atMost;
    }
    if (!result.status().equals(previous)) {
      writeStatus(sdb, context, result.status());
    }
    return UpdateControl.<ShardedDatabase>noUpdate().rescheduleAfter(next);
  }

  /**
   * Replaces the whole status with optimistic locking and caches the answer, so the next pass sees
   * the epoch it just recorded. A JSON patch computed against a stale copy could land on the wrong
   * array element. On a conflict the SDK re-applies the change to a newer copy: {@link
   * StatusWriteGuard} refuses that when the newer copy records another election (epochs stay unique
   * per election); the pass then fails and is retried from the new status.
   */
  void writeStatus(
      ShardedDatabase sdb, Context<ShardedDatabase> context, ShardedDatabaseStatus status) {
    ShardedDatabaseStatus basis = sdb.getStatus();
    ShardedDatabase stored =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            sdb,
            context,
            r -> {
              StatusWriteGuard.check(basis, r.getStatus());
              r.setStatus(status);
              return r;
            });
    // Every pass writes status.applied.sharding: its answer tells whether the CRD is current.
    crd.observe(status, stored);
  }

  /**
   * Removes the request annotation {@code key} if it still holds the value this pass read (a JSON
   * patch with a test): a request written meanwhile stays for the next pass.
   */
  private void clearRequest(ShardedDatabase sdb, String key) {
    Map<String, String> annotations = sdb.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    if (value == null) {
      return;
    }
    String path = "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
    String patch =
        Serialization.asJson(
            List.of(
                Map.of("op", "test", "path", path, "value", value),
                Map.of("op", "remove", "path", path)));
    try {
      client
          .resources(ShardedDatabase.class)
          .inNamespace(sdb.getMetadata().getNamespace())
          .withName(sdb.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON), patch);
    } catch (KubernetesClientException e) {
      LOG.info(
          "request {} on {} not cleared (changed meanwhile?): {}",
          key,
          sdb.getMetadata().getName(),
          e.getMessage());
    }
  }
}
