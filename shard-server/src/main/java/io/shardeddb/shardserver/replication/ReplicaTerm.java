package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;

/**
 * Who a replica was told it is: its epoch and role, the primary and peers the role named, the write
 * quorum and the spec's replica count (rule 5), whether a higher epoch fenced it, and the vote it
 * persisted (rule 1). Immutable: {@link ReplicaContext} replaces it whole, after the caller
 * persisted what must survive a restart.
 */
record ReplicaTerm(
    long epoch,
    Role role,
    Peer primary,
    List<Peer> peers,
    WriteQuorum quorum,
    int specReplicas,
    boolean fenced,
    long voteEpoch,
    String votedPrimary) {

  /** A replica that was never given a role. */
  static final ReplicaTerm NONE =
      new ReplicaTerm(0, Role.None, null, List.of(), WriteQuorum.Majority, 0, false, 0, null);

  /** As read back from storage at start-up; whether it was fenced stays as it was. */
  ReplicaTerm restored(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum quorum,
      long voteEpoch,
      String votedPrimary,
      int specReplicas) {
    return new ReplicaTerm(
        epoch, role, primary, peers, quorum, specReplicas, fenced, voteEpoch, votedPrimary);
  }

  /** A role assigned at {@code epoch}: the vote goes to its primary, a fence is lifted. */
  static ReplicaTerm assigned(
      long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum quorum, int specReplicas) {
    return new ReplicaTerm(
        epoch,
        role,
        primary,
        List.copyOf(peers),
        quorum,
        specReplicas,
        false,
        epoch,
        primary.name());
  }

  /** A peer reported epoch {@code seenEpoch}: no role and no primary until one is assigned. */
  ReplicaTerm fencedBy(long seenEpoch) {
    return new ReplicaTerm(
        Math.max(epoch, seenEpoch),
        Role.None,
        null,
        peers,
        quorum,
        specReplicas,
        true,
        voteEpoch,
        votedPrimary);
  }

  /** The unfenced primary of {@code termEpoch}. */
  boolean primaryOf(long termEpoch) {
    return role == Role.Primary && !fenced && epoch == termEpoch;
  }
}
