package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.client.Backoff;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The primary's sender to one secondary: up to {@code window} requests in flight at a time (1: one
 * at a time), and whatever was committed while the window was full goes in the next request (so
 * concurrent writes share round trips). Requests go out in LSN order, each naming the entry before
 * its first one (log matching, rule 4), so a secondary appends a request only after everything
 * before it.
 *
 * <p>Answers are cumulative: an in-sync answer proves the secondary's log equals this primary's up
 * to its {@code matchLsn} (whatever request it answers, in whatever order answers arrive), and only
 * that counts toward the quorum (rule 5) — never what the request carried ({@link
 * Rulebook#acknowledgedLsn}). The lease (rule 9) counts the send time of the request each answer
 * answers. Entries stay buffered until the secondary acknowledges them: an answer below what its
 * request carried (the secondary missed an earlier request, or could not append it yet) sends again
 * from {@code matchLsn + 1}; an answer out of sync (the secondary verifies or re-copies itself
 * first) and entries no longer buffered leave the gap to the secondary, which pulls it from the
 * log. A refusal or an error (unreachable, timed out, the stream lost) drops what the secondary was
 * credited with (rule 5) and pauses the link for a short back-off ({@link #BACKOFF}), after which
 * it sends again from the last acknowledged entry. Each reset starts a new generation: the answers
 * of requests sent before it still count (they are cumulative) but trigger no further reset.
 */
final class PeerLink {
  /**
   * The pause after a failure: 200 ms, every time (below the ping period, a quarter of the lease
   * window, so a link that is back keeps the lease). Not jittered yet, though the source is seeded
   * per link (primary, secondary, epoch) so jitter would keep the simulator deterministic: a
   * different pause changes the simulator's schedules, and the mutation tests that pin seeds
   * ({@code BrokenRulesAreCaughtTest}: 583, 833, the 1-400 sweep of rule 9) stop catching their
   * broken rule until they are swept again. A primary has one link per secondary, so links do not
   * march in step against one server the way routers' retries did.
   */
  static final Backoff BACKOFF =
      Backoff.exponential(Duration.ofMillis(200), Duration.ofMillis(200), Backoff.Jitter.NONE);

  private static final int MAX_ENTRIES_PER_REQUEST = 4096;

  /** Unacknowledged entries kept for sending again; older ones are left to the secondary's pull. */
  private static final int MAX_BUFFERED = 4 * MAX_ENTRIES_PER_REQUEST;

  private final Peer peer;
  private final long epoch;
  private final String primaryName;
  private final PeerTransport transport;
  private final ReplicaClock clock;
  private final QuorumTracker tracker;
  private final LongConsumer onHigherEpoch;

  /** A higher epoch learned under this link's lock, reported once it is released (-1: none). */
  private long pendingHigherEpoch = -1;

  private final ReplicationMeters meters;
  private final int window;
  private final Rulebook rules;

  /**
   * The {@code commitLsn} each request carries (rule 9, bounded reads), read as it is sent: the
   * primary's last entry while it holds its lease, null otherwise.
   */
  private final Supplier<Long> commitLsn;

  /** Consecutive entries the secondary has not acknowledged (sent or not), in LSN order. */
  private final ArrayList<LogEntry> buffer = new ArrayList<>();

  /** The entry before {@code buffer[0]}. */
  private long bufferPrevLsn;

  private long bufferPrevEpoch;

  /** {@code buffer[0..sent)} went out in the current generation. */
  private int sent;

  /** Requests of the current generation not answered yet. */
  private int inFlight;

  private long generation;

  /** The highest LSN this secondary acknowledged in sync in this term (trims the buffer). */
  private long acked;

  private boolean closed;
  private long downUntilNanos;
  private final Backoff.Sequence backoff;

  /** The secondary this link replicates to. */
  String peerName() {
    return peer.name();
  }

  PeerLink(
      Peer peer,
      long epoch,
      String primaryName,
      PeerTransport transport,
      ReplicaClock clock,
      QuorumTracker tracker,
      LongConsumer onHigherEpoch,
      ReplicationMeters meters,
      int window,
      Rulebook rules) {
    this(
        peer,
        epoch,
        primaryName,
        transport,
        clock,
        tracker,
        onHigherEpoch,
        meters,
        window,
        rules,
        () -> null);
  }

  /** As above, each request carrying {@code commitLsn}'s value as it is sent. */
  PeerLink(
      Peer peer,
      long epoch,
      String primaryName,
      PeerTransport transport,
      ReplicaClock clock,
      QuorumTracker tracker,
      LongConsumer onHigherEpoch,
      ReplicationMeters meters,
      int window,
      Rulebook rules,
      Supplier<Long> commitLsn) {
    this(
        peer,
        epoch,
        primaryName,
        transport,
        clock,
        tracker,
        onHigherEpoch,
        meters,
        window,
        rules,
        BACKOFF.start(Backoff.seeded(primaryName, peer.name(), epoch)),
        commitLsn);
  }

  /** As above, pausing after failures by {@code backoff} (tests give their own). */
  PeerLink(
      Peer peer,
      long epoch,
      String primaryName,
      PeerTransport transport,
      ReplicaClock clock,
      QuorumTracker tracker,
      LongConsumer onHigherEpoch,
      ReplicationMeters meters,
      int window,
      Rulebook rules,
      Backoff.Sequence backoff) {
    this(
        peer,
        epoch,
        primaryName,
        transport,
        clock,
        tracker,
        onHigherEpoch,
        meters,
        window,
        rules,
        backoff,
        () -> null);
  }

  private PeerLink(
      Peer peer,
      long epoch,
      String primaryName,
      PeerTransport transport,
      ReplicaClock clock,
      QuorumTracker tracker,
      LongConsumer onHigherEpoch,
      ReplicationMeters meters,
      int window,
      Rulebook rules,
      Backoff.Sequence backoff,
      Supplier<Long> commitLsn) {
    this.commitLsn = commitLsn;
    this.peer = peer;
    this.epoch = epoch;
    this.primaryName = primaryName;
    this.transport = transport;
    this.clock = clock;
    this.tracker = tracker;
    this.onHigherEpoch = onHigherEpoch;
    this.meters = meters;
    this.window = Math.max(1, window);
    this.rules = rules;
    this.backoff = backoff;
  }

  /** Entries just committed; {@code (prevLsn, prevEpoch)} is the entry before the first. */
  void offer(List<LogEntry> entries, long prevLsn, long prevEpoch) {
    synchronized (this) {
      offerLocked(entries, prevLsn, prevEpoch);
    }
    reportHigherEpoch();
  }

  private void offerLocked(List<LogEntry> entries, long prevLsn, long prevEpoch) {
    if (closed || entries.isEmpty()) {
      return;
    }
    long bufferEnd = buffer.isEmpty() ? bufferPrevLsn : buffer.get(buffer.size() - 1).lsn();
    if (buffer.isEmpty() || prevLsn != bufferEnd) {
      // Not after what is buffered (the first offer, or entries dropped meanwhile): start afresh
      // here; the secondary pulls whatever it misses before.
      buffer.clear();
      sent = 0;
      bufferPrevLsn = prevLsn;
      bufferPrevEpoch = prevEpoch;
    }
    buffer.addAll(entries);
    if (buffer.size() > MAX_BUFFERED) {
      dropFirst(buffer.size() - MAX_BUFFERED);
    }
    pump();
  }

  /**
   * Every few hundred ms: sends what is buffered once a back-off is over, or, when nothing is in
   * flight, an empty request naming the primary's last entry, so the secondary keeps acknowledging
   * this epoch (the lease) and learns where the log ends.
   */
  void ping(long lastLsn, long lastEpoch) {
    synchronized (this) {
      if (closed || clock.nanos() < downUntilNanos) {
        return;
      }
      if (sent < buffer.size()) {
        pump();
      } else if (inFlight == 0) {
        send(List.of(), lastLsn, lastEpoch);
      }
    }
    reportHigherEpoch();
  }

  /**
   * Tells the coordinator of a higher epoch an answer carried, never under this link's lock: an
   * answer already complete when {@link #send} attaches its callback is handled inline, under the
   * lock, and the coordinator's step-down takes the commit lock and then this link's ({@link
   * #close}) — from another thread at once, that order against this one deadlocked (SafetyRulesTest
   * hung in CI, 2026-11-27). So {@link #done} only records it when the lock is held, and every
   * entry point reports it after releasing the lock.
   */
  private void reportHigherEpoch() {
    long e;
    synchronized (this) {
      e = pendingHigherEpoch;
      pendingHigherEpoch = -1;
    }
    if (e >= 0) {
      onHigherEpoch.accept(e);
    }
  }

  synchronized void close() {
    closed = true;
    buffer.clear();
    sent = 0;
  }

  /** Sends buffered entries while the window has room. */
  private void pump() {
    while (!closed
        && inFlight < window
        && sent < buffer.size()
        && clock.nanos() >= downUntilNanos) {
      int n = Math.min(buffer.size() - sent, MAX_ENTRIES_PER_REQUEST);
      List<LogEntry> batch = List.copyOf(buffer.subList(sent, sent + n));
      long prevLsn = sent == 0 ? bufferPrevLsn : buffer.get(sent - 1).lsn();
      long prevEpoch = sent == 0 ? bufferPrevEpoch : buffer.get(sent - 1).epoch();
      sent += n;
      send(batch, prevLsn, prevEpoch);
    }
  }

  private void send(List<LogEntry> batch, long prevLsn, long prevEpoch) {
    inFlight++;
    meters.sent(batch.size(), inFlight);
    long start = clock.nanos();
    long lastLsn = batch.isEmpty() ? prevLsn : batch.get(batch.size() - 1).lsn();
    long gen = generation;
    ReplicateRequest request =
        new ReplicateRequest(
            epoch, primaryName, prevLsn, prevEpoch, batch, peer.name(), commitLsn.get());
    CompletableFuture<ReplicateResponse> answer;
    try {
      answer = transport.replicate(peer, request);
    } catch (RuntimeException e) {
      // A transport that fails before sending still frees the slot (rule 10).
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((resp, err) -> done(resp, err, start, lastLsn, gen));
  }

  private void done(ReplicateResponse resp, Throwable err, long start, long lastLsn, long gen) {
    long higherEpoch = -1;
    synchronized (this) {
      boolean current = gen == generation;
      if (current) {
        inFlight--;
      }
      if (err == null) {
        backoff.reset();
        meters.answered(clock.nanos() - start);
        long match = rules.acknowledgedLsn(resp.matchLsn(), lastLsn);
        tracker.peerReport(peer.name(), resp.inSync(), match, start, clock.nanos());
        if (resp.inSync() && match > acked) {
          acked = match;
          trim();
        }
        if (current && !closed && !(resp.inSync() && match >= lastLsn)) {
          resendFrom(resp.inSync() ? match : -1);
        }
      } else {
        Throwable cause =
            err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof PeerRefusal r && r.status() == 409) {
          higherEpoch = Math.max(r.epoch(), epoch + 1);
        }
        tracker.peerLost(peer.name());
        if (current) {
          // Everything unacknowledged goes again after the back-off (ping or the next offer).
          newGeneration();
          sent = 0;
          downUntilNanos = clock.nanos() + backoff.next().toNanos();
        }
      }
      if (higherEpoch < 0) {
        pump();
      }
    }
    if (higherEpoch >= 0) {
      synchronized (this) {
        pendingHigherEpoch = Math.max(pendingHigherEpoch, higherEpoch);
      }
    }
    if (!Thread.holdsLock(this)) {
      // This answer's, or one a resend above learned inline.
      reportHigherEpoch();
    }
  }

  /**
   * The secondary answered below what its request carried: send again from {@code matchLsn + 1}
   * when the buffer still holds it; otherwise (or when it is out of sync, {@code matchLsn < 0})
   * forget what was sent and let the secondary pull the gap, sending only what is new.
   */
  private void resendFrom(long matchLsn) {
    newGeneration();
    if (matchLsn >= bufferPrevLsn && matchLsn >= 0) {
      dropFirst((int) Math.min(buffer.size(), matchLsn - bufferPrevLsn));
      sent = 0;
    } else {
      dropFirst(sent);
    }
  }

  private void newGeneration() {
    generation++;
    inFlight = 0;
    meters.resent();
  }

  /** Drops what the secondary acknowledged. */
  private void trim() {
    if (acked > bufferPrevLsn) {
      dropFirst((int) Math.min(buffer.size(), acked - bufferPrevLsn));
    }
  }

  private void dropFirst(int n) {
    if (n <= 0) {
      return;
    }
    LogEntry last = buffer.get(n - 1);
    bufferPrevLsn = last.lsn();
    bufferPrevEpoch = last.epoch();
    buffer.subList(0, n).clear();
    sent = Math.max(0, sent - n);
  }
}
