package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The reply to {@code /fence}, read only after {@code epoch} is durably persisted: the epoch and
 * LSN of the last log entry this replica holds, and its state. A replica in state {@code Copying}
 * (a re-copy begun and not finished, even across a restart) holds an incomplete table and is never
 * a failover candidate, nor does it count toward the fenced majority. {@code handsOverLease}: this
 * replica was the unfenced primary of its epoch, past its wait after promotion, when it took this
 * fence — from the fence on it serves no lease read nor timestamp, and no primary before it can
 * still hold a lease, so a primary promoted at the fence's epoch need not wait one lease period
 * (DESIGN §5 rule 9; the operator passes it on in the role's {@code leaseHandedOver}). False from
 * shard-servers before it.
 */
@Serdeable
public record FenceResponse(
    String name,
    long epoch,
    long lastEntryEpoch,
    long lastLsn,
    ReplicaState state,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean handsOverLease) {

  /** A fence answer that hands no lease over. */
  public FenceResponse(
      String name, long epoch, long lastEntryEpoch, long lastLsn, ReplicaState state) {
    this(name, epoch, lastEntryEpoch, lastLsn, state, false);
  }
}
