package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat event source triggers a pass when what a pass decides from changes, never on an
 * unchanged poll, and a pass reads its cache: a hung pod does not hold a pass, and nothing older
 * than the bound is decided from.
 */
class HeartbeatEventSourceTest {

  private static final ResourceID DB = new ResourceID("db", "ns");
  private static final Map<String, String> PODS = Map.of("db-sh1-0", "u0", "db-sh1-1", "u1");

  /** Shard-servers by URL: each answers what it is set to, or fails, or blocks until released. */
  static final class Fleet implements ShardServerClient {
    final Map<String, Heartbeat> answers = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> hung = new ConcurrentHashMap<>();

    @Override
    public TimedHeartbeat heartbeat(String baseUrl) {
      asked.computeIfAbsent(baseUrl, u -> new AtomicInteger()).incrementAndGet();
      CountDownLatch latch = hung.get(baseUrl);
      if (latch != null) {
        try {
          latch.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Heartbeat h = answers.get(baseUrl);
      if (h == null) {
        throw new ShardServerException("GET " + baseUrl + "/heartbeat failed", 0, null);
      }
      return new TimedHeartbeat(h, Duration.ofMillis(1));
    }

    int asked(String url) {
      return asked.getOrDefault(url, new AtomicInteger()).get();
    }

    @Override
    public void configure(String baseUrl, ShardConfigRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TimedFence fence(String baseUrl, FenceRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void assignRole(String baseUrl, RoleRequest request) {
      // Taken: the test sets what the server answers next.
    }

    @Override
    public void resync(String baseUrl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ChecksumResponse checksum(String baseUrl) {
      throw new UnsupportedOperationException();
    }
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    final AtomicReference<Instant> now =
        new AtomicReference<>(Instant.parse("2026-11-26T00:00:00Z"));

    @Override
    public Instant instant() {
      return now.get();
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final Fleet fleet = new Fleet();
  private final TestClock clock = new TestClock();
  private final ExecutorService calls = Executors.newFixedThreadPool(4);
  private final List<Event> passes = new CopyOnWriteArrayList<>();
  private HeartbeatEventSource source;

  @BeforeEach
  void start() {
    fleet.answers.put("u0", primary(1, 10, 0));
    fleet.answers.put("u1", secondary(1, 10, 0));
    // The test polls by hand (pollAll) and moves the clock: the hour-long period never ticks.
    source =
        new HeartbeatEventSource(fleet, calls, clock, Duration.ofHours(1), Duration.ofSeconds(1));
    source.setEventHandler(passes::add);
    source.start();
  }

  @AfterEach
  void stop() {
    fleet.hung.values().forEach(CountDownLatch::countDown);
    source.stop();
    calls.shutdownNow();
  }

  @Test
  void aPollThatChangesWhatAPassDecidesFromTriggersOnePassAndAnUnchangedPollNone() {
    assertThat(pass()).containsOnlyKeys("db-sh1-0", "db-sh1-1");

    source.pollAll().join();
    assertThat(passes).as("an unchanged poll").isEmpty();

    // Positions and lag move on every poll of a database taking writes: no pass for them.
    fleet.answers.put("u0", primary(1, 25, 0));
    fleet.answers.put("u1", secondary(1, 22, 3));
    source.pollAll().join();
    assertThat(passes).as("positions only").isEmpty();

    // The secondary starts a re-copy, then the primary loses its majority (rule 11: a threshold on
    // how long ago a majority acknowledged it).
    fleet.answers.put(
        "u1",
        Heartbeat.builder("db-sh1-1", "sh1")
            .role(Role.Secondary)
            .epoch(1)
            .appliedLsn(0)
            .lastEntryEpoch(0)
            .primary("db-sh1-0")
            .lagLsn(25)
            .state(ReplicaState.Copying)
            .build());
    source.pollAll().join();
    assertThat(passes).as("a secondary copies").containsExactly(new Event(DB));
    fleet.answers.put("u0", primary(1, 25, 4000));
    source.pollAll().join();
    source.pollAll().join();
    assertThat(passes).as("an isolated primary, announced once").hasSize(2);

    pass();
    source.pollAll().join();
    assertThat(passes).as("the pass took it: nothing new").hasSize(2);

    // A pod that stops answering, then answers again as another epoch's secondary.
    fleet.answers.remove("u1");
    source.pollAll().join();
    assertThat(passes).as("a pod stopped answering").hasSize(3);
    assertThat(pass()).containsOnlyKeys("db-sh1-0");
    fleet.answers.put("u1", secondary(2, 25, 0));
    source.pollAll().join();
    assertThat(passes).as("a pod answers again").hasSize(4).allMatch(e -> e.equals(new Event(DB)));
  }

  @Test
  void aHungPodDoesNotHoldAPassThatReadsItsLastAnswer() throws Exception {
    assertThat(pass()).containsOnlyKeys("db-sh1-0", "db-sh1-1");
    CountDownLatch frozen = new CountDownLatch(1);
    fleet.hung.put("u0", frozen);
    CompletableFuture<Void> poll = source.pollAll();
    org.awaitility.Awaitility.await().until(() -> fleet.asked("u0") == 2);

    CompletableFuture<Map<String, TimedHeartbeat>> next = CompletableFuture.supplyAsync(this::pass);

    // The poll of u0 never returns while the test holds it; the pass returns all the same.
    Map<String, TimedHeartbeat> read = next.get(30, TimeUnit.SECONDS);
    assertThat(read).containsOnlyKeys("db-sh1-0", "db-sh1-1");
    assertThat(read.get("db-sh1-0").heartbeat().role()).isEqualTo(Role.Primary);
    assertThat(poll).isNotDone();
    assertThat(fleet.asked("u0")).as("the pass asked u0 nothing itself").isEqualTo(2);
  }

  @Test
  void aPassNeverDecidesFromAHeartbeatOlderThanTheBoundAndWaitsForAHungPodOneDeadlineAtMost()
      throws Exception {
    assertThat(pass()).containsOnlyKeys("db-sh1-0", "db-sh1-1");
    fleet.answers.put("u1", secondary(2, 10, 0));
    CountDownLatch frozen = new CountDownLatch(1);
    fleet.hung.put("u0", frozen);
    // No poll ran since: both answers are past the bound (2 × 1 s + 1 s).
    clock.advance(source.maxAge().plusMillis(1));

    Map<String, TimedHeartbeat> read =
        CompletableFuture.supplyAsync(this::pass).get(30, TimeUnit.SECONDS);

    assertThat(read.get("db-sh1-1").heartbeat().epoch())
        .as("asked again, not the cached epoch 1")
        .isEqualTo(2);
    assertThat(read)
        .as("u0 did not answer within the call deadline: silent")
        .doesNotContainKey("db-sh1-0");
    assertThat(fleet.asked("u1")).isEqualTo(2);
    assertThat(passes).isEmpty();
  }

  @Test
  void aPodTheOperatorActedOnIsAskedAgainByTheNextPassAndAPollSentBeforeIsNotKept()
      throws Exception {
    assertThat(pass()).containsOnlyKeys("db-sh1-0", "db-sh1-1");
    CountDownLatch held = new CountDownLatch(1);
    fleet.hung.put("u1", held);
    CompletableFuture<Void> before = source.pollAll();
    org.awaitility.Awaitility.await().until(() -> fleet.asked("u1") == 2);

    // A role at epoch 2 goes to u1 while that poll is on its way; the poll answers epoch 1.
    fleet.answers.put("u1", secondary(2, 10, 0));
    ActingShardClient.of(fleet, source).assignRole("u1", null);
    fleet.answers.put("u1", secondary(1, 10, 0));
    held.countDown();
    before.get(30, TimeUnit.SECONDS);
    fleet.answers.put("u1", secondary(2, 10, 0));

    assertThat(pass().get("db-sh1-1").heartbeat().epoch()).isEqualTo(2);
    assertThat(fleet.asked("u1")).as("asked again in the pass").isEqualTo(3);
    assertThat(fleet.asked("u0")).as("u0 read from the cache").isEqualTo(2);
  }

  private Map<String, TimedHeartbeat> pass() {
    return source.heartbeats(DB, PODS, clock.instant());
  }

  private static Heartbeat primary(long epoch, long lsn, long majorityAckAgeMillis) {
    return Heartbeat.builder("db-sh1-0", "sh1")
        .role(Role.Primary)
        .epoch(epoch)
        .appliedLsn(lsn)
        .lastEntryEpoch(epoch)
        .primary("db-sh1-0")
        .lagLsn(0)
        .state(ReplicaState.Ready)
        .build()
        .withQuorum(
            new QuorumState(2, List.of("db-sh1-1"), true, majorityAckAgeMillis, List.of(), lsn));
  }

  private static Heartbeat secondary(long epoch, long lsn, long lag) {
    return Heartbeat.builder("db-sh1-1", "sh1")
        .role(Role.Secondary)
        .epoch(epoch)
        .appliedLsn(lsn)
        .lastEntryEpoch(epoch)
        .primary("db-sh1-0")
        .lagLsn(lag)
        .state(ReplicaState.Ready)
        .build();
  }
}
