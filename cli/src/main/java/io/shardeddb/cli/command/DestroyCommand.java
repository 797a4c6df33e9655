package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.pods.DestroyCheck;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb destroy DB POD}: deletes a shard's pod and its PersistentVolumeClaims; the
 * StatefulSet creates both again and the operator copies the empty replica from the primary. For a
 * pod whose volume is lost or corrupt beyond what {@code rebuild} (which keeps the volume) fixes.
 * Refused by {@link DestroyCheck}: the primary without {@code --force}, and any pod whose loss
 * would leave the shard fewer in-sync voting replicas than a write needs.
 */
@Command(
    name = "destroy",
    description = {
      "Delete POD and its volume (PersistentVolumeClaim); the operator re-copies it from the"
          + " primary. Waits until it is back, caught up.",
      "Exit codes: 0 done, 1 API error, 2 usage, 3 unknown database/pod, 4 refused (the primary"
          + " without --force, or the shard would lose its write majority), 5 timed out."
    })
public final class DestroyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String database;

  @Parameters(index = "1", paramLabel = "POD", description = "the shard's pod to destroy")
  String pod;

  @Option(
      names = "--force",
      description = "destroy the primary too (the operator fails over; writes pause until then)")
  boolean force;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "how long to wait for the pod to be copied again (e.g. 30m; default 10m)")
  Duration timeout;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return RequestSupport.callOn(spec, cluster, database, this::run);
  }

  private RequestSupport.Failure run(
      KubernetesClient client,
      Resource<ShardedDatabase> resource,
      ShardedDatabase db,
      PrintWriter out)
      throws InterruptedException {
    Optional<ShardStatus> shard = RequestSupport.shardOf(db, pod);
    if (shard.isEmpty()) {
      return RequestSupport.notAReplica(db, database, pod);
    }
    ShardStatus status = shard.get();
    var spec = ShardedDatabaseResources.spec(db);
    int voting =
        status.voters() != null
            ? status.voters()
            : spec.shardsOrEmpty().stream()
                .filter(s -> s.id().equals(status.id()))
                .findFirst()
                .map(spec::replicasOf)
                .orElse(status.replicasOrEmpty().size());
    String refusal = DestroyCheck.refusal(database, status, voting, pod, force);
    if (refusal != null) {
      return new RequestSupport.Failure(
          RequestSupport.REFUSED, "destroy refused, nothing deleted: " + refusal);
    }
    Pod p = client.pods().inNamespace(client.getNamespace()).withName(pod).get();
    if (p == null) {
      return new RequestSupport.Failure(
          RequestSupport.NOT_FOUND, "pod " + pod + " not found in " + client.getNamespace());
    }
    List<String> claims = claims(p);
    if (claims.isEmpty()) {
      return new RequestSupport.Failure(
          RequestSupport.REFUSED,
          "pod "
              + pod
              + " has no PersistentVolumeClaim to delete (local mode: kubectl sdb local"
              + " delete-pod "
              + pod
              + " --wipe)");
    }
    long started = System.nanoTime();
    out.println(
        "deleting pod "
            + pod
            + " and its claims "
            + String.join(", ", claims)
            + " (shard "
            + status.id()
            + ")");
    out.flush();
    RequestSupport.Failure failure =
        PodCycle.recreate(client, resource, database, status.id(), pod, claims, timeout, out);
    if (failure != null) {
      return failure;
    }
    out.println(
        pod
            + " is back with a fresh volume, copied from the primary and caught up, in "
            + HumanDuration.format(
                Duration.ofSeconds(Duration.ofNanos(System.nanoTime() - started).toSeconds())));
    return null;
  }

  /** The pod's PersistentVolumeClaims, as its volumes name them. */
  static List<String> claims(Pod p) {
    List<Volume> volumes = p.getSpec() == null ? null : p.getSpec().getVolumes();
    return volumes == null
        ? List.of()
        : volumes.stream()
            .filter(v -> v.getPersistentVolumeClaim() != null)
            .map(v -> v.getPersistentVolumeClaim().getClaimName())
            .toList();
  }
}
