package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardeddb.protocol.client.Backoff;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The primary's sender to one secondary, over a transport that holds every answer until the test
 * releases it: how many requests are in flight, what each names as the entry before it (rule 4),
 * what the quorum is credited with when answers come late, out of order or not at all (rule 5), and
 * what a link measures.
 */
class PeerLinkTest {
  private static final long EPOCH = 3;
  private static final Peer SECONDARY = new Peer("s1", "http://s1");

  /** A transport whose answers the test gives, in any order. */
  static class HeldTransport implements PeerTransport {
    record Call(ReplicateRequest request, CompletableFuture<ReplicateResponse> answer) {
      long lastLsn() {
        List<LogEntry> e = request.entries();
        return e.isEmpty() ? request.prevLsn() : e.get(e.size() - 1).lsn();
      }

      void inSync(long matchLsn) {
        answer.complete(new ReplicateResponse(matchLsn, EPOCH, true, matchLsn));
      }
    }

    final List<Call> calls = new ArrayList<>();

    @Override
    public CompletableFuture<ReplicateResponse> replicate(Peer peer, ReplicateRequest request) {
      Call c = new Call(request, new CompletableFuture<>());
      calls.add(c);
      return c.answer;
    }

    List<Call> unanswered() {
      return calls.stream().filter(c -> !c.answer.isDone()).toList();
    }

    @Override
    public io.shardeddb.protocol.shard.LogResponse log(
        String url,
        long fromLsn,
        long prevEpoch,
        String replica,
        int limit,
        String primary,
        long epoch) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SnapshotStream snapshot(String url, String primary, long epoch) {
      throw new UnsupportedOperationException();
    }
  }

  /** A clock the test moves by hand; nothing is scheduled by a link. */
  static final class HandClock implements ReplicaClock {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
      return now.get();
    }

    @Override
    public long wallMillis() {
      return now.get() / 1_000_000;
    }

    @Override
    public Scheduled schedule(long delayMillis, Runnable task) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Executor serial(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Executor background(String name) {
      throw new UnsupportedOperationException();
    }
  }

  final HeldTransport transport = new HeldTransport();
  final HandClock clock = new HandClock();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  // Primary + one secondary, quorum 2: an LSN is on the quorum when the secondary holds it.
  final QuorumTracker tracker = new QuorumTracker(2, List.of(SECONDARY.name()), 0);

  PeerLink link() {
    return link(4, new Rulebook());
  }

  PeerLink link(int window, Rulebook rules) {
    return new PeerLink(
        SECONDARY,
        EPOCH,
        "p0",
        transport,
        clock,
        tracker,
        seen -> {},
        new ReplicationMeters(registry),
        window,
        rules);
  }

  static List<LogEntry> entries(long from, long to) {
    List<LogEntry> out = new ArrayList<>();
    for (long lsn = from; lsn <= to; lsn++) {
      out.add(new LogEntry(lsn, EPOCH, Operation.Write, List.of(), lsn, "rid-" + lsn));
    }
    return out;
  }

  /** The primary commits {@code from..to} (after {@code from - 1}) and hands it to the link. */
  void commit(PeerLink link, long from, long to) {
    tracker.selfHolds(to);
    link.offer(entries(from, to), from - 1, from == 1 ? 0 : EPOCH);
  }

  @Test
  void eachRequestIsMeasuredByItsEntriesAndTheRequestsInFlightWithIt() {
    PeerLink link = link();
    commit(link, 1, 3);
    transport.calls.get(0).inSync(3);

    assertThat(registry.get("shardeddb.replication.request.entries").summary().count())
        .isEqualTo(1);
    assertThat(registry.get("shardeddb.replication.request.entries").summary().totalAmount())
        .isEqualTo(3);
    assertThat(registry.get("shardeddb.replication.in.flight").summary().max()).isEqualTo(1);
    assertThat(registry.get("shardeddb.replication.latency").timer().count()).isEqualTo(1);
    assertThat(tracker.quorumLsn()).isEqualTo(3);
  }

