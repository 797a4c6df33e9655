package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;

/**
 * {@code POST /role}: the operator tells a replica its role for {@code epoch}. {@code primary} is
 * the shard's primary for that epoch; {@code peers} are all replicas of the shard (including the
 * receiver); {@code writeQuorum} decides when the primary acknowledges. A replica refuses (409) a
 * role whose epoch is lower than the highest it has seen.
 */
@Serdeable
public record RoleRequest(
    long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum writeQuorum) {}
