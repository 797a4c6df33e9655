package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.output.TextTable;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb rebuild DB POD}: re-copy one replica from its shard's primary. It annotates
 * the ShardedDatabase ({@code shardeddb.io/rebuild: POD}); the operator refuses the primary and a
 * rebuild that would cost the shard its write quorum, else has the replica re-copy, checks its
 * checksum against the primary's, and records the outcome, which this command waits for.
 */
@Command(
    name = "rebuild",
    description = {
      "Re-copy POD from its shard's primary; done once its checksum matches the primary's.",
      "Exit codes: 0 done, 1 API error, 2 usage, 3 unknown database/pod, 4 refused or failed by"
          + " the operator, 5 timed out."
    })
public final class RebuildCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String database;

  @Parameters(index = "1", paramLabel = "POD", description = "the replica to re-copy")
  String pod;

  @Mixin KubeconfigOption cluster;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (default), json or yaml")
  DataOptions.Output output;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "how long to wait for the copy to be verified (e.g. 30m; default 10m)")
  Duration timeout;

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
    String shardId = shard.get().id();
    String annotation = RequestSupport.annotation(RequestStatus.Type.Rebuild);
    RequestStatus before = RequestSupport.lastOutcome(db, RequestStatus.Type.Rebuild).orElse(null);
    RequestSupport.request(resource, annotation, pod);
    var outcome =
        RequestSupport.await(resource, RequestStatus.Type.Rebuild, pod, before, timeout, d -> true);
    if (outcome.isEmpty()) {
      RequestSupport.withdraw(resource, annotation, pod);
      return new RequestSupport.Failure(
          RequestSupport.TIMED_OUT,
          "timed out after "
              + HumanDuration.format(timeout)
              + " waiting for "
              + pod
              + " to be re-copied and verified (kubectl sdb status "
              + database
              + " shows its progress)");
    }
    RequestStatus result = outcome.get().getKey();
    RequestSupport.Failure refused = RequestSupport.refusal("rebuild", result);
    if (refused != null) {
      return refused;
    }
    ReplicaStatus replica =
        outcome
            .get()
            .getValue()
            .getStatus()
            .shard(shardId)
            .flatMap(s -> s.replica(pod))
            .orElse(null);
    print(out, shardId, replica, result);
    return null;
  }

  private void print(PrintWriter out, String shardId, ReplicaStatus r, RequestStatus result) {
    if (output != DataOptions.Output.table) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("database", database);
      json.put("shard", shardId);
      json.put("pod", pod);
      json.put("state", r == null ? null : r.state());
      json.put("ready", r == null ? null : r.ready());
      json.put("appliedLsn", r == null ? null : r.appliedLsn());
      json.put("outcome", result.outcome().name());
      json.put("message", result.message());
      DataOptions.printStructured(out, output, json);
      return;
    }
    out.print(
        new TextTable("POD", "SHARD", "STATE", "READY", "APPLIED")
            .row(
                pod,
                shardId,
                r == null ? null : r.state(),
                r == null ? null : r.ready(),
                r == null ? null : r.appliedLsn())
            .render());
    out.println(result.message());
  }
}
