package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;

/**
 * {@code POST /role}: the operator tells a replica its role for {@code epoch}. {@code primary} is
 * the shard's primary for that epoch; {@code peers} are the replicas that currently have an address
 * (including the receiver); {@code replicas} is the number of replicas the spec asks for, over
 * which the write quorum is counted (DESIGN §5 rule 5: never over the peers that happen to exist);
 * {@code writeQuorum} decides when the primary acknowledges. A replica refuses (409) a role whose
 * epoch is lower than the highest it has seen, and a second, different primary for the same epoch.
 */
@Serdeable
public record RoleRequest(
    long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum writeQuorum, int replicas) {}
