package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.PointRange;

/**
 * Body of {@code POST /ranges/export} on a move's source primary (docs/security.md, "Who may call
 * what"): the operator's word that the pods of shard {@code destination} may read {@code range} of
 * this shard ({@code /log} and {@code /snapshot} with {@code low} and {@code size}) for move {@code
 * moveId}. Kept in memory for {@link #TTL_SECONDS} and re-sent by the operator every pass while the
 * move copies or cuts over, so a failover of the source loses it only until the next pass.
 */
@Serdeable
public record ExportGrant(String moveId, String destination, PointRange range) {
  /** How long a grant holds without being sent again. */
  public static final long TTL_SECONDS = 600;
}
