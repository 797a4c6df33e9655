package io.shardeddb.shardserver.backup;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.shard.LogEntry;

/**
 * One line of an archive segment: a committed log entry, exactly as {@code /log} carries it, and
 * {@code t}, when the primary saw it committed (epoch millis; an upper bound on its commit time,
 * within the commit clock's sampling period) — what a restore to a time compares.
 */
@Serdeable
public record ArchivedEntry(long t, LogEntry entry) {}
