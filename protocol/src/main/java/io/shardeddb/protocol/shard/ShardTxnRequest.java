package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The body of {@code POST /txn}: one transaction's {@code steps} on {@code shard}, committed as one
 * log entry or not at all, deduplicated by {@code requestId} like any write (DESIGN §5 rule 8).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardTxnRequest(String shard, List<TxnStep> steps, String requestId, Long timestamp) {

  /** A transaction without a global timestamp. */
  public ShardTxnRequest(String shard, List<TxnStep> steps, String requestId) {
    this(shard, steps, requestId, null);
  }
}
