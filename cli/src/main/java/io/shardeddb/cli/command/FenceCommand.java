package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.output.TextTable;
import io.shardeddb.operator.reconciler.Fencing;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb fence DB [POD...] [--shard SH]} and {@code unfence}: take shard pods out of
 * service and back, as {@code kubectl cnpg fencing on|off}. The fenced pods are the annotation
 * {@code shardeddb.io/fenced-pods} ({@link Fencing}); the operator keeps them out of the routing,
 * hands a fenced primary's role over to an unfenced caught-up secondary, and never makes a fenced
 * pod primary. A fence that would leave a shard fewer ready unfenced voting replicas than a write
 * needs is refused before anything is written, unless {@code --force}.
 */
public final class FenceCommand {
  private FenceCommand() {}

  /** The pods named by POD arguments and {@code --shard}, checked against the status. */
  abstract static class Target {
    @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
    String database;

    @Parameters(
        index = "1..*",
        arity = "0..*",
        paramLabel = "POD",
        description = "shard pods (replicas) of DB")
    List<String> pods = new ArrayList<>();

    @Option(names = "--shard", paramLabel = "SH", description = "every pod of shard SH")
    String shard;

    @Mixin KubeconfigOption cluster;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table (default), json or yaml")
    DataOptions.Output output;

    @Spec CommandSpec spec;

    /** The named pods, or the failure naming what does not exist. */
    RequestSupport.Failure resolve(ShardedDatabase db, Set<String> out) {
      if (shard != null) {
        Optional<ShardStatus> s =
            HoldSupport.shards(db).stream().filter(x -> shard.equals(x.id())).findFirst();
        if (s.isEmpty()) {
          return new RequestSupport.Failure(
              RequestSupport.NOT_FOUND,
              "no shard '"
                  + shard
                  + "' in ShardedDatabase "
                  + database
                  + " (shards: "
                  + String.join(", ", HoldSupport.shards(db).stream().map(ShardStatus::id).toList())
                  + ")");
        }
        s.get().replicasOrEmpty().stream().map(ReplicaStatus::pod).forEach(out::add);
      }
      for (String pod : pods) {
        if (RequestSupport.shardOf(db, pod).isEmpty()) {
          return RequestSupport.notAReplica(db, database, pod);
        }
        out.add(pod);
      }
      return null;
    }

