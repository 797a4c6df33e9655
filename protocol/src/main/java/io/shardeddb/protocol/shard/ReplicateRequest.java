package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code POST /replicate}: the primary of {@code epoch} sends consecutive log entries to a
 * secondary. A secondary that has seen a higher epoch refuses with 409 (this fences an old
 * primary).
 */
@Serdeable
public record ReplicateRequest(long epoch, String primary, List<LogEntry> entries) {}
