package io.shardeddb.operator.recopy;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import org.junit.jupiter.api.Test;

/** When a replica must re-copy, and when a finished copy may rejoin. */
class RecopyPolicyTest {

  private final RecopyPolicy policy = new RecopyPolicy();

  private static Heartbeat beat(Role role, long entryEpoch, long lsn, ReplicaState state) {
    return Heartbeat.builder("r", "sh1")
        .role(role)
        .epoch(3)
        .appliedLsn(lsn)
        .lastEntryEpoch(entryEpoch)
        .primary("p")
        .lagLsn(0)
        .state(state)
        .build();
  }

  private final Heartbeat primary = beat(Role.Primary, 3, 100, ReplicaState.Ready);

  @Test
  void anEmptyReplicaOfAPrimaryWithDataMustResync() {
    RecopyDecision d =
        policy.decide(beat(Role.Secondary, 0, 0, ReplicaState.Ready), primary, false);

    assertThat(d.resync()).isTrue();
    assertThat(d.reason()).contains("empty");
  }

  @Test
  void aHealthySecondarySampledAfterThePrimaryLooksAheadAndIsNotReCopied() {
    // Heartbeats are taken at different moments: under load the later one is "ahead".
    assertThat(policy.decide(beat(Role.Secondary, 3, 101, ReplicaState.Ready), primary, false))
        .isEqualTo(RecopyDecision.NONE);
  }

  @Test
  void divergenceIsLeftToLogMatchingOnTheShardServersNotJudgedFromHeartbeats() {
    assertThat(policy.decide(beat(Role.Secondary, 4, 90, ReplicaState.Fenced), primary, false))
        .isEqualTo(RecopyDecision.NONE);
  }

  @Test
  void aReplicaThatHadToBeConfiguredAgainCameBackEmptyAndResyncs() {
    RecopyDecision d =
        policy.decide(beat(Role.Secondary, 0, 0, ReplicaState.AwaitingRole), primary, true);

    assertThat(d.resync()).isTrue();
    assertThat(d.reason()).contains("came back empty");
  }

  @Test
  void anEmptyPrimaryGivesAnEmptyReplicaNothingToCopy() {
    Heartbeat emptyPrimary = beat(Role.Primary, 0, 0, ReplicaState.Ready);

    assertThat(policy.decide(beat(Role.Secondary, 0, 0, ReplicaState.Ready), emptyPrimary, true))
        .isEqualTo(RecopyDecision.NONE);
  }

  @Test
  void aReplicaBehindThePrimaryCatchesUpFromTheLogInstead() {
    assertThat(policy.decide(beat(Role.Secondary, 3, 60, ReplicaState.CatchingUp), primary, false))
        .isEqualTo(RecopyDecision.NONE);
    assertThat(policy.decide(beat(Role.Secondary, 2, 60, ReplicaState.CatchingUp), primary, false))
        .isEqualTo(RecopyDecision.NONE);
  }

  @Test
  void aReplicaAlreadyCopyingIsLeftAlone() {
    assertThat(policy.decide(beat(Role.Secondary, 0, 0, ReplicaState.Copying), primary, true))
        .isEqualTo(RecopyDecision.NONE);
  }

  @Test
  void aCopyRejoinsOnlyWhenItsChecksumMatchesThePrimaryAtTheSameLsn() {
    ChecksumResponse primarySum = new ChecksumResponse("sh1", 40, "abc", 100);

    assertThat(policy.verify(new ChecksumResponse("sh1", 40, "abc", 100), primarySum))
        .isEqualTo(RecopyPolicy.Verification.MATCHES);
    assertThat(policy.verify(new ChecksumResponse("sh1", 40, "abd", 100), primarySum))
        .isEqualTo(RecopyPolicy.Verification.DIFFERS);
    assertThat(policy.verify(new ChecksumResponse("sh1", 39, "xyz", 99), primarySum))
        .isEqualTo(RecopyPolicy.Verification.NOT_COMPARABLE);
  }
}
