package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * One replicated change: its position ({@code lsn}, one higher than the previous entry of the
 * shard), the epoch of the primary that wrote it, the operation, the rows or key it touches, and
 * the client request id (so a retried request is recognised and not applied twice).
 */
@Serdeable
public record LogEntry(
    long lsn,
    long epoch,
    Operation op,
    List<Map<String, Object>> rows,
    Long key,
    String requestId) {}
