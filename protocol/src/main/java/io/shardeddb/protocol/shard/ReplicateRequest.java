package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
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
 *
 * <p>{@code commitLsn} is what a bounded read on the secondary is measured against (DESIGN §5 rule
 * 9, bounded reads): an LSN at or above every write any primary of the shard has acknowledged so
 * far — this primary's last entry as it sends the request (a write is acknowledged only after the
 * primary applied it, and a new primary holds every acknowledged write, rule 2) — sent only while
 * this primary holds its lease; null otherwise, and from primaries before the field (no promise).
 *
 * <p>{@code traces} names, per entry that came from a traced client write, the primary's write span
 * ({@link EntryTrace}; docs/monitoring.md, "Traces"): the secondary's apply span is that span's
 * child (of the first one; linked to the others). Null or empty while traces are off, and from
 * primaries before the field; never stored.
 */
@Serdeable
public record ReplicateRequest(
    long epoch,
    String primary,
    long prevLsn,
    long prevEpoch,
    List<LogEntry> entries,
    String replica,
    @Nullable Long commitLsn,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @Nullable List<EntryTrace> traces) {

  /** A request that names no trace (traces off). */
  public ReplicateRequest(
      long epoch,
      String primary,
      long prevLsn,
      long prevEpoch,
      List<LogEntry> entries,
      String replica,
      @Nullable Long commitLsn) {
    this(epoch, primary, prevLsn, prevEpoch, entries, replica, commitLsn, null);
  }

  /** This request naming {@code entryTraces} (a primary's transport adds them as it sends). */
  public ReplicateRequest withTraces(List<EntryTrace> entryTraces) {
    return new ReplicateRequest(
        epoch, primary, prevLsn, prevEpoch, entries, replica, commitLsn, entryTraces);
  }

  /** A request that makes no promise for bounded reads (no {@code commitLsn}). */
  public ReplicateRequest(
      long epoch,
      String primary,
      long prevLsn,
      long prevEpoch,
      List<LogEntry> entries,
      String replica) {
    this(epoch, primary, prevLsn, prevEpoch, entries, replica, null, null);
  }

  /** A request that names no receiver (primaries before {@code replica}). */
  public ReplicateRequest(
      long epoch, String primary, long prevLsn, long prevEpoch, List<LogEntry> entries) {
    this(epoch, primary, prevLsn, prevEpoch, entries, null, null, null);
  }
}
