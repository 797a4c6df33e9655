package io.shardeddb.shardserver.backup;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code GET /backup/status}: whether archiving is on, this replica's role in it, the archived and
 * committed LSNs, the archive lag, bytes shipped, the last error, whether it is stalled (failing
 * past {@code stall-after} while entries wait; the log is then held back, not trimmed, up to {@code
 * max-unarchived-entries}: past that it is trimmed and the archive has a gap), a gap in the archive
 * if one was found, and why the archive is refused when it belongs to another incarnation of the
 * database (docs/backup.md, "One owner per archive").
 */
@Serdeable
public record ArchiveStatus(
    boolean enabled,
    String shard,
    boolean archiving,
    long archivedLsn,
    long committedLsn,
    long archivedThroughMillis,
    long lagMillis,
    long bytes,
    @Nullable String lastError,
    boolean stalled,
    @Nullable String gap,
    @Nullable String refused) {}
