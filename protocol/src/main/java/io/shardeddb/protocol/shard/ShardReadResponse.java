package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.schema.ShardKeys;
import java.util.List;
import java.util.Map;

/**
 * The shard-server's reply to {@code POST /read {"shard":"sh2","Stud_id":{"low":..,"high":..}}}:
 * the rows in key order, and the LSN they reflect. {@code (epoch, lsn)} name the last log entry the
 * rows include (the replica's applied position), ready to be a session token (DESIGN §5 rule 9);
 * {@code appliedLsn} equals {@code lsn} and is kept for older readers. A reply holds one page of at
 * most the server's page size (or the request's {@code limit}); {@code next} is then the first key
 * not yet returned — read again from it — and null when the range is complete: a key value ({@link
 * ShardKeys}), a Long for a Number key and a String for a String key. A request with a {@code
 * filter} ({@link ReadFilter}) gets only the matching rows, paged the same way; a request with
 * {@code "count": true} gets no rows but {@code count}, how many rows of the range match (an older
 * shard-server ignores both fields: no {@code count} in its reply tells the caller so).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardReadResponse(
    List<Map<String, Object>> data,
    String status,
    Long appliedLsn,
    Long lsn,
    Long epoch,
    Object next,
    Long count) {

  /** {@code next} as one key value: JSON gives a small integer as an Integer. */
  public ShardReadResponse {
    next = ShardKeys.normalize(next);
  }

  /** A page of rows (no count). */
  public ShardReadResponse(
      List<Map<String, Object>> data,
      String status,
      Long appliedLsn,
      Long lsn,
      Long epoch,
      Object next) {
    this(data, status, appliedLsn, lsn, epoch, next, null);
  }
}
