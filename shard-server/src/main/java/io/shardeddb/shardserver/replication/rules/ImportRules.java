package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.List;
import java.util.Optional;

/**
 * Where an import (docs/resharding.md) reads the source shard from. Pure: the importer feeds it the
 * heartbeats it collected (and starts over when the answer names another primary or epoch).
 */
public final class ImportRules {
  private ImportRules() {}

  /** What one of the source's replicas said about itself. */
  /**
   * A source replica's answer at {@code url}: its name (the pod), role, epoch and state. The import
   * names the one it reads from ({@code name} and {@code epoch}) on every range call, so no other
   * server answering at that address is read (rules 4, 7 and 13).
   */
  public record SourceReplica(String url, String name, Role role, long epoch, ReplicaState state) {}

  /**
   * The source replica to read from: the unfenced primary of the highest epoch any answering
   * replica has seen. Empty while no such primary answers — in particular while some replica has
   * seen a higher epoch than the primary (a failover is under way, the primary may be stale).
   */
  public static Optional<SourceReplica> sourcePrimary(List<SourceReplica> answers) {
    long highest = answers.stream().mapToLong(SourceReplica::epoch).max().orElse(-1);
    return answers.stream()
        .filter(a -> a.role() == Role.Primary && a.state() != ReplicaState.Fenced)
        .filter(a -> a.epoch() == highest)
        .findFirst();
  }

  /**
   * Whether the source primary an import reads from still leads, from its own heartbeat {@code hb}
   * alone (null: it did not answer): the same replica, primary of the same epoch, unfenced, its
   * term's no-op committed and not stood down (rule 11: it heard from a majority within a lease
   * period, which a majority fenced by a later epoch would no longer give it). False sends the
   * importer to ask every source replica ({@link #sourcePrimary}). Liveness only: a page holds
   * entries its primary had on a quorum (rule 13), history whatever happens to that primary later.
   */
  public static boolean stillLeads(SourceReplica src, Heartbeat hb) {
    return hb != null
        && src.name().equals(hb.name())
        && hb.role() == Role.Primary
        && hb.state() != ReplicaState.Fenced
        && hb.epoch() == src.epoch()
        && hb.quorum() != null
        && hb.quorum().termCommitted()
        && !hb.quorum().steppedDown();
  }
}