  @Test
  void upToTheWindowRequestsAreInFlightEachNamingTheEntryBeforeItsFirst() {
    PeerLink link = link();
    for (long lsn = 1; lsn <= 6; lsn++) {
      commit(link, lsn, lsn);
    }

    assertThat(transport.unanswered()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      ReplicateRequest r = transport.calls.get(i).request();
      assertThat(r.prevLsn()).isEqualTo(i);
      assertThat(r.entries()).extracting(LogEntry::lsn).containsExactly(i + 1L);
    }
    assertThat(registry.get("shardeddb.replication.in.flight").summary().max()).isEqualTo(4);

    // A free slot takes everything committed meanwhile, after the last entry sent.
    transport.calls.get(0).inSync(1);
    assertThat(transport.calls).hasSize(5);
    ReplicateRequest fifth = transport.calls.get(4).request();
    assertThat(fifth.prevLsn()).isEqualTo(4);
    assertThat(fifth.prevEpoch()).isEqualTo(EPOCH);
    assertThat(fifth.entries()).extracting(LogEntry::lsn).containsExactly(5L, 6L);
  }

  @Test
  void aWindowOfOneSendsOneRequestAtATime() {
    PeerLink link = link(1, new Rulebook());
    commit(link, 1, 1);
    commit(link, 2, 2);
    commit(link, 3, 3);

    assertThat(transport.unanswered()).hasSize(1);
    transport.calls.get(0).inSync(1);
    assertThat(transport.unanswered()).hasSize(1);
    assertThat(transport.calls.get(1).request().entries())
        .extracting(LogEntry::lsn)
        .containsExactly(2L, 3L);
  }

  @Test
  void answersAreCumulativeSoReorderedAndLostAnswersCountCorrectly() {
    PeerLink link = link();
    commit(link, 1, 1);
    commit(link, 2, 2);
    commit(link, 3, 3);
    List<HeldTransport.Call> calls = List.copyOf(transport.calls);

    // The third answer arrives first: the secondary holds 1..3.
    calls.get(2).inSync(3);
    assertThat(tracker.quorumLsn()).isEqualTo(3);
    // The first answer, late, does not take the credit back.
    calls.get(0).inSync(1);
    assertThat(tracker.quorumLsn()).isEqualTo(3);
    // The second answer is never given: nothing is missing, nothing resent.
    assertThat(transport.calls).hasSize(3);
    assertThat(tracker.holders(3)).isEqualTo(2);
  }

  @Test
  void anAnswerBelowWhatItWasSentIsNeverCountedAsMoreAndTheLinkResendsFromTheMatchPoint() {
    PeerLink link = link();
    commit(link, 1, 2);
    commit(link, 3, 4);
    commit(link, 5, 5);

    // The first request was lost: the second finds a gap, the secondary holds nothing of it.
    transport.calls.get(1).inSync(0);

    assertThat(tracker.quorumLsn()).isZero();
    assertThat(tracker.holders(1)).isEqualTo(1);
    HeldTransport.Call resend = transport.calls.get(3);
    assertThat(resend.request().prevLsn()).isZero();
    assertThat(resend.request().entries())
        .extracting(LogEntry::lsn)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(registry.get("shardeddb.replication.resends").counter().count()).isEqualTo(1);

    // The third request's answer (sent before the reset) neither counts nor resets again.
    transport.calls.get(2).inSync(0);
    assertThat(transport.calls).hasSize(4);
    resend.inSync(5);
    assertThat(tracker.quorumLsn()).isEqualTo(5);
  }

