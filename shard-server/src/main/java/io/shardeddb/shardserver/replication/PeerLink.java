package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The primary's sender to one secondary: one request in flight at a time, and whatever was
 * committed meanwhile goes in the next request (so concurrent writes share round trips and arrive
 * in LSN order). Each request names the entry before its first one (log matching, rule 4); only an
 * in-sync answer counts toward the quorum, and an unreachable secondary loses what it was credited
 * with (rule 5). When the secondary is unreachable, entries are dropped for a short back-off; the
 * secondary notices the gap and pulls them from the log itself.
 */
final class PeerLink {
  private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final int MAX_ENTRIES_PER_REQUEST = 4096;

  private final Peer peer;
  private final long epoch;
  private final String primaryName;
  private final PeerTransport transport;
  private final ReplicaClock clock;
  private final QuorumTracker tracker;
  private final LongConsumer onHigherEpoch;
  private final ReplicationMeters meters;
  private final List<LogEntry> pending = new ArrayList<>();
  private long pendingPrevLsn;
  private long pendingPrevEpoch;
  private boolean inFlight;
  private boolean closed;
  private long downUntilNanos;

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
      ReplicationMeters meters) {
    this.peer = peer;
    this.epoch = epoch;
    this.primaryName = primaryName;
    this.transport = transport;
    this.clock = clock;
    this.tracker = tracker;
    this.onHigherEpoch = onHigherEpoch;
    this.meters = meters;
  }

  /** Entries just committed; {@code (prevLsn, prevEpoch)} is the entry before the first. */
  synchronized void offer(List<LogEntry> entries, long prevLsn, long prevEpoch) {
    if (closed || clock.nanos() < downUntilNanos) {
      return;
    }
    if (pending.isEmpty()) {
      pendingPrevLsn = prevLsn;
      pendingPrevEpoch = prevEpoch;
    }
    pending.addAll(entries);
    if (!inFlight) {
      sendLocked();
    }
  }

  /**
   * When idle: an empty request naming the primary's last entry, so the secondary keeps
   * acknowledging this epoch (the lease) and learns where the log ends.
   */
  synchronized void ping(long lastLsn, long lastEpoch) {
    if (closed || inFlight || !pending.isEmpty() || clock.nanos() < downUntilNanos) {
      return;
    }
    send(List.of(), lastLsn, lastEpoch);
  }

  synchronized void close() {
    closed = true;
    pending.clear();
  }

  private void sendLocked() {
    int n = Math.min(pending.size(), MAX_ENTRIES_PER_REQUEST);
    List<LogEntry> batch = new ArrayList<>(pending.subList(0, n));
    pending.subList(0, n).clear();
    long prevLsn = pendingPrevLsn;
    long prevEpoch = pendingPrevEpoch;
    LogEntry last = batch.get(batch.size() - 1);
    pendingPrevLsn = last.lsn();
    pendingPrevEpoch = last.epoch();
    send(batch, prevLsn, prevEpoch);
  }

  private void send(List<LogEntry> batch, long prevLsn, long prevEpoch) {
    inFlight = true;
    meters.sent(batch.size(), 1);
    long start = clock.nanos();
    transport
        .replicate(peer, new ReplicateRequest(epoch, primaryName, prevLsn, prevEpoch, batch))
        .whenComplete((resp, err) -> done(resp, err, start));
  }

  private void done(ReplicateResponse resp, Throwable err, long start) {
    long higherEpoch = -1;
    synchronized (this) {
      inFlight = false;
      if (err == null) {
        meters.answered(clock.nanos() - start);
        tracker.peerReport(peer.name(), resp.inSync(), resp.matchLsn(), start);
      } else {
        Throwable cause =
            err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof PeerRefusal r && r.status() == 409) {
          higherEpoch = Math.max(r.epoch(), epoch + 1);
        }
        tracker.peerLost(peer.name());
        pending.clear();
        downUntilNanos = clock.nanos() + BACKOFF_NANOS;
      }
      if (!closed && !pending.isEmpty() && higherEpoch < 0) {
        sendLocked();
      }
    }
    if (higherEpoch >= 0) {
      onHigherEpoch.accept(higherEpoch);
    }
  }
}
