package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.time.Instant;
import java.util.List;

/**
 * When the recorded primary, which holds every acknowledged write, is sent its own role again
 * rather than replaced by an election: its {@code /role} call was lost, so it still serves the
 * epoch before ({@link #behindItsRecordedEpoch}, issue 47) or stood down without ever taking the
 * recorded epoch's role ({@link #neverTookItsRole}). Both were simulator seed 1162: four voters,
 * two of them holding data, and NoQuorum to the end.
 */
final class RecordedPrimary {
  private RecordedPrimary() {}

  /**
   * Whether the recorded primary answers as a primary of an epoch below the recorded one, not
   * fenced, while no replica has seen an epoch above the recorded one (nothing was elected since):
   * its re-announce's {@code /role} call timed out, its secondaries at the recorded epoch refuse
   * its pings, report it lost, and it stands down.
   */
  static boolean behindItsRecordedEpoch(Heartbeat primaryBeat, long epoch, long seen) {
    return primaryBeat != null
        && primaryBeat.role() == Role.Primary
        && primaryBeat.epoch() < epoch
        && primaryBeat.state() != ReplicaState.Fenced
        && seen <= epoch;
  }

  /**
   * The wait of a primary {@link #behindItsRecordedEpoch}, with its role of {@code epoch} sent
   * again at the position it holds.
   */
  static ShardPlan roleSentAgain(
      ShardObservation o,
      long epoch,
      String primary,
      Heartbeat primaryBeat,
      String primaryUrl,
      Instant since) {
    return ShardPlan.waiting(
            epoch,
            primary,
            since.toString(),
            ShardPhase.PrimaryUnavailable,
            "primary "
                + primary
                + " answers at epoch "
                + primaryBeat.epoch()
                + " below the recorded "
                + epoch
                + "; its role sent again")
        .withActions(
            List.of(
                new AssignRole(
                    primary,
                    primaryUrl,
                    RoleRequests.roleRequest(
                        o, primary, epoch, primary, RoleRequests.positionOf(primaryBeat)))));
  }

  /**
   * Whether the recorded primary does not serve the recorded epoch's role (it answers as something
   * else or at another epoch: the role was lost, and its secondaries' refusal made it stand down at
   * their epoch) while no election can win and it holds every acknowledged write ({@link
   * ShardElection#recordedPrimaryResumes}: every pod answers, none holds an entry of a later
   * epoch). A primary that serves the recorded epoch but reaches no majority is not one: its role
   * arrived.
   */
  static boolean neverTookItsRole(
      ShardObservation o, long epoch, String primary, Heartbeat primaryBeat) {
    return primaryBeat != null
        && !(primaryBeat.role() == Role.Primary && primaryBeat.epoch() == epoch)
        && ShardElection.recordedPrimaryResumes(o, epoch, primary);
  }
}
