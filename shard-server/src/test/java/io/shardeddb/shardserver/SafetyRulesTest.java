package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.keys;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shard-server's side of the safety rules of DESIGN §5, each on real shard-servers and a real
 * MariaDB: honest copy state (7), log matching and quorum over the spec (4, 5), no commit after
 * demotion (6), fencing and votes (1, 2), the no-op entry and exactly-once retries (3, 8),
 * deadlines (10) and fenced reads (9).
 */
class SafetyRulesTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private ThreeReplicaShard shard;
  private final List<AutoCloseable> extras = new ArrayList<>();

  private ThreeReplicaShard start(Map<String, Object> extra) {
    shard = new ThreeReplicaShard(ThreeReplicaShard.CONFIG, extra);
    return shard;
  }

  private ThreeReplicaShard startReady(Map<String, Object> extra) {
    start(extra);
    shard.assignAll(1, 0);
    awaitReady(0, 1, 2);
    return shard;
  }

  @AfterEach
  void stop() throws Exception {
    if (shard != null) {
      shard.close();
    }
    for (AutoCloseable c : extras) {
      c.close();
    }
  }

  @Test
  @DisplayName(
      "rule 7: a re-copy that breaks off leaves the replica Copying at lsn 0, across a restart")
  void failedRecopyStaysCopying() {
    startReady(Map.of());
    writeAll(shard.get(0), 0, 20);
    Replica s = shard.get(2);
    FakePeer fake = FakePeer.brokenSnapshot("fake-primary", 500, 1000, 10);
    extras.add(fake);

    Http.Reply r = shard.role(2, 2, Role.Secondary, fake.peer(), List.of(fake.peer(), s.peer()), 3);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode hb = heartbeat(s);
              assertThat(hb.get("state").asText()).isEqualTo("Copying");
              assertThat(hb.get("appliedLsn").asLong()).isZero();
            });
    // Every later attempt fails the same way; the replica never claims its old position.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode hb = heartbeat(s);
              assertThat(hb.get("state").asText()).isEqualTo("Copying");
              assertThat(hb.get("appliedLsn").asLong()).isZero();
            });

    s.stop();
    s.start();
    JsonNode hb = heartbeat(s);
    assertThat(hb.get("state").asText()).isEqualTo("Copying");
    assertThat(hb.get("appliedLsn").asLong()).isZero();
    assertThat(hb.get("lastEntryEpoch").asLong()).isZero();
    Http.Reply fenced = shard.fence(2, 3);
    assertThat(fenced.status()).as(fenced.raw()).isEqualTo(200);
    assertThat(fenced.json().get("state").asText()).isEqualTo("Copying");
    assertThat(fenced.json().get("lastLsn").asLong()).isZero();
    // A replica holding a partial copy refuses to become primary.
    Http.Reply promote = shard.role(2, 3, Role.Primary, s.peer(), shard.peers(), 3);
    assertThat(promote.status()).as(promote.raw()).isEqualTo(409);
  }

  @Test
  @DisplayName(
      "rules 4+5: an old primary's unacknowledged tail does not count toward the new primary's"
          + " quorum")
  void divergedSecondaryDoesNotCount() {
    startReadyWithRows(0, 10);
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    Replica c = shard.get(2);

    // A commits entries nobody else holds: not acknowledged.
    b.stop();
    c.stop();
    for (long k = 100; k < 105; k++) {
      assertThat(write(a, k).status()).isEqualTo(503);
    }
    a.stop();

    b.start();
    c.start();
    shard.failover(2, 1, 1, 2);
    awaitReady(1, 2);
    a.start();
    shard.assign(2, 1, 0);
    c.stop();

    // Only A can make a quorum with B now: a write is acknowledged only once A really holds it.
    for (long k = 200; k < 210; k++) {
      Http.Reply r = write(b, k);
      assertThat(r.status()).as(r.raw()).isIn(200, 503);
      if (r.status() == 200) {
        assertThat(keys(a, k, k)).as("acknowledged key %d is on A", k).containsExactly(k);
      }
    }
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(write(b, 300).status()).isIn(200, 409));
    assertThat(keys(a, 300, 300)).containsExactly(300L);
    assertThat(keys(a, 100, 104)).isEmpty();
  }

  @Test
  @DisplayName(
      "rules 4+7: a demoted primary whose unacknowledged tail is longer than what the new primary"
          + " wrote since re-copies and becomes Ready (its own old position is not the new"
          + " primary's)")
  void demotedPrimaryWithLongTailBecomesReady() {
    startReadyWithRows(0, 10);
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    Replica c = shard.get(2);

    // A, cut off from its secondaries (peers: itself; quorum still 2 of the spec's 3), commits five
    // entries nobody else holds: not acknowledged. B and C, fenced, pull nothing from A meanwhile.
    Http.Reply alone = shard.role(0, 1, Role.Primary, a.peer(), List.of(a.peer()), 3);
    assertThat(alone.status()).as(alone.raw()).isEqualTo(200);
    assertThat(shard.fence(1, 2).status()).isEqualTo(200);
    assertThat(shard.fence(2, 2).status()).isEqualTo(200);
    // At once, so they commit in one group before A can step down for want of a majority
    // (CheckQuorum): one after the other, each waiting out its quorum, A could stand down after
    // the first and leave a tail too short for this test (seen under load: 13 vs 11 + 2).
    ExecutorService writers = Executors.newFixedThreadPool(5);
    try {
      List<Future<Http.Reply>> tail = new ArrayList<>();
      for (long k = 100; k < 105; k++) {
        long key = k;
        tail.add(writers.submit(() -> write(a, key)));
      }
      for (Future<Http.Reply> f : tail) {
        assertThat(f.get(60, TimeUnit.SECONDS).status()).isEqualTo(503);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      writers.shutdownNow();
    }
    long tailEnd = heartbeat(a).get("appliedLsn").asLong();
    assertThat(tailEnd).isGreaterThan(heartbeat(b).get("appliedLsn").asLong() + 2);
    shard.failover(2, 1, 0, 1, 2);
    // The new primary's log ends two entries past the common prefix (its no-op and one write):
    // short of where A's own log ended.
    writeAll(b, 4000, 4001);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(a).get("state").asText()).isEqualTo("Ready");
              assertThat(heartbeat(a).get("lagLsn").asLong()).isZero();
              assertThat(heartbeat(c).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(a)).isEqualTo(checksum(b));
              assertThat(checksum(c)).isEqualTo(checksum(b));
            });
    assertThat(keys(a, 100, 104)).isEmpty();
  }

  @Test
  @DisplayName(
      "rule 5: the quorum is counted over the spec's replicas, not the peers with an address")
  void quorumIsCountedOverTheSpec() {
    start(Map.of());
    Replica p = shard.get(0);
    Http.Reply r = shard.role(0, 1, Role.Primary, p.peer(), List.of(p.peer()), 3);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);

    Http.Reply w = write(p, 1);

    assertThat(w.status()).as(w.raw()).isEqualTo(503);
    assertThat(w.message()).contains("not acknowledged");
  }

  @Test
  @DisplayName(
      "rule 12: a primary with two learners acknowledges on a majority of its voters, feeds the"
          + " learners and never counts them")
  void learnersAreFedButNeverCounted() {
    start(Map.of());
    Replica p = shard.get(0);
    Replica a = shard.get(1);
    Replica b = shard.get(2);
    // Nothing listens there: a voter cut off, and a new replica whose pod is not up yet.
    Peer voterDown = new Peer("voter-down", "http://127.0.0.1:9");
    Peer learnerDown = new Peer("learner-down", "http://127.0.0.1:9");
    List<Peer> voters = List.of(p.peer(), a.peer(), voterDown);
    Http.Reply r = primaryRole(p, voters, List.of(b.peer(), learnerDown));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    for (int t = 1; t < 3; t++) {
      Http.Reply s = shard.role(t, 1, Role.Secondary, p.peer(), voters, 3);
      assertThat(s.status()).as(s.raw()).isEqualTo(200);
    }

    // 3 -> 5 with one old voter unreachable: p and a are a majority of the three voters.
    Http.Reply w = write(p, 1);
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
    JsonNode q = heartbeat(p).get("quorum");
    assertThat(q.get("replicas").asInt()).isEqualTo(3);
    assertThat(q.get("voters").toString()).contains(a.name).doesNotContain(b.name);
    assertThat(q.get("learners").toString()).contains(b.name, "learner-down");
    // The learner is fed all the same (it copies in while the voters carry the writes).
    await().atMost(PATIENCE).until(() -> keys(b, 0, 10).contains(1L));

    // Its acknowledgement never counts: with both other voters down, a and b holding the entry
    // is not a quorum of the voters.
    List<Peer> lonely =
        List.of(p.peer(), voterDown, new Peer("voter-down-2", "http://127.0.0.1:9"));
    r = primaryRole(p, lonely, List.of(a.peer(), b.peer()));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    w = write(p, 2);
    assertThat(w.status()).as(w.raw()).isEqualTo(503);
    await()
        .atMost(PATIENCE)
        .until(() -> keys(a, 0, 10).contains(2L) && keys(b, 0, 10).contains(2L));

    // A learner is never made primary.
    Http.Reply refused =
        Http.post(
            b.url() + "/role",
            Http.json(
                new RoleRequest(
                    2,
                    Role.Primary,
                    b.peer(),
                    voters,
                    WriteQuorum.Majority,
                    3,
                    List.of(b.peer()))));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
  }

  private static Http.Reply primaryRole(Replica p, List<Peer> voters, List<Peer> learners) {
    return Http.post(
        p.url() + "/role",
        Http.json(
            new RoleRequest(1, Role.Primary, p.peer(), voters, WriteQuorum.Majority, 3, learners)));
  }

  @Test
  @DisplayName(
      "rule 6: a primary demoted under concurrent writes commits nothing after; all converge")
  void demotionUnderLoadConverges() throws Exception {
    startReady(Map.of());
    Replica old = shard.get(0);
    int[] chosen = {1};
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    AtomicLong keyGen = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        running.add(
            clients.submit(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    long k = keyGen.getAndIncrement();
                    Http.Reply r = write(old, k);
                    if (r.status() == 200) {
                      acked.add(k);
                    }
                  }
                }));
      }
      await().atMost(PATIENCE).until(() -> acked.size() >= 20);
      // Rule 2: fence all, then choose the secondary whose log goes furthest. Every acknowledged
      // write is on the old primary and at least one secondary, so it is on that one (a fixed
      // choice could drop a write acknowledged by the old primary and the other secondary).
      long[] best = {-1, -1};
      for (int t = 0; t < 3; t++) {
        Http.Reply f = shard.fence(t, 2);
        assertThat(f.status()).as(f.raw()).isEqualTo(200);
        long entryEpoch = f.json().get("lastEntryEpoch").asLong();
        long lsn = f.json().get("lastLsn").asLong();
        if (t > 0 && (entryEpoch > best[0] || (entryEpoch == best[0] && lsn > best[1]))) {
          best[0] = entryEpoch;
          best[1] = lsn;
          chosen[0] = t;
        }
      }
      shard.assign(2, chosen[0], 0, 1, 2);
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    Replica next = shard.get(chosen[0]);
    Replica other = shard.get(3 - chosen[0]);
    writeAll(next, 4000, 4001);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(old).get("state").asText()).isEqualTo("Ready");
              assertThat(heartbeat(other).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(old)).isEqualTo(checksum(next));
              assertThat(checksum(other)).isEqualTo(checksum(next));
            });
    assertThat(keys(next, 0, 4095)).containsAll(acked);
  }

  @Test
  @DisplayName(
      "rule 6: a group commit whose persisted epoch moved on rolls back and acknowledges nothing")
  void commitRechecksThePersistedEpoch() throws Exception {
    start(Map.of());
    Replica p = shard.get(0);
    Http.Reply r = shard.role(0, 1, Role.Primary, p.peer(), List.of(p.peer()), 1);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(write(p, 1).status()).isEqualTo(200);
    long before = heartbeat(p).get("appliedLsn").asLong();

    // A fence persisted behind the in-memory state's back (as a racing /fence would be).
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE `" + p.database + "`.shard_meta SET epoch = 2 WHERE id = 1");
    }
    Http.Reply w = write(p, 2);

    assertThat(w.status()).as(w.raw()).isEqualTo(409);
    assertThat(w.message()).startsWith("not primary");
    assertThat(keys(p, 2, 2)).isEmpty();
    assertThat(heartbeat(p).get("appliedLsn").asLong()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "rules 1+2: /fence persists the epoch, steps a primary down and answers its position;"
          + " lower epochs and a second primary per epoch are refused")
  void fenceAndVotes() {
    startReady(Map.of());
    Replica a = shard.get(0);
    writeAll(a, 0, 5);
    long lsn = heartbeat(a).get("appliedLsn").asLong();

    Http.Reply f = shard.fence(0, 2);
    assertThat(f.status()).as(f.raw()).isEqualTo(200);
    assertThat(f.json().get("epoch").asLong()).isEqualTo(2);
    assertThat(f.json().get("lastLsn").asLong()).isEqualTo(lsn);
    assertThat(f.json().get("lastEntryEpoch").asLong()).isEqualTo(1);
    assertThat(f.json().get("name").asText()).isEqualTo(a.name);
    Http.Reply refused = write(a, 99);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.message()).startsWith("not primary");

    Http.Reply lower = shard.fence(0, 1);
    assertThat(lower.status()).isEqualTo(409);
    assertThat(lower.message()).contains("2");
    assertThat(shard.role(0, 1, Role.Primary, a.peer(), shard.peers(), 3).status()).isEqualTo(409);
    // A repeat of the same fence is answered again.
    assertThat(shard.fence(0, 2).status()).isEqualTo(200);

    assertThat(shard.fence(1, 2).status()).isEqualTo(200);
    assertThat(shard.fence(2, 2).status()).isEqualTo(200);
    Peer b = shard.get(1).peer();
    Peer c = shard.get(2).peer();
    assertThat(shard.role(1, 2, Role.Primary, b, shard.peers(), 3).status()).isEqualTo(200);
    assertThat(shard.role(2, 2, Role.Secondary, b, shard.peers(), 3).status()).isEqualTo(200);
    // The vote for epoch 2 went to B: a different primary for epoch 2 is refused, also after a
    // restart.
    assertThat(shard.role(2, 2, Role.Primary, c, shard.peers(), 3).status()).isEqualTo(409);
    shard.get(2).stop();
    shard.get(2).start();
    assertThat(shard.role(2, 2, Role.Primary, c, shard.peers(), 3).status()).isEqualTo(409);
    assertThat(shard.fence(2, 1).status()).isEqualTo(409);
    assertThat(shard.role(0, 2, Role.Secondary, b, shard.peers(), 3).status()).isEqualTo(200);
    awaitReady(0, 1, 2);
    writeAll(shard.get(1), 5, 10);
  }

  @Test
  @DisplayName(
      "rule 2: a replica refuses a Primary role for a position past its own last entry (it lost"
          + " entries since its fence answer) and nothing changes; the role for the position it"
          + " holds is accepted")
  void primaryRoleForAPositionPastTheLogIsRefused() {
    startReady(Map.of());
    writeAll(shard.get(0), 0, 5);
    assertThat(shard.fence(1, 2).status()).isEqualTo(200);
    Http.Reply answer = shard.fence(2, 2);
    assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
    long lsn = answer.json().get("lastLsn").asLong();
    long entryEpoch = answer.json().get("lastEntryEpoch").asLong();
    Replica c = shard.get(2);
    RoleRequest primary =
        new RoleRequest(2, Role.Primary, c.peer(), shard.peers(), WriteQuorum.Majority, 3);

    // Chosen for a position its log does not reach: as if it lost its volume after answering.
    Http.Reply refused =
        Http.post(
            c.url() + "/role", Http.json(primary.chosenAt(new LogPosition(entryEpoch, lsn + 7))));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
    assertThat(refused.message())
        .contains("lsn " + (lsn + 7) + " of epoch " + entryEpoch)
        .contains("lsn " + lsn + " of epoch " + entryEpoch);
    JsonNode hb = heartbeat(c);
    assertThat(hb.get("role").asText()).isNotEqualTo("Primary");
    assertThat(hb.get("epoch").asLong()).isEqualTo(2);
    // A later entry epoch is past it too, whatever the LSN.
    Http.Reply laterEpoch =
        Http.post(
            c.url() + "/role", Http.json(primary.chosenAt(new LogPosition(entryEpoch + 1, 1))));
    assertThat(laterEpoch.status()).as(laterEpoch.raw()).isEqualTo(409);

    // The refusal cast no vote: the role for the position it holds is accepted, and it leads.
    Http.Reply taken =
        Http.post(c.url() + "/role", Http.json(primary.chosenAt(new LogPosition(entryEpoch, lsn))));
    assertThat(taken.status()).as(taken.raw()).isEqualTo(200);
    assertThat(shard.role(1, 2, Role.Secondary, c.peer(), shard.peers(), 3).status())
        .isEqualTo(200);
    writeAll(c, 5, 10);
  }

  @Test
  @DisplayName(
      "rule 3: a new primary appends a no-op at its epoch and acknowledges nothing, not even a"
          + " retry, before that entry is on a quorum")
  void newPrimaryWaitsForItsNoop() {
    startReady(Map.of());
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    Http.Reply first = write(a, 1, "req-noop");
    assertThat(first.status()).as(first.raw()).isEqualTo(200);
    long lsn = first.json().get("lsn").asLong();
    awaitEqual(b, a);
    awaitEqual(shard.get(2), a);
    a.stop();
    shard.get(2).stop();

    shard.failover(2, 1, 1);
    Http.Reply retry = write(b, 1, "req-noop");
    assertThat(retry.status()).as(retry.raw()).isEqualTo(503);
    JsonNode hb = heartbeat(b);
    assertThat(hb.get("appliedLsn").asLong()).isEqualTo(lsn + 1);
    assertThat(hb.get("lastEntryEpoch").asLong()).isEqualTo(2);

    shard.get(2).start();
    shard.failover(2, 1, 2);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply again = write(b, 1, "req-noop");
              assertThat(again.status()).as(again.raw()).isEqualTo(200);
              assertThat(again.json().get("lsn").asLong()).isEqualTo(lsn);
            });
  }

  @Test
  @DisplayName(
      "rule 8: a retry after a re-copy and a promotion returns the original outcome and LSN")
  void retryAfterRecopyAndPromotionIsExactlyOnce() {
    startReady(Map.of());
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    Http.Reply w = write(a, 7, "req-w");
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
    long wLsn = w.json().get("lsn").asLong();
    Http.Reply u = update(a, 7, 11, "req-u");
    assertThat(u.status()).as(u.raw()).isEqualTo(200);
    long uLsn = u.json().get("lsn").asLong();
    assertThat(update(a, 7, 22, null).status()).isEqualTo(200);
    Http.Reply d = delete(a, 8, "req-d");
    assertThat(d.status()).isEqualTo(404);
    writeAll(a, 8, 9);
    // A repeat on the same primary returns the original 404, not a fresh delete.
    Http.Reply d2 = delete(a, 8, "req-d");
    assertThat(d2.status()).as(d2.raw()).isEqualTo(404);
    assertThat(keys(a, 8, 8)).containsExactly(8L);

    assertThat(Http.post(b.url() + "/resync", "{}").status()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(b).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(b)).isEqualTo(checksum(a));
            });
    shard.failover(2, 1, 0, 1, 2);
    awaitReady(0, 1, 2);

    Http.Reply w2 = write(b, 7, "req-w");
    assertThat(w2.status()).as(w2.raw()).isEqualTo(200);
    assertThat(w2.json().get("lsn").asLong()).isEqualTo(wLsn);
    Http.Reply u2 = update(b, 7, 11, "req-u");
    assertThat(u2.status()).as(u2.raw()).isEqualTo(200);
    assertThat(u2.json().get("lsn").asLong()).isEqualTo(uLsn);
    JsonNode row =
        Http.post(b.url() + "/read", "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":7,\"high\":7}}")
            .json()
            .get("data")
            .get(0);
    assertThat(row.get("Stud_marks").asLong()).isEqualTo(22);
  }

  @Test
  @DisplayName(
      "rules 10: after /role to a new primary, a secondary stuck on a frozen old primary is Ready"
          + " within a bound")
  void roleChangeAbandonsAFrozenPrimary() {
    // A request deadline far beyond the bound: only abandoning the call can explain Ready in time.
    startReady(Map.of("shardeddb.replication.request-timeout", "300s"));
    writeAll(shard.get(0), 0, 5);
    FakePeer frozen = FakePeer.frozen("frozen-primary");
    extras.add(frozen);
    Replica s = shard.get(2);
    Http.Reply r =
        shard.role(2, 2, Role.Secondary, frozen.peer(), List.of(frozen.peer(), s.peer()), 3);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(heartbeat(s).get("state").asText()).isNotEqualTo("Ready"));

    shard.failover(3, 0, 0, 1, 2);
    long started = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(heartbeat(s).get("state").asText()).isEqualTo("Ready"));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    writeAll(shard.get(0), 5, 10);
  }

  @Test
  @DisplayName(
      "rule 10: a snapshot stream that stalls is abandoned after the request deadline and the copy"
          + " starts over")
  void stalledSnapshotIsAbandoned() {
    startReady(Map.of("shardeddb.replication.request-timeout", "1s"));
    FakePeer primary = FakePeer.stallingSnapshot("stalling-primary", 40, 25);
    extras.add(primary);
    Replica s = shard.get(2);
    Http.Reply r =
        shard.role(2, 2, Role.Secondary, primary.peer(), List.of(primary.peer(), s.peer()), 3);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode hb = heartbeat(s);
              assertThat(hb.get("state").asText()).isEqualTo("Ready");
              assertThat(hb.get("appliedLsn").asLong()).isEqualTo(40);
            });
    assertThat(keys(s, 0, 4095)).hasSize(25).startsWith(3000L);
  }

  @Test
  @DisplayName(
      "rule 9: primary reads need the lease; session reads need the (epoch, lsn) entry in sync")
  void fencedReads() {
    startReady(Map.of("shardeddb.replication.lease-period", "3s"));
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    Http.Reply w = write(a, 5);
    assertThat(w.status()).isEqualTo(200);
    long lsn = w.json().get("lsn").asLong();

    // Without the new fields, any replica answers as before.
    assertThat(keys(b, 5, 5)).isNotNull();
    Http.Reply onSecondary = read(b, "\"consistency\":\"primary\"");
    assertThat(onSecondary.status()).as(onSecondary.raw()).isEqualTo(409);
    assertThat(onSecondary.message()).startsWith("not primary");
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(a, "\"consistency\":\"primary\"");
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("lsn").asLong()).isGreaterThanOrEqualTo(lsn);
              assertThat(r.json().get("epoch").asLong()).isEqualTo(1);
              assertThat(r.json().get("data")).hasSize(1);
            });

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(b, "\"minEpoch\":1,\"minLsn\":" + lsn);
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("data")).hasSize(1);
            });
    Http.Reply wrongEpoch = read(b, "\"minEpoch\":7,\"minLsn\":" + lsn);
    assertThat(wrongEpoch.status()).as(wrongEpoch.raw()).isEqualTo(409);

    shard.failover(2, 1, 0, 1, 2);
    Http.Reply early = read(b, "\"consistency\":\"primary\"");
    assertThat(early.status()).as(early.raw()).isEqualTo(503);
    assertThat(early.message()).contains("no lease");
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(b, "\"consistency\":\"primary\"");
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("epoch").asLong()).isEqualTo(2);
            });
    Http.Reply deposed = read(a, "\"consistency\":\"primary\"");
    assertThat(deposed.status()).isEqualTo(409);
  }

  @Test
  @DisplayName(
      "rule 9: a session read whose token has no entry for this shard is still served only by a"
          + " replica in sync with the primary (an empty or fenced one could lack the client's"
          + " writes that a move brought here); an any read is served as before")
  void aSessionReadWithoutAnEntryNeedsAReplicaInSync() {
    startReady(Map.of());
    Replica b = shard.get(1);
    assertThat(write(shard.get(0), 5).status()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(b, "\"consistency\":\"session\"");
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("data")).hasSize(1);
            });
    assertThat(shard.fence(1, 2).status()).isEqualTo(200);
    Http.Reply session = read(b, "\"consistency\":\"session\"");
    assertThat(session.status()).as(session.raw()).isEqualTo(409);
    assertThat(session.message()).contains("not in sync");
    Http.Reply any = read(b, "\"consistency\":\"any\"");
    assertThat(any.status()).as(any.raw()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "rule 9, the session floor: a session read naming the shard's floor (its last adopt) is served"
          + " only by a replica whose log reaches it, epoch first; a secondary cut off at an older"
          + " epoch refuses it whatever its LSN, and a floor half given is a 400")
  void aSessionReadIsServedOnlyByALogReachingTheShardsFloor() {
    startReady(Map.of());
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    assertThat(write(a, 5).status()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(b, "\"consistency\":\"session\"");
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("data")).hasSize(1);
            });
    long bLsn = heartbeat(b).get("appliedLsn").asLong();
    // A floor b's log reaches (its own last entry) is served there.
    Http.Reply reached = read(b, session(1, bLsn));
    assertThat(reached.status()).as(reached.raw()).isEqualTo(200);

    // b cut off: a and c go on at epoch 2; b stays a Ready secondary of epoch 1, in sync as far as
    // it knows.
    assertThat(shard.fence(0, 2).status()).isEqualTo(200);
    assertThat(shard.fence(2, 2).status()).isEqualTo(200);
    List<Peer> peers =
        List.of(a.peer(), new Peer(b.peer().name(), "http://127.0.0.1:1"), shard.get(2).peer());
    assertThat(shard.role(2, 2, Role.Secondary, a.peer(), peers, 3).status()).isEqualTo(200);
    assertThat(shard.role(0, 2, Role.Primary, a.peer(), peers, 3).status()).isEqualTo(200);
    await().atMost(PATIENCE).until(() -> write(a, 6).status() == 200);
    long floorLsn = heartbeat(a).get("appliedLsn").asLong();

    // The floor at epoch 2: b's log (epoch 1) does not reach it, even below b's own LSN.
    Http.Reply cutOff = read(b, session(2, 1));
    assertThat(cutOff.status()).as(cutOff.raw()).isEqualTo(409);
    assertThat(cutOff.message()).contains("session floor").contains("lsn 1 of epoch 2");
    assertThat(read(b, session(2, floorLsn)).status()).isEqualTo(409);
    // Without the floor b still serves its (stale) session read: the floor is what refuses it.
    assertThat(read(b, "\"consistency\":\"session\"").status()).isEqualTo(200);
    Http.Reply onPrimary = read(a, session(2, floorLsn));
    assertThat(onPrimary.status()).as(onPrimary.raw()).isEqualTo(200);
    assertThat(onPrimary.json().get("data")).hasSize(2);
    // An any read ignores the floor (it promises nothing).
    Http.Reply any = read(b, "\"floorEpoch\":2,\"floorLsn\":" + floorLsn);
    assertThat(any.status()).as(any.raw()).isEqualTo(200);

    Http.Reply half = read(a, "\"consistency\":\"session\",\"floorEpoch\":2");
    assertThat(half.status()).as(half.raw()).isEqualTo(400);
    assertThat(half.message()).contains("'floorEpoch' and 'floorLsn' go together");
  }

  private static String session(long floorEpoch, long floorLsn) {
    return "\"consistency\":\"session\",\"floorEpoch\":" + floorEpoch + ",\"floorLsn\":" + floorLsn;
  }

  @Test
  @DisplayName(
      "rule 9, bounded reads: a secondary caught up with its primary serves a bounded read; cut off"
          + " from it (a new primary acknowledges writes it lacks) it refuses once its last"
          + " caught-up contact is older than the bound")
  void aBoundedReadIsServedOnlyWithinItsBound() throws Exception {
    startReady(Map.of());
    Replica a = shard.get(0);
    Replica b = shard.get(1);
    assertThat(write(a, 5).status()).isEqualTo(200);
    // Caught up: b (a secondary) serves it, with the acknowledged row.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(b, bounded(1000));
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("data")).hasSize(1);
            });

    // b cut off: a and c go on at epoch 2 with b at an address nobody answers; b never hears of
    // the epoch and stays a Ready secondary of a at epoch 1.
    assertThat(shard.fence(0, 2).status()).isEqualTo(200);
    assertThat(shard.fence(2, 2).status()).isEqualTo(200);
    List<Peer> peers =
        List.of(a.peer(), new Peer(b.peer().name(), "http://127.0.0.1:1"), shard.get(2).peer());
    assertThat(shard.role(2, 2, Role.Secondary, a.peer(), peers, 3).status()).isEqualTo(200);
    assertThat(shard.role(0, 2, Role.Primary, a.peer(), peers, 3).status()).isEqualTo(200);
    await().atMost(PATIENCE).until(() -> write(a, 6).status() == 200);
    long acknowledged = System.nanoTime();

    // b's rows lack the acknowledged write (an any read shows it)...
    Http.Reply any = read(b, "\"consistency\":\"any\"");
    assertThat(any.status()).as(any.raw()).isEqualTo(200);
    assertThat(any.json().get("data")).hasSize(1);
    // ...so once the write is older than the bound, no bounded read may be served there.
    long bound = 500;
    TimeUnit.MILLISECONDS.sleep(
        Math.max(0, bound + 100 - (System.nanoTime() - acknowledged) / 1_000_000));
    Http.Reply stale = read(b, bounded(bound));
    assertThat(stale.status()).as(stale.raw()).isEqualTo(409);
    assertThat(stale.message()).contains("maxStalenessMs " + bound);
    // The heartbeat says so too: b has not heard from its primary for longer than the bound.
    assertThat(heartbeat(b).get("primaryContactAgeMillis").asLong()).isGreaterThan(bound);
    // The primary serves a bounded read as a primary read, with the write.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply r = read(a, bounded(bound));
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              assertThat(r.json().get("data")).hasSize(2);
            });
  }

  @Test
  @DisplayName("rule 9, bounded reads: maxStalenessMs is required with bounded and checked (400)")
  void aBoundedReadNamesItsBound() {
    startReady(Map.of());
    Http.Reply none = read(shard.get(1), "\"consistency\":\"bounded\"");
    assertThat(none.status()).as(none.raw()).isEqualTo(400);
    assertThat(none.message()).contains("maxStalenessMs");
    Http.Reply zero = read(shard.get(1), bounded(0));
    assertThat(zero.status()).as(zero.raw()).isEqualTo(400);
    assertThat(zero.message()).contains("maxStalenessMs");
  }

  private static String bounded(long maxStalenessMs) {
    return "\"consistency\":\"bounded\",\"maxStalenessMs\":" + maxStalenessMs;
  }

  @Test
  @DisplayName(
      "rule 9, read index: a primary read never shows a write no quorum acknowledged, even while"
          + " the lease holds")
  void primaryReadWaitsForTheReadIndex() {
    // A lease far longer than the quorum timeout: it still holds when the write has failed.
    startReady(Map.of("shardeddb.replication.lease-period", "10s"));
    Replica a = shard.get(0);
    assertThat(write(a, 5).status()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(read(a, "\"consistency\":\"primary\"").status()).isEqualTo(200));

    shard.get(1).stop();
    shard.get(2).stop();
    Http.Reply lone = write(a, 6);
    assertThat(lone.status()).as(lone.raw()).isEqualTo(503);
    assertThat(keys(a, 6, 6)).as("applied locally, not acknowledged").containsExactly(6L);

    Http.Reply r = read(a, "\"consistency\":\"primary\"");
    assertThat(r.status()).as(r.raw()).isEqualTo(503);
    assertThat(r.message()).contains("no read index");
  }

  private static Http.Reply read(Replica r, String extraFields) {
    return Http.post(
        r.url() + "/read",
        "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":0,\"high\":4095}," + extraFields + "}");
  }

  private static Http.Reply update(Replica r, long key, long marks, String requestId) {
    return Http.put(
        r.url() + "/update",
        "{\"shard\":\"sh1\",\"Stud_id\":"
            + key
            + ",\"data\":{\"Stud_marks\":"
            + marks
            + "}"
            + (requestId == null ? "" : ",\"requestId\":\"" + requestId + "\"")
            + "}");
  }

  private static Http.Reply delete(Replica r, long key, String requestId) {
    return Http.delete(
        r.url() + "/del",
        "{\"shard\":\"sh1\",\"Stud_id\":" + key + ",\"requestId\":\"" + requestId + "\"}");
  }

  /** A ready shard whose primary (replica 0) wrote keys {@code [from, to)}, held by all three. */
  private void startReadyWithRows(long from, long to) {
    startReady(Map.of());
    writeAll(shard.get(0), from, to);
    awaitEqual(shard.get(1), shard.get(0));
    awaitEqual(shard.get(2), shard.get(0));
  }

  private void writeAll(Replica primary, long from, long to) {
    for (long k = from; k < to; k++) {
      Http.Reply r = write(primary, k);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
  }

  private void awaitEqual(Replica r, Replica primary) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(checksum(r)).isEqualTo(checksum(primary)));
  }

  private void awaitReady(int... indexes) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (int i : indexes) {
                assertThat(heartbeat(shard.get(i)).get("state").asText()).isEqualTo("Ready");
              }
            });
  }
}
