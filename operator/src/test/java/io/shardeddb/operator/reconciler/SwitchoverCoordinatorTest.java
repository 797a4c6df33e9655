package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RequestStatus.Outcome;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.planner.pass.PassRules;
import io.shardeddb.planner.pass.ShardActuator;
import io.shardeddb.planner.pass.ShardCoordinator;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A planned switch-over through the real coordinator, planner and actuator against replicas that
 * keep real logs: a write the old primary acknowledged just before the switch-over is on the new
 * primary, and a target that cannot catch up is never announced.
 */
@EnableKubernetesMockClient(crud = true)
class SwitchoverCoordinatorTest {

  KubernetesClient kube;

  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final LogFleet fleet = new LogFleet();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aWriteAcknowledgedJustBeforeTheSwitchOverIsOnTheNewPrimary() {
    fleet.start(3);
    for (int i = 0; i < 20; i++) {
      fleet.write("k" + i);
    }
    fleet.settle();
    // The operator observes a caught-up target; then the primary acknowledges two more writes
    // that the target has not pulled when the switch-over starts.
    ShardContext observed = observe("p-1");
    fleet.write("just-before-1");
    fleet.write("just-before-2");
    assertThat(fleet.replica("p-1").keys()).doesNotContain("just-before-1", "just-before-2");

    ShardOutcome outcome = coordinate(Duration.ofSeconds(10), observed);

    assertThat(outcome.request().outcome()).isEqualTo(Outcome.Succeeded);
    assertThat(outcome.status().primary()).isEqualTo("p-1");
    assertThat(outcome.status().epoch()).isEqualTo(2);
    LogFleet.Replica promoted = fleet.replica("p-1");
    assertThat(promoted.role).isEqualTo(Role.Primary);
    assertThat(promoted.keys()).containsAll(fleet.acknowledged());
    // The old primary is a secondary of the new one at the new epoch and takes no writes itself.
    assertThat(fleet.replica("p-0").role).isEqualTo(Role.Secondary);
    assertThat(fleet.replica("p-0").epoch).isEqualTo(2);
    assertThat(fleet.replica("p-0").primary).isEqualTo("p-1");
    assertThat(kube.v1().events().inNamespace("ns").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("PrimarySwitchedOver"));
  }

  @Test
  void aTargetThatCannotCatchUpIsNeverPromotedAndTheOldPrimaryServesAgain() {
    fleet.start(3);
    for (int i = 0; i < 5; i++) {
      fleet.write("k" + i);
    }
    fleet.settle();
    ShardContext observed = observe("p-1");
    fleet.write("unseen-by-p1");
    fleet.replica("p-1").pulls = false; // cut off from the primary's log

    ShardOutcome outcome = coordinate(Duration.ofMillis(500), observed);

    assertThat(outcome.request().outcome()).isEqualTo(Outcome.Failed);
    assertThat(outcome.status().primary()).isEqualTo("p-0");
    assertThat(fleet.replica("p-1").role).isEqualTo(Role.Secondary);
    assertThat(fleet.replica("p-0").role).isEqualTo(Role.Primary);
    assertThat(fleet.replica("p-0").fenced).isFalse();
    assertThat(fleet.replica("p-0").epoch).isEqualTo(2);
    // Writes go on at the old primary, now at the new epoch.
    fleet.write("after-abort");
    assertThat(fleet.replica("p-0").keys()).contains("after-abort", "unseen-by-p1");
  }

  /** One pass of the production coordinator, recording its events as {@code ShardsStep} does. */
  private ShardOutcome coordinate(Duration catchUp, ShardContext observed) {
    EventRecorder events = new EventRecorder(kube, Clock.systemUTC());
    return new ShardCoordinator(
            new ShardPlanner(new RecopyPolicy()),
            new RecopyPolicy(),
            new ShardActuator(fleet, pool),
            catchUp,
            new PassRules())
        .coordinate(observed.observation(), e -> events.recordAll(observed.sdb(), e));
  }

