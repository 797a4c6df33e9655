package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.recopy.CopyCheck;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.planner.pass.ShardActuator;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The actuator makes the calls and reports how they went; a dead replica never aborts a pass. */
class ShardActuatorTest {

  /** Answers every call except those to {@code dead}, recording what it was asked. */
  static final class Client implements ShardServerClient {
    final String dead;
    final List<String> calls = new ArrayList<>();
    String hung = "none";
    Iterator<ChecksumResponse> replicaSums;

    Client(String dead) {
      this.dead = dead;
    }

    private synchronized void call(String url, String what) {
      if (url.equals(dead)) {
        throw new ShardServerException(what + " " + url + " failed", 0, null);
      }
      calls.add(what + " " + url);
    }

    @Override
    public TimedHeartbeat heartbeat(String baseUrl) {
      throw new UnsupportedOperationException();
    }

    /** Long-polls asked: the LSN and the wait, in order. */
    final List<String> longPolls = new ArrayList<>();

    /** The position a long-polled replica reports (it never reaches more). */
    long appliedLsn = 7;

    @Override
    public synchronized TimedHeartbeat heartbeat(String baseUrl, long lsn, Duration wait) {
      longPolls.add(lsn + " within " + wait.toMillis() + " ms");
      return new TimedHeartbeat(
          Heartbeat.builder(baseUrl, "sh1")
              .role(Role.Secondary)
              .epoch(1)
              .appliedLsn(appliedLsn)
              .lastEntryEpoch(1)
              .primary("p")
              .lagLsn(0)
              .state(ReplicaState.Ready)
              .build(),
          Duration.ZERO);
    }

    @Override
    public TimedFence fence(String baseUrl, FenceRequest request) {
      if (baseUrl.equals(hung)) {
        try {
          Thread.sleep(3000); // a frozen process: the answer comes at the client's deadline
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new ShardServerException("fence " + baseUrl + " timed out", 0, null);
      }
      call(baseUrl, "fence");
      return new TimedFence(
          new FenceResponse(baseUrl, request.epoch(), 1, 10, ReplicaState.Fenced), Duration.ZERO);
    }

    @Override
    public void configure(String baseUrl, ShardConfigRequest request) {
      call(baseUrl, "config");
    }

    @Override
    public void assignRole(String baseUrl, RoleRequest request) {
      call(baseUrl, "role");
    }

    @Override
    public void resync(String baseUrl) {
      call(baseUrl, "resync");
    }

    @Override
    public ChecksumResponse checksum(String baseUrl) {
      call(baseUrl, "checksum");
      return baseUrl.equals("p") ? new ChecksumResponse("sh1", 5, "d", 20) : replicaSums.next();
    }
  }

  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static ShardAction role(String url) {
    return new ShardAction.AssignRole(
        url,
        url,
        new RoleRequest(2, Role.Secondary, new Peer("p", "p"), List.of(), WriteQuorum.Majority, 3));
  }

