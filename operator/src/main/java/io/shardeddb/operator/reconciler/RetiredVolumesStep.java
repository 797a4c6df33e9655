package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.storage.RetiredVolumes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retired-volumes step, after the workflow that deletes the StatefulSets of shards gone from
 * the spec: once a shard merged away has no StatefulSet and no pod left, deletes the volume claims
 * its StatefulSet left behind ({@link RetiredVolumes} decides which) and records {@code
 * VolumesDeleted}. A failed call is logged and tried again next pass; it never fails the pass.
 */
final class RetiredVolumesStep {

  private static final Logger LOG = LoggerFactory.getLogger(RetiredVolumesStep.class);

  private final KubernetesClient client;
  private final EventRecorder events;
  // Retired shards (database uid / shard id) whose claims are all deleted: not listed again, so a
  // database with shards merged away long ago costs no API call per pass.
  private final Set<String> cleaned = ConcurrentHashMap.newKeySet();

  RetiredVolumesStep(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  void step(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      ObserveStep.Observed observed,
      WorkflowStep.Desired desired) {
    String namespace = sdb.getMetadata().getNamespace();
    String db = sdb.getMetadata().getName();
    RetiredVolumes.Live live =
        new RetiredVolumes.Live(
            Set.copyOf(desired.shardIds()),
            context
                .getSecondaryResourcesAsStream(StatefulSet.class)
                .map(s -> s.getMetadata().getName())
                .collect(Collectors.toSet()),
            observed.podsByShard().entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet()));
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    List<String> due =
        RetiredVolumes.candidates(db, spec, previous, live).stream()
            .filter(id -> !cleaned.contains(key(sdb, id)))
            .toList();
    if (due.isEmpty()) {
      return;
    }
    List<PersistentVolumeClaim> claims;
    try {
      claims =
          client
              .persistentVolumeClaims()
              .inNamespace(namespace)
              .withLabels(Labels.shardsSelector(db))
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      LOG.warn("{}/{}: cannot list the volume claims of shards merged away", namespace, db, e);
      return;
    }
    List<RetiredVolumes.Removal> removals =
        RetiredVolumes.decide(namespace, db, spec, previous, live, claims);
    Set<String> failed = new HashSet<>();
    for (RetiredVolumes.Removal r : removals) {
      if (!delete(sdb, r)) {
        failed.add(r.shard());
      }
    }
    due.stream().filter(id -> !failed.contains(id)).forEach(id -> cleaned.add(key(sdb, id)));
  }

  /** Deletes the removal's claims; records the Event for those deleted; false if any failed. */
  private boolean delete(ShardedDatabase sdb, RetiredVolumes.Removal removal) {
    String namespace = sdb.getMetadata().getNamespace();
    List<String> deleted = new ArrayList<>();
    boolean all = true;
    for (String claim : removal.claims()) {
      try {
        if (!client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withName(claim)
            .delete()
            .isEmpty()) {
          deleted.add(claim);
        }
      } catch (KubernetesClientException e) {
        LOG.warn(
            "{}/{}: cannot delete claim {} of shard {} (merged away); tried again next pass",
            namespace,
            sdb.getMetadata().getName(),
            claim,
            removal.shard(),
            e);
        all = false;
      }
    }
    if (!deleted.isEmpty()) {
      // The recorder logs it too.
      events.record(sdb, removal.event(deleted));
    }
    return all;
  }

  private static String key(ShardedDatabase sdb, String shard) {
    return sdb.getMetadata().getNamespace()
        + "/"
        + sdb.getMetadata().getName()
        + "/"
        + sdb.getMetadata().getUid()
        + "/"
        + shard;
  }
}