  /** What a reconcile pass observes now, with a pending switch-over to {@code target}. */
  private ShardContext observe(String target) {
    ShardedDatabase sdb = new ShardedDatabase();
    sdb.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace("ns").build());
    List<ShardPod> pods = new ArrayList<>();
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    List<ReplicaStatus> replicas = new ArrayList<>();
    for (LogFleet.Replica r : fleet.replicas.values()) {
      Pod pod = new PodBuilder().withNewMetadata().withName(r.name).endMetadata().build();
      pods.add(
          new ShardPod(new PodView(r.name, r.ordinal, r.ip(), true, true, 0, false, null), pod));
      beats.put(r.name, fleet.heartbeat(r.url()));
      replicas.add(
          new ReplicaStatus(r.name, r.url(), r.role, true, ReplicaState.Ready, 0L, 0L, null));
    }
    return new ShardContext(
        sdb,
        "sh1",
        null,
        3,
        WriteQuorum.Majority,
        Duration.ofSeconds(5),
        ShardStatus.builder()
            .id("sh1")
            .epoch(1L)
            .primary("p-0")
            .readyReplicas(3)
            .replicas(replicas)
            .build(),
        pods,
        beats,
        Instant.now(),
        target,
        null,
        null);
  }

  /**
   * Replicas of one shard with real logs: the primary appends and acknowledges writes (a fenced one
   * refuses them), a secondary pulls at most one entry from its primary's log per heartbeat, as a
   * shard-server's poll would, and fences and roles follow the epoch rules.
   */
  static final class LogFleet implements ShardServerClient {
    record Entry(long epoch, String key) {}

    static final class Replica {
      final String name;
      final int ordinal;
      long epoch = 1;
      Role role;
      String primary = "p-0";
      boolean fenced;
      volatile boolean pulls = true;
      final List<Entry> log = new ArrayList<>();
      String votedPrimary;
      long voteEpoch;

      Replica(String name, int ordinal) {
        this.name = name;
        this.ordinal = ordinal;
        this.role = ordinal == 0 ? Role.Primary : Role.Secondary;
      }

      String ip() {
        return "10.0.0." + (ordinal + 1);
      }

      String url() {
        return "http://" + ip() + ":8081";
      }

      long lastEntryEpoch() {
        return log.isEmpty() ? 0 : log.getLast().epoch();
      }

      List<String> keys() {
        return log.stream().map(Entry::key).filter(k -> k != null).toList();
      }
    }

    final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final List<String> acknowledged = new ArrayList<>();

    synchronized void start(int n) {
      for (int i = 0; i < n; i++) {
        replicas.put("p-" + i, new Replica("p-" + i, i));
      }
      replicas.values().forEach(r -> r.log.add(new Entry(1, null))); // epoch 1's no-op
    }

    synchronized Replica replica(String name) {
      return replicas.get(name);
    }

    synchronized List<String> acknowledged() {
      return List.copyOf(acknowledged);
    }

    /** A client write at the primary; acknowledged once appended (what the test tracks). */
    synchronized void write(String key) {
      Replica p =
          replicas.values().stream()
              .filter(r -> r.role == Role.Primary && !r.fenced)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no primary takes writes"));
      p.log.add(new Entry(p.epoch, key));
      acknowledged.add(key);
    }

    /** Every secondary pulls until it has its primary's whole log. */
    synchronized void settle() {
      for (int round = 0; round < 1000; round++) {
        replicas.values().forEach(this::pull);
      }
    }

    private void pull(Replica r) {
      Replica p = replicas.get(r.primary);
      if (r.role != Role.Secondary || !r.pulls || p == null || p == r) {
        return;
      }
      int have = r.log.size();
      if (p.log.size() > have && p.log.subList(0, have).equals(r.log)) {
        r.log.add(p.log.get(have));
      }
    }

    private synchronized Replica at(String url) {
      return replicas.values().stream()
          .filter(r -> r.url().equals(url))
          .findFirst()
          .orElseThrow(() -> new ShardServerException("no such replica " + url, 0, null));
    }

    /** The long-poll, as a shard-server waits: it keeps pulling until it holds the LSN asked. */
    @Override
    public synchronized TimedHeartbeat heartbeat(String baseUrl, long appliedLsn, Duration wait) {
      Replica r = at(baseUrl);
      for (int i = 0; i < 1000 && r.log.size() < appliedLsn; i++) {
        pull(r);
      }
      return heartbeat(baseUrl);
    }

    @Override
    public synchronized TimedHeartbeat heartbeat(String baseUrl) {
      Replica r = at(baseUrl);
      pull(r);
      Replica p = replicas.get(r.primary);
      long lag = p == null ? 0 : Math.max(0, p.log.size() - r.log.size());
      ReplicaState state =
          r.fenced ? ReplicaState.Fenced : lag == 0 ? ReplicaState.Ready : ReplicaState.CatchingUp;
      return new TimedHeartbeat(
          Heartbeat.builder(r.name, "sh1")
              .role(r.role)
              .epoch(r.epoch)
              .appliedLsn(r.log.size())
              .lastEntryEpoch(r.lastEntryEpoch())
              .primary(r.primary)
              .lagLsn(lag)
              .state(state)
              .build(),
          Duration.ofMillis(1));
    }

    @Override
    public void configure(String baseUrl, ShardConfigRequest request) {}

    @Override
    public synchronized TimedFence fence(String baseUrl, FenceRequest request) {
      Replica r = at(baseUrl);
      if (request.epoch() < r.epoch) {
        throw new ShardServerException("stale fence", 409, null);
      }
      r.epoch = request.epoch();
      r.fenced = true;
      return new TimedFence(
          new FenceResponse(r.name, r.epoch, r.lastEntryEpoch(), r.log.size(), ReplicaState.Fenced),
          Duration.ofMillis(1));
    }

    @Override
    public synchronized void assignRole(String baseUrl, RoleRequest request) {
      Replica r = at(baseUrl);
      String primary = request.primary().name();
      if (request.epoch() < r.epoch
          || (r.voteEpoch == request.epoch() && !primary.equals(r.votedPrimary))) {
        throw new ShardServerException("stale or conflicting role", 409, null);
      }
      r.epoch = request.epoch();
      r.voteEpoch = request.epoch();
      r.votedPrimary = primary;
      r.role = request.role();
      r.primary = primary;
      r.fenced = false;
      if (r.role == Role.Primary) {
        r.log.add(new Entry(r.epoch, null)); // the new epoch's no-op
      }
    }

    @Override
    public void resync(String baseUrl) {}

    @Override
    public ChecksumResponse checksum(String baseUrl) {
      throw new ShardServerException("not used", 0, null);
    }
  }
}
