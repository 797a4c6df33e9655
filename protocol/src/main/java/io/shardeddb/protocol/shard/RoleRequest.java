package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;

/**
 * {@code POST /role}: the operator tells a replica its role for {@code epoch}. {@code primary} is
 * the shard's primary for that epoch; {@code peers} are the <em>voting</em> replicas that currently
 * have an address (including the receiver when it votes); {@code replicas} is the number of voting
 * replicas, over which the write quorum is counted (DESIGN §5 rule 5: never over the peers that
 * happen to exist); {@code learners} are replicas that copy in while the shard grows (rule 12): the
 * primary replicates to them but never counts their acknowledgements, and they are never elected,
 * until the operator makes them voters by sending the role again with a larger voting set. {@code
 * writeQuorum} decides when the primary acknowledges. A replica refuses (409) a role whose epoch is
 * lower than the highest it has seen, and a second, different primary for the same epoch.
 */
@Serdeable
public record RoleRequest(
    long epoch,
    Role role,
    Peer primary,
    List<Peer> peers,
    WriteQuorum writeQuorum,
    int replicas,
    List<Peer> learners) {

  public RoleRequest {
    learners = learners == null ? List.of() : List.copyOf(learners);
  }

  /** A role request without learners (every peer votes), as operators before them send it. */
  public RoleRequest(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum writeQuorum,
      int replicas) {
    this(epoch, role, primary, peers, writeQuorum, replicas, List.of());
  }
}
