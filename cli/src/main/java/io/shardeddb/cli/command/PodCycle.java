package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.storage.StrandedPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How {@code restart} and {@code destroy} take a shard's pod down and wait for it: the pod is
 * deleted (its StatefulSet creates it again, with the same volume unless its claim went first),
 * then the wait ends when a pod of that name with another UID is Ready (a shard-server is ready
 * only once it holds a role and is caught up) and the resource's status shows the replica ready. A
 * pod re-created before its deleted claim was gone waits for that claim for good ({@link
 * StrandedPod}): it is deleted again, and its StatefulSet creates it anew with a new claim.
 */
final class PodCycle {
  private static final Duration POLL = Duration.ofSeconds(1);

  private PodCycle() {}

  /**
   * Whether every replica of {@code shard} is ready in the status; waits until {@code deadline}.
   */
  static Optional<ShardStatus> awaitShardReady(
      Resource<ShardedDatabase> db, String shard, Instant deadline) throws InterruptedException {
    while (true) {
      ShardedDatabase now = db.get();
      Optional<ShardStatus> status =
          now == null || now.getStatus() == null ? Optional.empty() : now.getStatus().shard(shard);
      if (status.isPresent()
          && !status.get().replicasOrEmpty().isEmpty()
          && status.get().replicasOrEmpty().stream()
              .allMatch(r -> Boolean.TRUE.equals(r.ready()))) {
        return status;
      }
      if (!Instant.now().isBefore(deadline)) {
        return Optional.empty();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Deletes {@code claims} (when not empty: the pod comes back with empty volumes and is copied
   * again) and {@code pod}, then waits until the pod is back and ready; null when it is, else the
   * failure (timed out).
   */
  static RequestSupport.Failure recreate(
      KubernetesClient client,
      Resource<ShardedDatabase> db,
      String database,
      String shard,
      String pod,
      List<String> claims,
      Duration timeout,
      java.io.PrintWriter out)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    var pods = client.pods().inNamespace(client.getNamespace());
    Pod before = pods.withName(pod).get();
    String uid = before == null ? null : before.getMetadata().getUid();
    for (String claim : claims) {
      // The claim stays (pvc-protection) while the pod uses it; both go once the pod is deleted.
      client.persistentVolumeClaims().inNamespace(client.getNamespace()).withName(claim).delete();
    }
    pods.withName(pod).delete();
    while (true) {
      Pod now = pods.withName(pod).get();
      String stranded = now == null ? null : strandedOn(client, now, uid, claims);
      if (stranded != null) {
        // Re-created before its old claim was gone: it waits for that claim for good.
        pods.withName(pod).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        out.println(
            "deleted pod "
                + pod
                + " again: it was re-created before its old claim "
                + stranded
                + " was gone and waits for it; its StatefulSet re-creates it with a new claim");
        out.flush();
        uid = now.getMetadata().getUid();
        Thread.sleep(POLL.toMillis());
        continue;
      }
      if (now != null && !now.getMetadata().getUid().equals(uid) && ready(now)) {
        ShardedDatabase d = db.get();
        boolean inStatus =
            d != null
                && d.getStatus() != null
                && d.getStatus()
                    .shard(shard)
                    .flatMap(s -> s.replica(pod))
                    .map(ReplicaStatus::ready)
                    .orElse(false);
        if (inStatus) {
          return null;
        }
      }
      if (!Instant.now().isBefore(deadline)) {
        return new RequestSupport.Failure(
            RequestSupport.TIMED_OUT,
            "timed out after "
                + HumanDuration.format(timeout)
                + " waiting for "
                + pod
                + " to come back ready"
                + (claims.isEmpty() ? "" : " with a fresh copy")
                + " (kubectl sdb status "
                + database
                + " shows the shard; nothing else was touched)");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * The claim of {@code claims} that the re-created pod {@code now} (not the one deleted, {@code
   * uid}) waits for in vain ({@link StrandedPod}), or null.
   */
  private static String strandedOn(
      KubernetesClient client, Pod now, String uid, List<String> claims) {
    if (claims.isEmpty()
        || now.getMetadata().getUid().equals(uid)
        || now.getMetadata().getDeletionTimestamp() != null) {
      return null;
    }
    boolean running = now.getStatus() != null && "Running".equals(now.getStatus().getPhase());
    for (String claim : claims) {
      PersistentVolumeClaim c =
          client.persistentVolumeClaims().inNamespace(client.getNamespace()).withName(claim).get();
      if (StrandedPod.waitsForAGoneClaim(
          running, c != null, c != null && c.getMetadata().getDeletionTimestamp() != null)) {
        return claim;
      }
    }
    return null;
  }

  /** Whether the pod's Ready condition is True. */
  static boolean ready(Pod p) {
    List<io.fabric8.kubernetes.api.model.PodCondition> conditions =
        p.getStatus() == null ? null : p.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