  @Test
  void oneUnreachableReplicaIsRecordedAndTheOthersStillGetTheirCalls() {
    Client client = new Client("b");
    ShardActuator actuator = new ShardActuator(client, pool);

    List<ActionResult> results =
        actuator.apply(
            List.of(
                role("a"),
                new ShardAction.Configure("b", "b", null),
                role("b"),
                role("c"),
                new ShardAction.Resync("c", "c", "empty")));

    assertThat(client.calls).containsExactly("role a", "role c", "resync c");
    assertThat(results)
        .filteredOn(r -> !r.ok())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action().pod()).isEqualTo("b");
              assertThat(r.status()).isZero();
            });
  }

  @Test
  void fencesGoToEveryReplicaAndOnlyAnswersComeBack() {
    Client client = new Client("b");
    ShardActuator actuator = new ShardActuator(client, pool);

    Map<String, TimedFence> answers =
        actuator.fence(
            List.of(
                new ShardAction.Fence("a", "a", 4),
                new ShardAction.Fence("b", "b", 4),
                new ShardAction.Fence("c", "c", 4)));

    assertThat(answers).containsOnlyKeys("a", "c");
    assertThat(answers.get("a").answer().epoch()).isEqualTo(4);
  }

  /**
   * A fence is counted for the pod the operator meant only when the replica that answered is that
   * pod: an address reused by another replica of the shard (a pod moved between the pass's pod
   * listing and the call) must not lend its log position to the listed pod's candidacy (rule 2).
   */
  @Test
  void aFenceAnsweredByAnotherReplicaAtThePodsAddressIsNotCounted() {
    Client client = new Client("none");
    ShardActuator actuator = new ShardActuator(client, pool);

    Map<String, TimedFence> answers =
        actuator.fence(
            List.of(new ShardAction.Fence("a", "b", 4), new ShardAction.Fence("c", "c", 4)));

    assertThat(answers).containsOnlyKeys("c");
  }

  @Test
  void aReplicaSilentThisPassIsNotWaitedForOnceTheAnsweringOnesHaveAnsweredTheirFence() {
    // FaultMatrixIT's frozen primary: the election's pass waited out the fence's deadline on it
    // although it had not answered the pass's heartbeat either (a second of write outage).
    Client client = new Client("none");
    client.hung = "p";
    ShardActuator actuator = new ShardActuator(client, pool);
    List<ShardAction> fences =
        List.of(
            new ShardAction.Fence("p", "p", 4),
            new ShardAction.Fence("a", "a", 4),
            new ShardAction.Fence("b", "b", 4));
    long start = System.nanoTime();

    Map<String, TimedFence> answers = actuator.fence(fences, Set.of("a", "b"));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    assertThat(answers).containsOnlyKeys("a", "b");
  }

  @Test
  void aReplicaThatAnsweredItsHeartbeatThisPassIsWaitedForUpToTheDeadline() {
    Client client = new Client("none");
    client.hung = "p";
    ShardActuator actuator = new ShardActuator(client, pool);
    long start = System.nanoTime();

    actuator.fence(
        List.of(new ShardAction.Fence("p", "p", 4), new ShardAction.Fence("a", "a", 4)),
        Set.of("p", "a"));

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
  }

  @Test
  void aCopyCheckIsReadAgainUntilBothSidesAreAtTheSameLsnWithinItsBound() {
    Client client = new Client("none");
    client.replicaSums =
        List.of(
                new ChecksumResponse("sh1", 4, "x", 18),
                new ChecksumResponse("sh1", 5, "d", 20),
                new ChecksumResponse("sh1", 5, "d", 20))
            .iterator();
    ShardActuator actuator = new ShardActuator(client, pool);

    Map<String, CopyCheck> checks =
        actuator.verify(
            List.of(new ShardAction.Verify("r", "r", "p")),
            c -> c.replica().appliedLsn() == c.primary().appliedLsn());

    assertThat(checks.get("r").replica().appliedLsn()).isEqualTo(20);
    assertThat(client.calls).filteredOn(c -> c.equals("checksum r")).hasSize(2);
  }

  @Test
  void aSwitchOversWaitForItsTargetIsALongPollOnTheTargetNeverASleepAndIsBounded() {
    Client client = new Client("none");
    ShardActuator actuator = new ShardActuator(client, pool);

    // The target reaches the LSN: one long-poll, whatever the predicate says.
    client.appliedLsn = 10;
    Heartbeat there = actuator.awaitHeartbeat("t", 10, h -> false, Duration.ofSeconds(5));
    assertThat(there.appliedLsn()).isEqualTo(10);
    assertThat(client.longPolls).hasSize(1);
    assertThat(client.longPolls.get(0)).startsWith("10 within ").doesNotEndWith(" 0 ms");

    // A server that answers at once without the LSN (older, or failing): asked at most
    // LONG_POLLS times, then the last answer — no sleep between, no spin until the bound.
    client.longPolls.clear();
    client.appliedLsn = 7;
    long start = System.nanoTime();
    Heartbeat behind = actuator.awaitHeartbeat("t", 10, h -> false, Duration.ofSeconds(5));
    assertThat(behind.appliedLsn()).isEqualTo(7);
    assertThat(client.longPolls).hasSize(ShardActuator.LONG_POLLS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }
}