  @Test
  void aSecondaryOutOfSyncCountsForNothingAndIsNotSentItsOldEntriesAgain() {
    PeerLink link = link();
    commit(link, 1, 2);
    transport.calls.get(0).inSync(2);
    commit(link, 3, 4);
    transport.calls.get(1).answer().complete(new ReplicateResponse(2, EPOCH, false, 0));

    assertThat(tracker.holders(2)).isEqualTo(1);
    assertThat(tracker.quorumLsn()).isZero();
    // It verifies itself through /log; new entries still go to it, after the last one sent.
    commit(link, 5, 5);
    ReplicateRequest next = transport.calls.get(transport.calls.size() - 1).request();
    assertThat(next.prevLsn()).isEqualTo(4);
    assertThat(next.entries()).extracting(LogEntry::lsn).containsExactly(5L);
  }

  @Test
  void aRefusalDropsTheCreditAndAfterTheBackOffTheLinkResendsFromTheMatchPoint() {
    PeerLink link = link();
    commit(link, 1, 2);
    transport.calls.get(0).inSync(2);
    assertThat(tracker.quorumLsn()).isEqualTo(2);
    commit(link, 3, 4);
    commit(link, 5, 6);
    transport
        .calls
        .get(1)
        .answer()
        .completeExceptionally(new PeerRefusal(503, "not yet a secondary", EPOCH));

    assertThat(tracker.quorumLsn()).isZero();
    int before = transport.calls.size();
    // Within the back-off nothing is sent, not even a ping.
    link.ping(6, EPOCH);
    assertThat(transport.calls).hasSize(before);

    clock.now.addAndGet(1_000_000_000L);
    link.ping(6, EPOCH);
    HeldTransport.Call resend = transport.calls.get(transport.calls.size() - 1);
    assertThat(resend.request().prevLsn()).isEqualTo(2);
    assertThat(resend.request().entries())
        .extracting(LogEntry::lsn)
        .containsExactly(3L, 4L, 5L, 6L);
    resend.inSync(6);
    assertThat(tracker.quorumLsn()).isEqualTo(6);
  }

  @Test
  void theLeaseCountsTheSendTimeOfTheRequestEachAnswerAnswers() {
    PeerLink link = link();
    long first = clock.nanos();
    commit(link, 1, 1);
    clock.now.addAndGet(300_000_000L);
    commit(link, 2, 2);
    clock.now.addAndGet(300_000_000L);

    // Only the first request is answered (the second's answer is lost).
    transport.calls.get(0).inSync(1);
    assertThat(tracker.ackSentNanos()).containsExactly(first);
  }

  @Test
  void checkQuorumCountsWhenAnAnswerArrivedNotWhenItsRequestWasSent() {
    // Rule 11 (issue 47 item 6): a secondary that was away answers again, slowly (it catches up
    // first; the link sends no ping while a request is in flight). Its answer arrives 2.5 s after
    // its request went out: it is in contact now, and the primary must not stand down for want of
    // a majority right after it returned. The lease still counts the send time (rule 9).
    PeerLink link = link();
    long termStart = clock.nanos();
    long period = Duration.ofSeconds(2).toNanos();
    commit(link, 1, 1);
    long sent = clock.nanos();
    clock.now.addAndGet(2_500_000_000L);
    transport.calls.get(0).inSync(1);

    long now = clock.nanos();
    assertThat(tracker.majorityAnsweredAtNanos(now, termStart)).isEqualTo(now);
    assertThat(
            new Rulebook().standsDown(now, tracker.majorityAnsweredAtNanos(now, termStart), period))
        .isFalse();
    assertThat(tracker.ackSentNanos()).containsExactly(sent);
  }

  @Test
  void anIdleLinkPingsWithThePrimarysLastEntryAndABusyOneDoesNot() {
    PeerLink link = link();
    commit(link, 1, 1);
    link.ping(1, EPOCH);
    assertThat(transport.calls).hasSize(1);
    transport.calls.get(0).inSync(1);
    link.ping(1, EPOCH);
    assertThat(transport.calls).hasSize(2);
    assertThat(transport.calls.get(1).request().entries()).isEmpty();
    assertThat(transport.calls.get(1).request().prevLsn()).isEqualTo(1);
  }

