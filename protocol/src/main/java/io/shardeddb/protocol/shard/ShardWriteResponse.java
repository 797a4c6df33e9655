package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The shard-server's reply to {@code /write}, {@code /update} and {@code /del}: the assignment's
 * message and status ({@code current_idx} for writes), plus the log position {@code (epoch, lsn)}
 * at which the change was acknowledged (for session tokens; the epoch is the primary's when it
 * answered, which for a deduplicated retry of an older epoch's entry only makes a session read fall
 * back to the primary). {@code acks} is how many replicas, the primary included, held the entry
 * when the primary saw its write quorum reached (at least the quorum; more when other secondaries
 * had it too), out of {@code replicas}, the replicas of the spec the quorum is counted over (DESIGN
 * §5 rule 5). Older shard-servers leave both out.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"message", "current_idx", "status", "lsn", "epoch", "acks", "replicas"})
public record ShardWriteResponse(
    String message,
    @JsonProperty("current_idx") Integer currentIdx,
    String status,
    Long lsn,
    Long epoch,
    Integer acks,
    Integer replicas,
    Long timestamp) {

  /** A reply without a global timestamp (older shard-servers). */
  public ShardWriteResponse(
      String message,
      Integer currentIdx,
      String status,
      Long lsn,
      Long epoch,
      Integer acks,
      Integer replicas) {
    this(message, currentIdx, status, lsn, epoch, acks, replicas, null);
  }

  /** A reply without acknowledgement counts (older shard-servers). */
  public ShardWriteResponse(
      String message, Integer currentIdx, String status, Long lsn, Long epoch) {
    this(message, currentIdx, status, lsn, epoch, null, null);
  }

  /** A reply without an epoch (older shard-servers). */
  public ShardWriteResponse(String message, Integer currentIdx, String status, Long lsn) {
    this(message, currentIdx, status, lsn, null);
  }
}
