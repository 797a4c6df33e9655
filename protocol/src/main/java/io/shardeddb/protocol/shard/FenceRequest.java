package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code POST /fence}: the first phase of a failover (DESIGN §5 rule 2). The replica persists
 * {@code epoch} as the highest it has seen, stops accepting writes, replication and roles of older
 * epochs, and answers with how far its log goes ({@link FenceResponse}). It refuses (409) an epoch
 * lower than one it has already seen; a repeat of the same epoch is answered again.
 */
@Serdeable
public record FenceRequest(long epoch) {}