  @Test
  void everyFailureInARowPausesTheLinkForTheBackOffAndAnAnswerStartsItOver() {
    // A back-off that grows (the test's own) shows which failure in a row each pause follows.
    PeerLink link =
        new PeerLink(
            SECONDARY,
            EPOCH,
            "p0",
            transport,
            clock,
            tracker,
            seen -> {},
            new ReplicationMeters(registry),
            4,
            new Rulebook(),
            Backoff.exponential(
                    Duration.ofMillis(200), Duration.ofMillis(400), Backoff.Jitter.EQUAL)
                .start(() -> Math.nextDown(1.0)));
    commit(link, 1, 1);
    for (long pause : new long[] {200, 400, 400}) {
      transport.calls.get(transport.calls.size() - 1).answer().completeExceptionally(refused());
      int before = transport.calls.size();
      clock.now.addAndGet(Duration.ofMillis(pause - 2).toNanos());
      link.ping(1, EPOCH);
      assertThat(transport.calls).as("within a pause of %d ms", pause).hasSize(before);
      clock.now.addAndGet(Duration.ofMillis(2).toNanos());
      link.ping(1, EPOCH);
      assertThat(transport.calls).as("after a pause of %d ms", pause).hasSize(before + 1);
    }

    transport.calls.get(transport.calls.size() - 1).inSync(1);
    link.ping(1, EPOCH);
    transport.calls.get(transport.calls.size() - 1).answer().completeExceptionally(refused());
    int before = transport.calls.size();
    clock.now.addAndGet(Duration.ofMillis(200).toNanos());
    link.ping(1, EPOCH);
    assertThat(transport.calls).as("the first pause after an answer").hasSize(before + 1);
  }

  @Test
  void theProductionPauseIs200MillisecondsAfterEveryFailureSoTheSimulatorsSchedulesHold() {
    Backoff.Sequence s = PeerLink.BACKOFF.start(Backoff.seeded("p0", "s1", EPOCH));
    for (int i = 0; i < 5; i++) {
      assertThat(s.next()).isEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  void aHigherEpochLearnedInsideALockedCallIsReportedAfterTheLinksLockIsReleased() {
    // A transport that refuses at once (an answer already complete when the link attaches its
    // callback, under its own lock): the coordinator's step-down that the higher epoch starts
    // takes the commit lock and then this link's (close) — run under the link's lock, it
    // deadlocked against a step-down on another thread (SafetyRulesTest hung in CI, 2026-11-27).
    PeerTransport refusing =
        new HeldTransport() {
          @Override
          public CompletableFuture<ReplicateResponse> replicate(
              Peer peer, ReplicateRequest request) {
            return CompletableFuture.failedFuture(new PeerRefusal(409, "epoch 9 is newer", 9));
          }
        };
    List<Boolean> underLock = new ArrayList<>();
    List<Long> seen = new ArrayList<>();
    PeerLink[] link = new PeerLink[1];
    link[0] =
        new PeerLink(
            SECONDARY,
            EPOCH,
            "p0",
            refusing,
            clock,
            tracker,
            e -> {
              seen.add(e);
              underLock.add(Thread.holdsLock(link[0]));
            },
            new ReplicationMeters(registry),
            4,
            new Rulebook());
    link[0].ping(0, EPOCH);
    assertThat(seen).containsExactly(9L);
    assertThat(underLock).containsExactly(false);

    clock.now.addAndGet(Duration.ofSeconds(60).toNanos());
    link[0].offer(entries(1, 1), 0, EPOCH);
    assertThat(seen).containsExactly(9L, 9L);
    assertThat(underLock).containsExactly(false, false);
  }

  private static PeerRefusal refused() {
    return new PeerRefusal(503, "not yet a secondary", EPOCH);
  }
}
