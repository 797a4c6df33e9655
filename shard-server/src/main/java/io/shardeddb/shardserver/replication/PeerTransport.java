package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * What a replica asks of the other replicas of its shard. {@link PeerClient} implements it over
 * HTTP/JSON; the simulator over its simulated network.
 *
 * <p>The contract that lets a pipelined transport (issue 27: a window of batches in flight per
 * peer) implement it without changing the replica: {@link #replicate} never blocks and may be
 * called again before an earlier call completed; each request names the entry before its first one
 * (log matching, rule 4), so a secondary appends it only after everything before it; and the answer
 * is cumulative — {@link ReplicateResponse#matchLsn()} is the highest LSN the secondary holds in
 * sync with this primary's log, whatever request it answers, so the caller takes the maximum and a
 * lost or reordered answer costs nothing but time. Every call has a deadline (rule 10): a future
 * completes exceptionally with a {@link PeerRefusal} (the peer answered no) or any other error
 * (unreachable, timed out).
 */
public interface PeerTransport {
  /**
   * Sends {@code request} (entries, or none: a ping that keeps the lease, rule 9) to the secondary
   * {@code peer}; completes with its cumulative acknowledgement.
   */
  CompletableFuture<ReplicateResponse> replicate(Peer peer, ReplicateRequest request);

  /**
   * Pulls the log from {@code fromLsn} on from {@code primary} (at {@code url}) as the primary of
   * {@code epoch}; {@code prevEpoch} is the epoch of the caller's entry at {@code fromLsn - 1}, so
   * the primary answers 409 when the logs diverged and 410 when it no longer holds the range.
   */
  LogResponse log(
      String url,
      long fromLsn,
      long prevEpoch,
      String replica,
      int limit,
      String primary,
      long epoch)
      throws IOException, InterruptedException;

  /**
   * Opens the consistent snapshot (header, rows, request outcomes) of {@code primary} (at {@code
   * url}) as the primary of {@code epoch}, for a re-copy; any other server at that address refuses
   * (a {@link PeerRefusal} with status 421).
   */
  SnapshotStream snapshot(String url, String primary, long epoch)
      throws IOException, InterruptedException;
}
