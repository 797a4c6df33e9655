package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.cli.output.TextTable;
import io.shardeddb.cli.pods.RestartPlan;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * {@code kubectl-sdb restart DB [--shard ID]}: a rolling restart of a shard's (or every shard's)
 * pods in the order {@link RestartPlan} decides: secondaries one at a time, each back ready and
 * caught up before the next, then the primary after a switch-over (as {@code promote} asks it).
 * Shards go one after another, so one pod of the database is down at a time.
 */
@Command(
    name = "restart",
    description = {
      "Restart SHARD's pods (every shard's without --shard) one at a time: the secondaries, then"
          + " the primary after a switch-over to a caught-up secondary. --dry-run prints the plan.",
      "Exit codes: 0 done, 1 API error, 2 usage, 3 unknown database/shard, 4 refused (a pod not"
          + " ready, too few replicas) or a switch-over refused, 5 timed out."
    })
public final class RestartCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String database;

  @Option(names = "--shard", paramLabel = "ID", description = "restart this shard only")
  String shard;

  @Option(names = "--dry-run", description = "print the plan and restart nothing")
  boolean dryRun;

  @Option(
      names = "--force",
      description =
          "restart shards whose writes stop while one pod is down (fewer than 3 replicas)")
  boolean force;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "how long each step may take (a pod back and caught up; default 10m)")
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
    ShardedDatabaseSpec dbSpec = ShardedDatabaseResources.spec(db);
    if (shard != null) {
      RequestSupport.Failure unknown = RequestSupport.unknownShard(db, database, shard);
      if (unknown != null) {
        return unknown;
      }
    }
    List<RestartPlan.ShardPlan> plans = new ArrayList<>();
    for (ShardSpec s : dbSpec.shardsOrEmpty()) {
      if (shard == null || shard.equals(s.id())) {
        ShardStatus status =
            db.getStatus() == null ? null : db.getStatus().shard(s.id()).orElse(null);
        int voting =
            status != null && status.voters() != null ? status.voters() : dbSpec.replicasOf(s);
        plans.add(RestartPlan.plan(s.id(), status, voting, force));
      }
    }
    List<String> refused =
        plans.stream().map(RestartPlan.ShardPlan::refusal).filter(r -> r != null).toList();
    if (!refused.isEmpty()) {
      return new RequestSupport.Failure(
          RequestSupport.REFUSED,
          "restart refused, nothing restarted: " + String.join("; ", refused));
    }
    printPlan(out, plans);
    if (dryRun) {
      out.println("dry run: nothing restarted");
      return null;
    }
    out.flush();
    int restarted = 0;
    for (RestartPlan.ShardPlan plan : plans) {
      for (RestartPlan.Step step : plan.steps()) {
        RequestSupport.Failure failure =
            switch (step) {
              case RestartPlan.SwitchOver s -> switchOver(resource, s.shard(), s.from(), out);
              case RestartPlan.Restart r -> restart(client, resource, r, out);
            };
        if (failure != null) {
          return failure;
        }
        if (step instanceof RestartPlan.Restart) {
          restarted++;
        }
        out.flush();
      }
    }
    out.println(
        "restarted "
            + restarted
            + (restarted == 1 ? " pod" : " pods")
            + " of "
            + database
            + " (shards "
            + String.join(", ", plans.stream().map(RestartPlan.ShardPlan::shard).toList())
            + ")");
    return null;
  }

  private void printPlan(PrintWriter out, List<RestartPlan.ShardPlan> plans) {
    TextTable t = new TextTable("STEP", "SHARD", "ACTION", "POD", "DETAIL");
    int n = 0;
    for (RestartPlan.ShardPlan plan : plans) {
      for (RestartPlan.Step step : plan.steps()) {
        n++;
        switch (step) {
          case RestartPlan.Restart r -> t.row(n, r.shard(), "restart", r.pod(), r.why());
          case RestartPlan.SwitchOver s ->
              t.row(
                  n,
                  s.shard(),
                  "switch-over",
                  s.from(),
                  "to the most caught-up ready secondary (now " + s.to() + ")");
        }
      }
    }
    out.print(t.render());
    plans.stream()
        .filter(p -> p.note() != null)
        .forEach(p -> out.println("warning (--force): " + p.note()));
  }

  /** The shard's primary handed over, when {@code from} still holds it. */
  private RequestSupport.Failure switchOver(
      Resource<ShardedDatabase> resource, String shardId, String from, PrintWriter out)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Optional<ShardStatus> status = PodCycle.awaitShardReady(resource, shardId, deadline);
    if (status.isEmpty()) {
      return notReady(shardId);
    }
    if (!from.equals(status.get().primary())) {
      out.println(
          shardId + ": " + from + " is no longer the primary (" + status.get().primary() + " is)");
      return null;
    }
    Optional<String> target = RestartPlan.switchOverTarget(status.get());
    if (target.isEmpty()) {
      return new RequestSupport.Failure(
          RequestSupport.REFUSED,
          "shard " + shardId + " has no ready secondary to hand its primary over to");
    }
    long started = System.nanoTime();
    PromoteCommand.SwitchedOver done =
        PromoteCommand.switchOver(
            resource, resource.get(), database, shardId, target.get(), timeout);
    if (done.failure() != null) {
      return done.failure();
    }
    ShardStatus now = done.db().getStatus().shard(shardId).orElseThrow();
    out.println(
        shardId
            + ": switched over from "
            + from
            + " to "
            + target.get()
            + " (epoch "
            + now.epoch()
            + ") in "
            + since(started));
    return null;
  }

  private RequestSupport.Failure restart(
      KubernetesClient client,
      Resource<ShardedDatabase> resource,
      RestartPlan.Restart r,
      PrintWriter out)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Optional<ShardStatus> status = PodCycle.awaitShardReady(resource, r.shard(), deadline);
    if (status.isEmpty()) {
      return notReady(r.shard());
    }
    // A failover since the plan may have made this pod the primary: hand the role over first.
    if (r.pod().equals(status.get().primary()) && status.get().replicasOrEmpty().size() > 1) {
      RequestSupport.Failure failure = switchOver(resource, r.shard(), r.pod(), out);
      if (failure != null) {
        return failure;
      }
    }
    long started = System.nanoTime();
    RequestSupport.Failure failure =
        PodCycle.recreate(client, resource, database, r.shard(), r.pod(), List.of(), timeout, out);
    if (failure != null) {
      return failure;
    }
    out.println(r.shard() + ": restarted " + r.pod() + " (" + r.why() + ") in " + since(started));
    return null;
  }

  private RequestSupport.Failure notReady(String shardId) {
    return new RequestSupport.Failure(
        RequestSupport.TIMED_OUT,
        "timed out after "
            + HumanDuration.format(timeout)
            + " waiting for every replica of shard "
            + shardId
            + " to be ready before taking one down (kubectl sdb status "
            + database
            + ")");
  }

  private static String since(long startedNanos) {
    return HumanDuration.format(
        Duration.ofSeconds(Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds()));
  }
}