    void print(PrintWriter out, ShardedDatabase db, Set<String> named, String what) {
      List<Map<String, Object>> rows = new ArrayList<>();
      TextTable table = new TextTable("POD", "SHARD", "ROLE", "READY", "FENCED");
      Set<String> fenced = new TreeSet<>(fencedNow(db));
      for (String pod : named) {
        ShardStatus s = RequestSupport.shardOf(db, pod).orElse(null);
        ReplicaStatus r = HoldSupport.replica(db, pod).orElse(null);
        boolean isFenced = fenced.contains(pod) || fenced.contains(Fencing.ALL);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pod", pod);
        row.put("shard", s == null ? null : s.id());
        row.put("role", r == null ? null : r.role());
        row.put("ready", r == null ? null : r.ready());
        row.put("fenced", isFenced);
        rows.add(row);
        table.row(pod, row.get("shard"), row.get("role"), row.get("ready"), isFenced);
      }
      if (output != DataOptions.Output.table) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("database", database);
        json.put("fenced", List.copyOf(fenced));
        json.put("pods", rows);
        DataOptions.printStructured(out, output, json);
        return;
      }
      out.print(table.render());
      out.println(what);
    }
  }

  /** The fenced pods as the annotation on {@code db} names them ("*": all). */
  static Set<String> fencedNow(ShardedDatabase db) {
    Fencing.Fenced f = Fencing.parse(HoldSupport.annotation(db, Fencing.ANNOTATION));
    Set<String> out = new TreeSet<>(f.pods());
    if (f.all()) {
      out.add(Fencing.ALL);
    }
    return out;
  }

  /** {@code kubectl-sdb fence}. */
  @Command(
      name = "fence",
      description = {
        "Fence shard pods: out of the routing (no reads or writes through them), never made"
            + " primary; a fenced primary hands over to the most caught-up unfenced secondary.",
        "Refused when a shard would keep fewer ready unfenced voting replicas than a write needs,"
            + " unless --force.",
        "Exit codes: 0 fenced, 1 API error, 2 usage, 3 unknown database/shard/pod, 4 refused,"
            + " 5 timed out."
      })
  public static final class Fence extends Target implements Callable<Integer> {
    @Option(
        names = "--force",
        description = "fence even when a shard is left without a write quorum of unfenced pods")
    boolean force;

    @Option(
        names = "--timeout",
        defaultValue = "2m",
        description = "how long to wait for the operator to apply the fence (default 2m)")
    Duration timeout;

    @Override
    public Integer call() {
      if (pods.isEmpty() && shard == null) {
        return RequestSupport.usage(spec, "name the pods to fence (POD...) or --shard SH");
      }
      return RequestSupport.callOn(spec, cluster, database, this::run);
    }

    private RequestSupport.Failure run(
        KubernetesClient client,
        Resource<ShardedDatabase> resource,
        ShardedDatabase db,
        PrintWriter out)
        throws InterruptedException {
      Set<String> named = new LinkedHashSet<>();
      RequestSupport.Failure unknown = resolve(db, named);
      if (unknown != null) {
        return unknown;
      }
      Set<String> after = new TreeSet<>(fencedNow(db));
      after.addAll(named);
      if (!force) {
        WriteQuorum quorum = ShardedDatabaseResources.spec(db).writeQuorumOrDefault();
        for (ShardStatus s : HoldSupport.shards(db)) {
          Set<String> inShard = new TreeSet<>();
          for (ReplicaStatus r : s.replicasOrEmpty()) {
            if (after.contains(r.pod()) || after.contains(Fencing.ALL)) {
              inShard.add(r.pod());
            }
          }
          boolean touched = s.replicasOrEmpty().stream().anyMatch(r -> named.contains(r.pod()));
          String refusal = touched ? Fencing.refusal(s, quorum, inShard) : null;
          if (refusal != null) {
            return new RequestSupport.Failure(
                RequestSupport.REFUSED,
                "fence refused: " + refusal + "; nothing was changed (--force to fence anyway)");
          }
        }
      }
      HoldSupport.annotate(resource, Fencing.ANNOTATION, Fencing.format(after));
      Optional<ShardedDatabase> applied =
          HoldSupport.await(resource, timeout, d -> applied(d, named));
      if (applied.isEmpty()) {
        return new RequestSupport.Failure(
            RequestSupport.TIMED_OUT,
            "timed out after "
                + HumanDuration.format(timeout)
                + " waiting for the operator to fence "
                + String.join(", ", named)
                + " (the annotation stays; kubectl sdb status "
                + database
                + " shows its progress)");
      }
      ShardedDatabase now = applied.get();
      List<String> stillPrimary =
          HoldSupport.shards(now).stream()
              .filter(s -> s.primary() != null && named.contains(s.primary()))
              .map(
                  s ->
                      "shard "
                          + s.id()
                          + " takes no writes: its primary "
                          + s.primary()
                          + " is fenced and no unfenced caught-up secondary could take over")
              .toList();
      print(out, now, named, "fenced: " + String.join(", ", named));
      stillPrimary.forEach(line -> spec.commandLine().getErr().println("warning: " + line));
      return null;
    }

    /**
     * Whether the status shows the fence: the Fenced condition names every pod, each fenced replica
     * has no routable address, and no fenced pod is primary unless the shard says it cannot hand
     * over.
     */
    static boolean applied(ShardedDatabase db, Set<String> named) {
      String fenced = HoldSupport.message(db, "Fenced");
      if (!HoldSupport.condition(db, "Fenced", true)) {
        return false;
      }
      for (String pod : named) {
        if (!fenced.contains(pod) && !fenced.contains(Fencing.ALL)) {
          return false;
        }
        if (HoldSupport.replica(db, pod).map(r -> r.url() != null).orElse(false)) {
          return false;
        }
      }
      String degraded = HoldSupport.message(db, "Degraded");
      return HoldSupport.shards(db).stream()
          .filter(s -> s.primary() != null && named.contains(s.primary()))
          .allMatch(s -> degraded.contains("primary " + s.primary() + " is fenced"));
    }
  }

  /** {@code kubectl-sdb unfence}. */
  @Command(
      name = "unfence",
      description = {
        "Unfence shard pods: they rejoin the routing once ready (catching up, or re-copied as any"
            + " returning replica).",
        "Exit codes: 0 back, 1 API error, 2 usage, 3 unknown database/shard/pod, 5 timed out."
      })
  public static final class Unfence extends Target implements Callable<Integer> {
    @Option(names = "--all", description = "unfence every fenced pod")
    boolean all;

    @Option(
        names = "--timeout",
        defaultValue = "5m",
        description = "how long to wait for the pods to be back and ready (default 5m)")
    Duration timeout;

    @Override
    public Integer call() {
      if (pods.isEmpty() && shard == null && !all) {
        return RequestSupport.usage(spec, "name the pods to unfence (POD...), --shard SH or --all");
      }
      return RequestSupport.callOn(spec, cluster, database, this::run);
    }

    private RequestSupport.Failure run(
        KubernetesClient client,
        Resource<ShardedDatabase> resource,
        ShardedDatabase db,
        PrintWriter out)
        throws InterruptedException {
      Set<String> before = fencedNow(db);
      Set<String> named = new LinkedHashSet<>();
      if (all) {
        HoldSupport.shards(db).stream()
            .flatMap(s -> s.replicasOrEmpty().stream())
            .map(ReplicaStatus::pod)
            .filter(p -> before.contains(p) || before.contains(Fencing.ALL))
            .forEach(named::add);
      }
      RequestSupport.Failure unknown = resolve(db, named);
      if (unknown != null) {
        return unknown;
      }
      Set<String> after = new TreeSet<>();
      if (!all) {
        if (before.contains(Fencing.ALL)) {
          // "*" less some pods: every other pod of the database stays fenced by name.
          HoldSupport.shards(db).stream()
              .flatMap(s -> s.replicasOrEmpty().stream())
              .map(ReplicaStatus::pod)
              .forEach(after::add);
        } else {
          after.addAll(before);
        }
        after.removeAll(named);
      }
      HoldSupport.annotate(
          resource, Fencing.ANNOTATION, after.isEmpty() ? null : Fencing.format(after));
      Optional<ShardedDatabase> back =
          HoldSupport.await(
              resource,
              timeout,
              d ->
                  named.stream()
                          .allMatch(
                              p ->
                                  HoldSupport.replica(d, p)
                                      .map(r -> r.url() != null && Boolean.TRUE.equals(r.ready()))
                                      .orElse(false))
                      && !named.stream()
                          .anyMatch(p -> HoldSupport.message(d, "Fenced").contains(p)));
      if (back.isEmpty()) {
        return new RequestSupport.Failure(
            RequestSupport.TIMED_OUT,
            "timed out after "
                + HumanDuration.format(timeout)
                + " waiting for "
                + String.join(", ", named)
                + " to be back and ready (unfenced; kubectl sdb status "
                + database
                + " shows its progress)");
      }
      print(out, back.get(), named, "unfenced: " + String.join(", ", named));
      return null;
    }
  }
}
