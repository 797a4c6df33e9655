package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.data.RouterConnection;
import io.shardeddb.cli.data.RouterLocator;
import io.shardeddb.cli.output.TextTable;
import io.shardeddb.protocol.failover.Candidate;
import io.shardeddb.protocol.failover.SeerScore;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
 * {@code kubectl-sdb elect DB SHARD}: a planned switch-over of SHARD's primary to SEER's choice
 * among its ready secondaries ({@link SeerScore#ranking}: latency, stability, lag weighted
 * 0.4/0.4/0.2). The inputs: each secondary's acknowledgement latency as its primary measures it
 * (the router's {@code /query/status}; counted equal when the router does not answer), its pod's
 * restarts and uptime, and how far its applied LSN is behind the most advanced one (the resource's
 * status). The switch-over itself is {@code promote}'s (fenced, no acknowledged write lost).
 */
@Command(
    name = "elect",
    description = {
      "Switch SHARD's primary over to SEER's choice among its ready secondaries (score = 0.4"
          + " latency + 0.4 stability + 0.2 lag; a planned, fenced switch-over).",
      "Exit codes: 0 done (or shown with --dry-run), 1 API error, 2 usage, 3 unknown"
          + " database/shard or no ready secondary, 4 refused or failed by the operator, 5 timed"
          + " out."
    })
public final class ElectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String database;

  @Parameters(index = "1", paramLabel = "SHARD", description = "the shard id, e.g. sh1")
  String shard;

  @Mixin KubeconfigOption cluster;

  @Option(names = "--dry-run", description = "show SEER's ranking and choice; switch nothing")
  boolean dryRun;

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
    if (status.isEmpty()) {
      return new RequestSupport.Failure(
          RequestSupport.NOT_FOUND,
          "no shard '" + shard + "' in the status of ShardedDatabase " + database);
    }
    Map<String, Pod> pods = new HashMap<>();
    for (ReplicaStatus r : status.get().replicasOrEmpty()) {
      Pod p = client.pods().inNamespace(client.getNamespace()).withName(r.pod()).get();
      if (p != null) {
        pods.put(r.pod(), p);
      }
    }
    Map<String, Double> latencies = new HashMap<>();
    String latencyNote = latencies(client, latencies);
    List<SeerScore.Ranked> ranking =
        SeerScore.ranking(candidates(status.get(), pods, latencies, Instant.now()));
    out.print(table(ranking, latencies));
    if (latencyNote != null) {
      out.println(latencyNote);
    }
    if (ranking.isEmpty()) {
      return new RequestSupport.Failure(
          RequestSupport.NOT_FOUND,
          "shard "
              + shard
              + " has no ready secondary to elect (kubectl sdb status "
              + database
              + ")");
    }
    String choice = ranking.get(0).candidate().name();
    out.println("SEER's choice: " + choice);
    if (dryRun) {
      return null;
    }
    String previous = status.get().primary();
    PromoteCommand.SwitchedOver done =
        PromoteCommand.switchOver(resource, db, database, shard, choice, timeout);
    if (done.failure() != null) {
      return done.failure();
    }
    RequestStatus result = done.result();
    ShardStatus now = done.db().getStatus().shard(shard).orElseThrow();
    out.print(
        new TextTable("SHARD", "PRIMARY", "EPOCH", "PREVIOUS")
            .row(shard, now.primary(), now.epoch(), previous)
            .render());
    out.println(result.message());
    return null;
  }

  /**
   * The ready secondaries of {@code shard} as SEER candidates: position from the status (applied
   * LSN; the last entry's epoch is not in it and counts as equal), latency from {@code latencies}
   * (zero when unknown), restarts and uptime from the pods.
   */
  static List<Candidate> candidates(
      ShardStatus shard, Map<String, Pod> pods, Map<String, Double> latencies, Instant now) {
    List<Candidate> candidates = new ArrayList<>();
    for (ReplicaStatus r : shard.replicasOrEmpty()) {
      if (r.pod().equals(shard.primary())
          || r.role() != Role.Secondary
          || !Boolean.TRUE.equals(r.ready())
          || r.appliedLsn() == null) {
        continue;
      }
      Pod p = pods.get(r.pod());
      Double ms = latencies.get(r.pod());
      candidates.add(
          new Candidate(
              r.pod(),
              0,
              0,
              r.appliedLsn(),
              ReplicaState.Ready,
              ms == null ? Duration.ZERO : Duration.ofNanos((long) (ms * 1_000_000)),
              restarts(p),
              uptime(p, now)));
    }
    return candidates;
  }

  /** The sum of the pod's containers' restarts (as the operator counts them). */
  static int restarts(Pod p) {
    if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return p.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getRestartCount)
        .filter(c -> c != null)
        .mapToInt(Integer::intValue)
        .sum();
  }

  /** How long the pod has been up (zero when unknown). */
  static Duration uptime(Pod p, Instant now) {
    if (p == null || p.getStatus() == null || p.getStatus().getStartTime() == null) {
      return Duration.ZERO;
    }
    try {
      Duration d = Duration.between(Instant.parse(p.getStatus().getStartTime()), now);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return Duration.ZERO;
    }
  }

  /** Fills {@code into} from the router's {@code /query/status}; a note when it cannot. */
  @SuppressWarnings("unchecked")
  private String latencies(KubernetesClient client, Map<String, Double> into) {
    try {
      var target = new RouterLocator(client, client.getNamespace()).locate(database);
      try (RouterConnection connection = RouterConnection.open(client, target)) {
        Map<String, Object> status =
            connection.client(StatusCommand.COORDINATOR_TIMEOUT).queryStatus();
        for (Map<String, Object> s : QuorumCommand.shards(status)) {
          if (!shard.equals(s.get("shard"))) {
            continue;
          }
          for (Map<String, Object> r : (List<Map<String, Object>>) s.get("replicas")) {
            if (r.get("ack_latency_ms") instanceof Number n) {
              into.put(String.valueOf(r.get("name")), n.doubleValue());
            }
          }
        }
      }
      return into.isEmpty() ? "latency: the primary reported none; counted as equal" : null;
    } catch (RuntimeException e) {
      return "latency: not measured (" + e.getMessage() + "); counted as equal";
    }
  }

  /** SEER's ranking as a table, best first. */
  static String table(List<SeerScore.Ranked> ranking, Map<String, Double> latencies) {
    TextTable t =
        new TextTable(
            "REPLICA", "SCORE", "LATENCY", "STABILITY", "LAG", "ACK LATENCY", "RESTARTS", "UPTIME");
    for (SeerScore.Ranked r : ranking) {
      Candidate c = r.candidate();
      Double ms = latencies.get(c.name());
      t.row(
          c.name(),
          f(r.score().total()),
          f(r.score().latency()),
          f(r.score().stability()),
          f(r.score().lag()),
          ms == null ? null : String.format(Locale.ROOT, "%.1fms", ms),
          c.restarts(),
          HumanDuration.format(c.uptime()));
    }
    return t.render();
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
