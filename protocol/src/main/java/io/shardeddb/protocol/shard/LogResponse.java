package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code GET /log?fromLsn=}: entries from {@code fromLsn} on (bounded per call), and the primary's
 * last LSN. When the primary no longer holds {@code fromLsn} it answers 410 Gone and the caller
 * re-copies from a snapshot instead.
 */
@Serdeable
public record LogResponse(List<LogEntry> entries, long lastLsn) {}
