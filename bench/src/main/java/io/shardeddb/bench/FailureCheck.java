package io.shardeddb.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.bench.FailureOutcome.ReplicaRow;
import io.shardeddb.bench.FailureOutcome.Result;
import io.shardeddb.bench.FailureOutcome.RowDiff;
import io.shardeddb.bench.FailureOutcome.ShardCheck;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.lb.WriteResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The assignment's Task A-4 on one deployment, after its runs: the endpoints answer as the contract
 * says, one assignment server fails — every pod standing for it ({@link AssignmentLayout#podsOf})
 * is deleted with its volume, as {@code kubectl-sdb local delete-pod POD --wipe} does (that very
 * verb is run), so the StatefulSet spawns an empty replacement that must copy the shard back — and
 * for each shard the server held, writes, reads, {@code /update} and {@code /del} are still
 * answered through the router, a read of the whole shard returns every row written before and
 * after, and the replacement catches up: its replica reports Ready at a log position at or past the
 * last write acknowledged after the fault. Every wait is bounded by {@link Settings#bound()}.
 */
final class FailureCheck {

  /**
   * @param server the assignment server that fails ({@code Server0})
   * @param probesPerShard rows written to each of its shards after the fault
   * @param bound the whole check's time limit, from the fault
   * @param callTimeout one router call's time limit
   */
  record Settings(String server, int probesPerShard, Duration bound, Duration callTimeout) {}

  private final LocalCluster cluster;
  private final String db;
  private final AssignmentLayout layout;
  private final AnalysisPlan plan;
  private final List<ShardSpec> ranges;
  private final RouterClient router;
  private final Settings settings;

  FailureCheck(
      LocalCluster cluster,
      String db,
      AssignmentLayout layout,
      AnalysisPlan plan,
      List<ShardSpec> ranges,
      LocalCluster.RouterInfo router,
      Settings settings) {
    this.cluster = cluster;
    this.db = db;
    this.layout = layout;
    this.plan = plan;
    this.ranges = ranges;
    this.router = router.client(router.token(), Rows.KEY, settings.callTimeout());
    this.settings = settings;
  }

  Result run() throws InterruptedException {
    Map<String, String> pods = layout.podsOf(db, settings.server());
    List<String> problems = new ArrayList<>();
    if (pods.isEmpty()) {
      problems.add("the layout has no server " + settings.server());
      return new Result(
          settings.server(), pods, false, List.of(), List.of(), null, false, List.of(), problems);
    }
    boolean statusBefore = statusEchoesLayout(problems, "before the fault");
    Map<String, String> oldUids = new LinkedHashMap<>();
    Set<String> primaries = new HashSet<>();
    ShardedDatabase before = resource();
    for (Map.Entry<String, String> e : pods.entrySet()) {
      oldUids.put(e.getValue(), uid(e.getValue()));
      shardStatus(before, e.getKey()).map(ShardStatus::primary).ifPresent(primaries::add);
    }

    long fault = System.nanoTime();
    long deadline = fault + settings.bound().toNanos();
    List<String> deletions = new ArrayList<>();
    for (String pod : pods.values()) {
      deletions.add(kubectlSdb("local", "delete-pod", pod, "--wipe"));
    }
    Phases.log("failure check: " + settings.server() + " failed: " + deletions);

    List<ShardCheck> shards = new ArrayList<>();
    for (Map.Entry<String, String> e : pods.entrySet()) {
      ShardSpec range = range(e.getKey());
      ShardProbe probe = new ShardProbe(range, fault, deadline);
      probe.run();
      shards.add(probe.partial(e.getValue(), primaries.contains(e.getValue())));
    }

    List<ShardCheck> checked = new ArrayList<>();
    for (ShardCheck s : shards) {
      checked.add(awaitReplacement(s, oldUids.get(s.pod()), fault, deadline));
    }
    Double ready = waitFor(deadline, fault, () -> LocalDeployment.isReady(cluster, db));
    if (ready == null) {
      problems.add(
          "the database was not Ready again within " + settings.bound().toSeconds() + " s");
    }
    boolean statusAfter = statusEchoesLayout(problems, "after the fault");
    return new Result(
        settings.server(),
        pods,
        statusBefore,
        deletions,
        checked,
        ready,
        statusAfter,
        replicaRows(pods.keySet()),
        List.copyOf(problems));
  }

  /**
   * Waits until the replacement of {@code s}'s pod (a uid other than {@code oldUid}) has caught up
   * to the shard's last acknowledged write; the check with when it did, or why not.
   */
  private ShardCheck awaitReplacement(ShardCheck s, String oldUid, long fault, long deadline)
      throws InterruptedException {
    Double seconds =
        waitFor(
            deadline,
            fault,
            () -> {
              ReplicaStatus replica =
                  shardStatus(resource(), s.shard()).stream()
                      .flatMap(FailureCheck::replicasOf)
                      .filter(x -> s.pod().equals(x.pod()))
                      .findFirst()
                      .orElse(null);
              return FailureOutcome.caughtUp(replica, oldUid, uid(s.pod()), s.caughtUpLsn());
            });
    return s.withCaughtUp(
        seconds,
        seconds != null
            ? null
            : "replacement "
                + s.pod()
                + " did not report Ready at LSN >= "
                + s.caughtUpLsn()
                + " within "
                + settings.bound().toSeconds()
                + " s of the fault");
  }

  /** The replicas of {@code shards} as the status reports them now. */
  private List<ReplicaRow> replicaRows(java.util.Collection<String> shards) {
    List<ReplicaRow> rows = new ArrayList<>();
    ShardedDatabase now = resource();
    for (String shard : shards) {
      shardStatus(now, shard).stream()
          .flatMap(FailureCheck::replicasOf)
          .forEach(r -> rows.add(ReplicaRow.of(shard, r)));
    }
    return rows;
  }

  /** The router's probes of one shard after the fault: write, read, update, delete, whole range. */
  private final class ShardProbe {
    private final ShardSpec range;
    private final long fault;
    private final long deadline;
    private final List<String> problems = new ArrayList<>();
    private final List<Long> keys;
    private Double firstWrite;
    private int written;
    private int read;
    private boolean updated;
    private boolean deleted;
    private RowDiff diff = new RowDiff(0, 0, 0, 0);
    private long lastLsn;

    ShardProbe(ShardSpec range, long fault, long deadline) {
      this.range = range;
      this.fault = fault;
      this.deadline = deadline;
      this.keys = plan.probes(range, settings.probesPerShard());
    }

    void run() throws InterruptedException {
      if (keys.size() < 2) {
        problems.add("range " + range.id() + " has room for " + keys.size() + " probe rows, not 2");
        return;
      }
      for (long key : keys) {
        Optional<WriteResponse> w = write(key);
        if (w.isPresent()) {
          written++;
          note(w.get());
          if (firstWrite == null) {
            firstWrite = (System.nanoTime() - fault) / 1e9;
          }
        }
      }
      for (long key : keys) {
        Optional<ReadResponse> r = answered("read " + key, () -> router.read(key, key));
        if (r.isPresent() && holds(r.get(), key, Rows.name(key))) {
          read++;
        } else if (r.isPresent()) {
          problems.add("read " + key + " returned " + r.get().data());
        }
      }
      long updateKey = keys.get(0);
      String newName = "updated-" + updateKey;
      Optional<WriteResponse> u =
          answered("update " + updateKey, () -> router.update(updateKey, row(updateKey, newName)));
      u.ifPresent(this::note);
      updated =
          u.isPresent()
              && answered("read " + updateKey, () -> router.read(updateKey, updateKey))
                  .map(r -> holds(r, updateKey, newName))
                  .orElse(false);
      if (u.isPresent() && !updated) {
        problems.add("update of " + updateKey + " not read back");
      }
      long deleteKey = keys.get(keys.size() - 1);
      Optional<WriteResponse> d = answered("del " + deleteKey, () -> router.delete(deleteKey));
      d.ifPresent(this::note);
      deleted =
          d.isPresent()
              && answered("read " + deleteKey, () -> router.read(deleteKey, deleteKey))
                  .map(r -> r.data().isEmpty())
                  .orElse(false);
      if (d.isPresent() && !deleted) {
        problems.add("deleted key " + deleteKey + " still read");
      }
      List<Long> expected = new ArrayList<>(plan.written(range));
      expected.addAll(keys.subList(0, keys.size() - 1));
      long high = range.low() + range.size() - 1;
      Optional<ReadResponse> all =
          answered("read " + range.low() + ".." + high, () -> router.read(range.low(), high));
      if (all.isPresent()) {
        List<Long> got =
            all.get().data().stream().map(r -> ((Number) r.get(Rows.KEY)).longValue()).toList();
        diff = RowDiff.of(expected, got);
        if (diff.missing() > 0 || diff.unexpected() > 0) {
          problems.add(
              "whole-shard read: "
                  + diff.missing()
                  + " of "
                  + diff.expected()
                  + " rows missing, "
                  + diff.unexpected()
                  + " unexpected");
        }
      }
      if (written < keys.size()) {
        problems.add(written + " of " + keys.size() + " probe writes answered");
      }
      if (read < keys.size()) {
        problems.add(read + " of " + keys.size() + " probe reads answered with the row");
      }
    }

    /** The shard's result before the replacement is waited for. */
    ShardCheck partial(String pod, boolean wasPrimary) {
      return new ShardCheck(
          range.id(),
          pod,
          wasPrimary,
          firstWrite,
          written,
          read,
          keys.size(),
          updated,
          deleted,
          diff.expected(),
          diff.read(),
          diff.missing(),
          diff.unexpected(),
          lastLsn,
          null,
          List.copyOf(problems));
    }

    private void note(WriteResponse w) {
      if (w.session() != null) {
        lastLsn = Math.max(lastLsn, SessionToken.parse(w.session()).lsnFor(range.id()));
      }
    }

    /**
     * A probe row written until answered: a 409 on a retry means an earlier attempt landed (its
     * reply was lost in the failover); the read-back checks the row.
     */
    private Optional<WriteResponse> write(long key) throws InterruptedException {
      int[] attempts = {0};
      return answered(
          "write " + key,
          () -> {
            try {
              return router.write(List.of(row(key, Rows.name(key))));
            } catch (RouterException e) {
              if (attempts[0] > 0 && e.status() == 409) {
                return new WriteResponse("written by an earlier attempt", "success", null);
              }
              throw e;
            } finally {
              attempts[0]++;
            }
          });
    }

    /**
     * Calls until answered or the deadline: a refusal or no answer is retried after 200 ms, as a
     * client rides out a failover. Empty when never answered (noted as a problem).
     */
    private <T> Optional<T> answered(String what, Supplier<T> call) throws InterruptedException {
      RuntimeException last = null;
      while (System.nanoTime() < deadline) {
        try {
          return Optional.of(call.get());
        } catch (RuntimeException e) {
          last = e;
        }
        Thread.sleep(200);
      }
      problems.add(what + " not answered in time: " + last);
      return Optional.empty();
    }
  }

  private static boolean holds(ReadResponse r, long key, String name) {
    return r.data().size() == 1
        && ((Number) r.data().get(0).get(Rows.KEY)).longValue() == key
        && name.equals(r.data().get(0).get(Rows.NAME));
  }

  private static Map<String, Object> row(long key, String name) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(Rows.KEY, key);
    row.put(Rows.NAME, name);
    row.put(Rows.MARKS, Rows.marks(key));
    return row;
  }

  /** Whether {@code GET /status} lists the layout's servers and shards; a problem otherwise. */
  private boolean statusEchoesLayout(List<String> problems, String when) {
    try {
      DatabaseConfig s = router.status();
      Map<String, Set<String>> got = new LinkedHashMap<>();
      if (s.servers() != null) {
        s.servers().forEach((k, v) -> got.put(k, new TreeSet<>(v)));
      }
      Map<String, Set<String>> want = new LinkedHashMap<>();
      layout.serverMap().forEach((k, v) -> want.put(k, new TreeSet<>(v)));
      boolean ok =
          got.equals(want)
              && s.shards() != null
              && s.shards().size() == layout.shards()
              && Objects.equals(s.n(), layout.servers());
      if (!ok) {
        problems.add("GET /status " + when + " did not echo the /init layout: " + s);
      }
      return ok;
    } catch (RuntimeException e) {
      problems.add("GET /status " + when + ": " + e);
      return false;
    }
  }

  /**
   * Polls {@code done} every 500 ms until true or the deadline: seconds since the fault, or null.
   */
  private static Double waitFor(long deadline, long fault, Supplier<Boolean> done)
      throws InterruptedException {
    while (System.nanoTime() < deadline) {
      try {
        if (done.get()) {
          return (System.nanoTime() - fault) / 1e9;
        }
      } catch (RuntimeException e) {
        // The API answers again on the next poll.
      }
      Thread.sleep(500);
    }
    return null;
  }

  /** Runs {@code kubectl-sdb ARGS --kubeconfig <local mode's>}: its output and exit code. */
  private String kubectlSdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KubectlSdb.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
    return ("kubectl-sdb " + String.join(" ", args) + ": exit " + code + ": " + out + err).trim();
  }

  private ShardSpec range(String shard) {
    return ranges.stream().filter(r -> r.id().equals(shard)).findFirst().orElseThrow();
  }

  private ShardedDatabase resource() {
    return cluster
        .client()
        .resources(ShardedDatabase.class)
        .inNamespace(cluster.namespace())
        .withName(db)
        .get();
  }

  private static Optional<ShardStatus> shardStatus(ShardedDatabase r, String shard) {
    return r == null || r.getStatus() == null ? Optional.empty() : r.getStatus().shard(shard);
  }

  private static java.util.stream.Stream<ReplicaStatus> replicasOf(ShardStatus s) {
    return s.replicas() == null ? java.util.stream.Stream.empty() : s.replicas().stream();
  }

  private String uid(String pod) {
    Pod p = cluster.client().pods().inNamespace(cluster.namespace()).withName(pod).get();
    return p == null ? null : p.getMetadata().getUid();
  }
}
