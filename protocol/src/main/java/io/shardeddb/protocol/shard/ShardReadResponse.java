package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * The shard-server's reply to {@code POST /read {"shard":"sh2","Stud_id":{"low":..,"high":..}}}:
 * the rows in key order, and the LSN they reflect. {@code (epoch, lsn)} name the last log entry the
 * rows include (the replica's applied position), ready to be a session token (DESIGN §5 rule 9);
 * {@code appliedLsn} equals {@code lsn} and is kept for older readers. A reply holds one page of at
 * most the server's page size (or the request's {@code limit}); {@code next} is then the first key
 * not yet returned — read again from it — and null when the range is complete.
 */
@Serdeable
public record ShardReadResponse(
    List<Map<String, Object>> data,
    String status,
    Long appliedLsn,
    Long lsn,
    Long epoch,
    Long next) {}
