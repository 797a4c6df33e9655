package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.PointRange;
import java.util.List;

/**
 * The outcome of a range change: the log position {@code (epoch, lsn)} of the entry that made it
 * (for a fence, the source's last entry touching the range is at or before {@code lsn}), the ranges
 * the shard owns afterwards, and for a purge the rows removed.
 */
@Serdeable
public record RangeChangeResponse(long epoch, long lsn, List<PointRange> owned, long rows) {}
