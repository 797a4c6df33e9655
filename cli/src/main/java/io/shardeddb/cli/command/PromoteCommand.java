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
import java.util.List;
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
 * {@code kubectl-sdb promote DB SHARD POD}: a planned switch-over of a shard's primary to one of
 * its caught-up replicas. It annotates the ShardedDatabase ({@code shardeddb.io/promote:
 * SHARD=POD}); the operator fences the old primary, waits for the target to hold its whole log,
 * announces the target and records the outcome, which this command waits for and prints.
 */
@Command(
    name = "promote",
    description = {
      "Switch SHARD's primary over to POD (a planned, fenced switch-over; no acknowledged write is"
          + " lost).",
      "Exit codes: 0 done, 1 API error, 2 usage, 3 unknown database/shard/pod, 4 refused or"
          + " failed by the operator, 5 timed out."
    })
public final class PromoteCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String database;

  @Parameters(index = "1", paramLabel = "SHARD", description = "the shard id, e.g. sh1")
  String shard;

  @Parameters(index = "2", paramLabel = "POD", description = "the replica to promote")
  String pod;

  @Mixin KubeconfigOption cluster;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (default), json or yaml")
  DataOptions.Output output;

  @Option(
      names = "--timeout",
      defaultValue = "2m",
      description = "how long to wait for the operator's outcome (e.g. 5m; default 2m)")
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
    RequestSupport.Failure unknown = RequestSupport.unknownShard(db, database, shard);
    if (unknown != null) {
      return unknown;
    }
    Optional<ShardStatus> status =
        db.getStatus() == null ? Optional.empty() : db.getStatus().shard(shard);
    List<String> replicas =
        status
            .map(s -> s.replicasOrEmpty().stream().map(ReplicaStatus::pod).toList())
            .orElse(List.of());
    if (!replicas.contains(pod)) {
      return new RequestSupport.Failure(
          RequestSupport.NOT_FOUND,
          "pod '"
              + pod
              + "' is not a replica of shard "
              + shard
              + " (replicas: "
              + (replicas.isEmpty() ? "none reported yet" : String.join(", ", replicas))
              + ")");
    }
    String previous = status.get().primary();
    SwitchedOver done = switchOver(resource, db, database, shard, pod, timeout);
    if (done.failure() != null) {
      return done.failure();
    }
    RequestStatus result = done.result();
    ShardStatus now = done.db().getStatus().shard(shard).orElseThrow();
    print(out, now, previous, result);
    return null;
  }

  /**
   * The operator's switch-over of {@code shard} to {@code pod}, or its failure: done at once when
   * {@code pod} already is the primary; else the request annotation, then the outcome awaited
   * (bounded by {@code timeout}; the request withdrawn when none came). {@code restart} switches
   * over this way too.
   */
  static SwitchedOver switchOver(
      Resource<ShardedDatabase> resource,
      ShardedDatabase db,
      String database,
      String shard,
      String pod,
      Duration timeout)
      throws InterruptedException {
    String previous = db.getStatus().shard(shard).map(ShardStatus::primary).orElse(null);
    String value = shard + "=" + pod;
    if (pod.equals(previous)) {
      return new SwitchedOver(
          new RequestStatus(
              RequestStatus.Type.Promote,
              value,
              RequestStatus.Outcome.Succeeded,
              pod + " is already the primary of shard " + shard,
              null),
          db,
          null);
    }
    String annotation = RequestSupport.annotation(RequestStatus.Type.Promote);
    RequestStatus before = RequestSupport.lastOutcome(db, RequestStatus.Type.Promote).orElse(null);
    RequestSupport.request(resource, annotation, value);
    var outcome =
        RequestSupport.await(
            resource,
            RequestStatus.Type.Promote,
            value,
            before,
            timeout,
            d -> d.getStatus().shard(shard).map(s -> pod.equals(s.primary())).orElse(false));
    if (outcome.isEmpty()) {
      RequestSupport.withdraw(resource, annotation, value);
      return new SwitchedOver(
          null,
          null,
          new RequestSupport.Failure(
              RequestSupport.TIMED_OUT,
              "timed out after "
                  + HumanDuration.format(timeout)
                  + " waiting for the operator to switch shard "
                  + shard
                  + " over to "
                  + pod
                  + "; the request was withdrawn (kubectl sdb status "
                  + database
                  + " shows the shard)"));
    }
    RequestStatus result = outcome.get().getKey();
    RequestSupport.Failure refused = RequestSupport.refusal("promote", result);
    return new SwitchedOver(result, outcome.get().getValue(), refused);
  }

  /** A switch-over's outcome and the resource then, or its failure (then the others are null). */
  record SwitchedOver(RequestStatus result, ShardedDatabase db, RequestSupport.Failure failure) {}

  private void print(PrintWriter out, ShardStatus now, String previous, RequestStatus result) {
    if (output != DataOptions.Output.table) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("database", database);
      json.put("shard", shard);
      json.put("primary", now.primary());
      json.put("epoch", now.epoch());
      json.put("previousPrimary", previous);
      json.put("outcome", result.outcome().name());
      json.put("message", result.message());
      DataOptions.printStructured(out, output, json);
      return;
    }
    out.print(
        new TextTable("SHARD", "PRIMARY", "EPOCH", "PREVIOUS")
            .row(shard, now.primary(), now.epoch(), previous)
            .render());
    out.println(result.message());
  }
}
