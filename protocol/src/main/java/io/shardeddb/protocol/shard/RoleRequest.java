package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * writeQuorum} decides when the primary acknowledges. {@code chosenAt} (Primary only) is the log
 * position the replica was chosen for: the last entry of its fence answer in a failover, the fenced
 * primary's last entry it caught up with in a planned switch-over, its heartbeat's position when a
 * sitting primary is told its role again, and 0/0 at the first bring-up of an empty shard. A
 * replica refuses (409) a role whose epoch is lower than the highest it has seen, a second,
 * different primary for the same epoch, and a Primary role when its own last entry is before {@code
 * chosenAt} (it lost entries since it was chosen, e.g. its volume; rule 2). {@code chosenAt} absent
 * (operators before it): no such check. {@code leaseHandedOver} (Primary only): the primary of the
 * epoch before handed its lease over when it took this epoch's fence (its fence answer's {@code
 * handsOverLease}, a planned switch-over), so the new primary serves lease reads and timestamps at
 * once instead of one lease period after its promotion (DESIGN §5 rule 9).
 */
@Serdeable
public record RoleRequest(
    long epoch,
    Role role,
    Peer primary,
    List<Peer> peers,
    WriteQuorum writeQuorum,
    int replicas,
    List<Peer> learners,
    @JsonInclude(JsonInclude.Include.NON_NULL) LogPosition chosenAt,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean leaseHandedOver) {

  public RoleRequest {
    learners = learners == null ? List.of() : List.copyOf(learners);
  }

  /** A role request whose primary waits one lease period after its promotion. */
  public RoleRequest(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum writeQuorum,
      int replicas,
      List<Peer> learners,
      LogPosition chosenAt) {
    this(epoch, role, primary, peers, writeQuorum, replicas, learners, chosenAt, false);
  }

  /** The same request, saying the former primary handed its lease over at this epoch's fence. */
  public RoleRequest withLeaseHandedOver(boolean handedOver) {
    return new RoleRequest(
        epoch, role, primary, peers, writeQuorum, replicas, learners, chosenAt, handedOver);
  }

  /** A role request that names no chosen position, as operators before it send it. */
  public RoleRequest(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum writeQuorum,
      int replicas,
      List<Peer> learners) {
    this(epoch, role, primary, peers, writeQuorum, replicas, learners, null);
  }

  /** The same request, naming the position its primary was chosen for. */
  public RoleRequest chosenAt(LogPosition position) {
    return new RoleRequest(
        epoch, role, primary, peers, writeQuorum, replicas, learners, position, leaseHandedOver);
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
