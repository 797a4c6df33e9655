package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
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
  static final class HeldTransport implements PeerTransport {
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
    public SnapshotStream snapshot(String url) {
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
    return new PeerLink(
        SECONDARY,
        EPOCH,
        "p0",
        transport,
        clock,
        tracker,
        seen -> {},
        new ReplicationMeters(registry));
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
}
