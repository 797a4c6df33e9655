package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.time.GlobalTimestamp;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The timestamp oracle on three replicas over MariaDB (DESIGN §11, docs/timestamps.md): slots come
 * in increasing order, only from the primary holding its lease, each window persisted as a Clock
 * entry first; a failover to another replica and a restart of the primary never hand out a
 * timestamp below one handed out before, whatever the new primary's clock says.
 */
class TimestampOracleTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private ThreeReplicaShard shard;

  @BeforeEach
  void startShard() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(shard);
  }

  @AfterEach
  void stopShard() {
    shard.close();
  }

  /** The first slot of {@code count} from {@code r}, once it holds its lease. */
  private static long fetch(Replica r, int count) {
    long[] first = new long[1];
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Http.Reply reply = Http.post(r.url() + "/timestamps", "{\"count\":" + count + "}");
              assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
              JsonNode body = reply.json();
              assertThat(body.get("count").asInt()).isEqualTo(count);
              first[0] = body.get("first").asLong();
            });
    return first[0];
  }

  @Test
  @DisplayName("timestamps increase, and neither a failover nor a restart takes them back")
  void neverBackAcrossFailoverAndRestart() throws Exception {
    Replica primary = shard.get(0);
    long last = 0;
    for (int i = 0; i < 20; i++) {
      long first = fetch(primary, 1 + i % 5);
      assertThat(first).isGreaterThan(last);
      last = first + (i % 5) * GlobalTimestamp.SLOT;
    }
    assertThat(GlobalTimestamp.millis(last))
        .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(10_000L));

    // Not from a secondary; bad counts are a 400 naming the range.
    Http.Reply secondary = Http.post(shard.get(1).url() + "/timestamps", "{\"count\":1}");
    assertThat(secondary.status()).as(secondary.raw()).isIn(409, 421, 503);
    Http.Reply bad = Http.post(primary.url() + "/timestamps", "{\"count\":0}");
    assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
    assertThat(bad.raw()).contains("count must be a number from 1 to 512");

    // The window entry reached every copy: the log holds Clock entries.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(ThreeReplicaShard.heartbeat(shard.get(1)).get("appliedLsn").asLong())
                    .isEqualTo(ThreeReplicaShard.heartbeat(primary).get("appliedLsn").asLong()));
    assertThat(Http.get(primary.url() + "/log?fromLsn=1&limit=100").raw()).contains("\"Clock\"");

    // Failover to replica 1 (epoch 2): it starts above everything replica 0 handed out.
    primary.stop();
    shard.failover(2, 1, 1, 2);
    long afterFailover = fetch(shard.get(1), 1);
    assertThat(afterFailover).isGreaterThan(last);

    // The new primary restarted: still above.
    shard.get(1).stop();
    shard.get(1).start();
    shard.assign(3, 1, 1, 2);
    long afterRestart = fetch(shard.get(1), 1);
    assertThat(afterRestart).isGreaterThan(afterFailover);
  }

  /**
   * As {@link #fetch}, also returning every refusal seen before the slot came: whether a replica
   * waited for a former primary's lease shows in the refusal's text, not in a timing.
   */
  private static long fetchNoting(Replica r, java.util.List<String> refusals) {
    long[] first = new long[1];
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              Http.Reply reply = Http.post(r.url() + "/timestamps", "{\"count\":1}");
              if (reply.status() != 200) {
                refusals.add(reply.raw());
              }
              assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
              first[0] = reply.json().get("first").asLong();
            });
    return first[0];
  }

  private static final String WAITING = "less than one lease period";

  @Test
  @DisplayName(
      "a planned switch-over: the fenced primary hands its lease over and the new primary serves"
          + " at once; promoted without the hand-over it waits one lease period")
  void aSwitchOverHandsTheLeaseOver() throws InterruptedException {
    Replica old = shard.get(0);
    long before = fetch(old, 1);
    // Past its own wait (fetch succeeded under its lease): its fence answer hands the lease over,
    // and from the fence on it hands out nothing.
    Http.Reply fenced = shard.fence(0, 2);
    assertThat(fenced.status()).as(fenced.raw()).isEqualTo(200);
    assertThat(fenced.json().path("handsOverLease").asBoolean()).as(fenced.raw()).isTrue();
    Http.Reply refused = Http.post(old.url() + "/timestamps", "{\"count\":1}");
    assertThat(refused.status()).as(refused.raw()).isIn(409, 503);
    // A replica that is not a primary hands nothing over.
    Http.Reply secondary = shard.fence(2, 2);
    assertThat(secondary.json().path("handsOverLease").asBoolean()).as(secondary.raw()).isFalse();

    Peer next = shard.get(1).peer();
    for (int t : new int[] {1, 0, 2}) {
      RoleRequest role =
          new RoleRequest(
                  2,
                  t == 1 ? Role.Primary : Role.Secondary,
                  next,
                  shard.peers(),
                  WriteQuorum.Majority,
                  3)
              .withLeaseHandedOver(t == 1);
      Http.Reply r = Http.post(shard.get(t).url() + "/role", Http.json(role));
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    List<String> refusals = new java.util.ArrayList<>();
    long after = fetchNoting(shard.get(1), refusals);
    assertThat(after).isGreaterThan(before);
    assertThat(refusals).as("no lease period waited").noneMatch(r -> r.contains(WAITING));

    // The role sent again at the same epoch (here: a learner joins) keeps the term's promotion:
    // no new wait, since no primary of an earlier epoch got a later lease meanwhile.
    RoleRequest again =
        new RoleRequest(
            2,
            Role.Primary,
            next,
            shard.peers(),
            WriteQuorum.Majority,
            3,
            List.of(new Peer("learner-9", "http://127.0.0.1:9")));
    Http.Reply resent = Http.post(shard.get(1).url() + "/role", Http.json(again));
    assertThat(resent.status()).as(resent.raw()).isEqualTo(200);
    refusals.clear();
    long afterResend = fetchNoting(shard.get(1), refusals);
    assertThat(afterResend).isGreaterThan(after);
    assertThat(refusals)
        .as("no lease period waited after the same epoch's role")
        .noneMatch(r -> r.contains(WAITING));

    // An election's new primary (no hand-over: its former was silent) waits one lease period.
    long electedAt = System.nanoTime();
    shard.failover(3, 2, 0, 1, 2);
    refusals.clear();
    assertThat(fetchNoting(shard.get(2), refusals)).isGreaterThan(afterResend);
    if (Duration.ofNanos(System.nanoTime() - electedAt).toMillis() < 2_000) {
      throw new AssertionError("served before one lease period had passed: " + refusals);
    }

    // An election after the primary fell silent for more than a lease period: each fenced replica
    // heard from no primary for that long and hands the lease over in its fence answer; promoted
    // with leaseHandedOver (as the operator's election then sends it), it serves at once.
    long lastBefore = fetch(shard.get(2), 1);
    shard.get(2).stop();
    Thread.sleep(3_000);
    for (int t : new int[] {0, 1}) {
      Http.Reply f = shard.fence(t, 4);
      assertThat(f.status()).as(f.raw()).isEqualTo(200);
      assertThat(f.json().path("handsOverLease").asBoolean()).as(f.raw()).isTrue();
    }
    Peer elected = shard.get(0).peer();
    for (int t : new int[] {0, 1}) {
      RoleRequest role =
          new RoleRequest(
                  4,
                  t == 0 ? Role.Primary : Role.Secondary,
                  elected,
                  shard.peers(),
                  WriteQuorum.Majority,
                  3)
              .withLeaseHandedOver(t == 0);
      Http.Reply r = Http.post(shard.get(t).url() + "/role", Http.json(role));
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    refusals.clear();
    assertThat(fetchNoting(shard.get(0), refusals)).isGreaterThan(lastBefore);
    assertThat(refusals).as("no lease period waited").noneMatch(r -> r.contains(WAITING));
  }

  @Test
  @DisplayName("a write's entry takes the timestamp its request carries")
  void aWriteCarriesItsTimestamp() {
    Replica primary = shard.get(0);
    long slot = fetch(primary, 1);
    Http.Reply w =
        Http.post(
            primary.url() + "/write",
            "{\"shard\":\"sh1\",\"requestId\":\"ts-1\",\"timestamp\":"
                + slot
                + ",\"data\":["
                + ThreeReplicaShard.row(7)
                + "]}");
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
    assertThat(w.json().get("timestamp").asLong()).isEqualTo(slot);
    assertThat(Http.get(primary.url() + "/log?fromLsn=1&limit=100").raw())
        .contains("\"timestamp\":" + slot);
  }
}
