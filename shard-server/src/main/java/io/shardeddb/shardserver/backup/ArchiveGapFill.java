package io.shardeddb.shardserver.backup;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.shardserver.replication.PeerRefusal;
import io.shardeddb.shardserver.replication.PeerTransport;
import io.shardeddb.shardserver.replication.ReplicaContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a gap of the archive from a peer's log before it is recorded (backup review M1, DESIGN §9):
 * the entries a primary's log no longer holds (it began past the archive's end, e.g. at a re-copy's
 * snapshot) are usually still in a secondary's. A peer's entries are the shard's committed log only
 * if its entry at the gap's end — the primary's log base — has that base's epoch (rule 4, log
 * matching: equal LSN and epoch, equal prefix), asked first with {@code /log}'s previous-entry
 * check; each page's entry before it must have the archive's last epoch (the same check). While a
 * peer that did not answer might still hold the entries, the gap is not recorded for up to {@code
 * stall-after} since it was first seen: the pass fails and the next one asks again (the log is held
 * back meanwhile, as in a store outage). One per {@link Archiver}; called from its passes only.
 */
final class ArchiveGapFill {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveGapFill.class);

  /** The replica name a peer sees on a fill's {@code /log} (never a replica's own name). */
  static final String CALLER_SUFFIX = "#archiver";

  private final ReplicaContext ctx;
  private final PeerTransport peers;
  private final int pageSize;
  private final LongSupplier wallClock;

  /** When (wall clock) and at which LSN the current gap was first seen; -1: none. */
  private long seenAt = -1;

  private long seenFrom = -1;

  /** A fill over {@code peers} (null: none, every gap is recorded at once). */
  ArchiveGapFill(ReplicaContext ctx, PeerTransport peers, int pageSize, LongSupplier wallClock) {
    this.ctx = ctx;
    this.peers = peers;
    this.pageSize = pageSize;
    this.wallClock = wallClock;
  }

  /**
   * Archives what peers hold of the gap {@code from..to} ({@code archivedEpoch}: the epoch of the
   * archive's entry at {@code from - 1}) through {@code upload}, a page at a time; returns the last
   * LSN archived: {@code to} when filled, less when no peer could (the rest is a gap). Throws while
   * a silent peer might still fill it, within {@code patience} of the gap's first sight.
   */
  long fill(
      long from, long to, long archivedEpoch, Duration patience, Consumer<List<LogEntry>> upload) {
    long at = from - 1;
    if (peers == null || to != ctx.logStartLsn()) {
      return at;
    }
    long now = wallClock.getAsLong();
    if (seenAt < 0 || seenFrom != from) {
      seenAt = now;
      seenFrom = from;
    }
    long baseEpoch = ctx.logStartEpoch();
    String caller = ctx.name() + CALLER_SUFFIX;
    long prevEpoch = archivedEpoch;
    List<String> silent = new ArrayList<>();
    for (Peer peer : ctx.view().peers()) {
      if (peer.name().equals(ctx.name()) || at >= to) {
        continue;
      }
      try {
        // 200 only if the peer holds `to` with the base's epoch (409 otherwise, 410 trimmed).
        peers.log(peer.url(), to + 1, baseEpoch, caller, 1, null, 0);
        while (at < to) {
          LogResponse r = peers.log(peer.url(), at + 1, prevEpoch, caller, pageSize, null, 0);
          List<LogEntry> entries = r.entries().stream().takeWhile(e -> e.lsn() <= to).toList();
          if (entries.isEmpty() || entries.getFirst().lsn() != at + 1 || !contiguous(entries)) {
            break;
          }
          upload.accept(entries);
          at = entries.getLast().lsn();
          prevEpoch = entries.getLast().epoch();
        }
      } catch (PeerRefusal e) {
        // An answer: this peer does not hold them (410), or not as this log (409).
        LOG.info(
            "{}: {} cannot fill the archive's gap: {}", ctx.name(), peer.name(), e.getMessage());
      } catch (IOException e) {
        silent.add(peer.name() + " (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return at;
      }
    }
    if (at > from - 1) {
      LOG.info("{}: archived {}..{} from peers' logs", ctx.name(), from, at);
    }
    if (at < to && !silent.isEmpty() && now - seenAt < patience.toMillis()) {
      throw new IllegalStateException(
          "entries "
              + (at + 1)
              + ".."
              + to
              + " are not in this replica's log; waiting for "
              + String.join(", ", silent)
              + " to answer before recording a gap");
    }
    seenAt = -1;
    return at;
  }

  private static boolean contiguous(List<LogEntry> entries) {
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).lsn() != entries.get(i - 1).lsn() + 1) {
        return false;
      }
    }
    return true;
  }
}
