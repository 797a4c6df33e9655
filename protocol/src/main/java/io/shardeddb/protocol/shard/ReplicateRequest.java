package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code POST /replicate}: the primary of {@code epoch} sends consecutive log entries to a
 * secondary. {@code (prevEpoch, prevLsn)} name the entry just before the first one (DESIGN §5 rule
 * 4, log matching): a secondary appends only if its log holds that entry, otherwise it answers
 * {@code inSync=false} and catches up (or re-copies) on its own. A secondary that has seen a higher
 * epoch refuses with 409 (this fences an old primary). {@code replica} names the secondary the
 * request is meant for: any other server at that address refuses it with 421, so an address reused
 * by another replica of the shard never answers for the named one (one copy counted twice would let
 * a write be acknowledged by fewer replicas than its quorum, rule 5). Null: not checked (older
 * primaries).
 */
@Serdeable
public record ReplicateRequest(
    long epoch,
    String primary,
    long prevLsn,
    long prevEpoch,
    List<LogEntry> entries,
    String replica) {

  /** A request that names no receiver (primaries before {@code replica}). */
  public ReplicateRequest(
      long epoch, String primary, long prevLsn, long prevEpoch, List<LogEntry> entries) {
    this(epoch, primary, prevLsn, prevEpoch, entries, null);
  }
}
