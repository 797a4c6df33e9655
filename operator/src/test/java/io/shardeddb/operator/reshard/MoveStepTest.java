package io.shardeddb.operator.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every branch of the resharder's pure decisions: {@link MoveStep#copying} (start the import,
 * advance, begin the cut-over, un-fence a source an earlier attempt left fenced) and the cut-over's
 * {@link MoveStep#next}: before the fence (publish on an earlier adopt, catch up first, fence) and
 * while it is held (publish when caught up or already adopted, wait while the destination's
 * ownership is unknown or the deadline is ahead, un-fence and retry when no import runs or the
 * deadline passed).
 */
class MoveStepTest {

  private static final PointRange ALL = new PointRange(0, 100);
  private static final PointRange UPPER = new PointRange(50, 50);
  private static final PointRange LOWER = new PointRange(0, 50);
  private static final Instant T0 = Instant.parse("2026-11-23T14:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String ID = "g7-src-dst-50+50";

  private static final MoveStatus CUTTING =
      new MoveStatus(ID, "src", "dst", 50, 50, MovePhase.CuttingOver, 50L, 990L, null, 1, "cut");
  private static final MoveStatus FENCED =
      CUTTING.fenced(3, 1000, T0.toString(), T0.plus(TIMEOUT).toString());

  // ---- before the fence ----

  @Test
  void aDestinationWhoseHeartbeatOwnsTheRangeGetsTheFenceAndTheAdoptAgainBeforeAPublication() {
    MoveStep.Action a =
        MoveStep.next(before(List.of(UPPER), source(List.of(LOWER), 1000), caughtUpTo(1000)));

    assertThat(a).isEqualTo(new MoveStep.Publish(true, false, a.why()));
  }

  @Test
  void aDestinationThatRunsNoImportIsCaughtUpFirstWithNothingFenced() {
    MoveStep.Action a = MoveStep.next(before(List.of(), source(List.of(ALL), 1000), null));

    assertThat(a).isInstanceOf(MoveStep.CatchUpFirst.class);
    assertThat(((MoveStep.CatchUpFirst) a).startImport()).isTrue();
    assertThat(a.why()).contains("not running there");
  }

  @Test
  void aDestinationFallenBehindIsCaughtUpFirstWithoutRestartingItsImport() {
    ImportProgress behind = progress(ImportState.CatchingUp, 3, 10);
    MoveStep.Action a = MoveStep.next(before(List.of(), source(List.of(ALL), 10 + 5_000), behind));

    assertThat(a).isEqualTo(new MoveStep.CatchUpFirst(false, a.why()));
  }

  @Test
  void aDestinationCloseBehindIsFencedWithADeadlineOneTimeoutAhead() {
    ImportProgress close = progress(ImportState.CatchingUp, 3, 990);
    MoveStep.Action a = MoveStep.next(before(List.of(), source(List.of(ALL), 1000), close));

    assertThat(a).isEqualTo(new MoveStep.Fence(T0.plus(TIMEOUT), a.why()));
  }

  @Test
  void aSourceFencedByAPassThatDiedBeforeRecordingTheAnswerIsFencedAgain() {
    // The source lacks the range, the answer was never recorded: the same fence answers anew.
    MoveStep.Action a = MoveStep.next(before(List.of(), source(List.of(LOWER), 1000), null));

    assertThat(a).isInstanceOf(MoveStep.Fence.class);
  }

  // ---- the fence held ----

  @Test
  void caughtUpThroughTheFenceStopsTheImportAndPublishesOnTheAdoptsAnswer() {
    MoveStep.Action a =
        MoveStep.next(held(List.of(), progress(ImportState.CatchingUp, 3, 1000), T0));

    assertThat(a).isEqualTo(new MoveStep.Publish(false, true, a.why()));
  }

  @Test
  void aStoppedImportThroughTheFenceAlsoCounts() {
    // An earlier pass stopped the import and died before the adopt's answer.
    MoveStep.Action a = MoveStep.next(held(List.of(), progress(ImportState.Stopped, 3, 1001), T0));

    assertThat(a).isEqualTo(new MoveStep.Publish(false, true, a.why()));
  }

  @Test
  void anImportAtAnotherSourceEpochIsNotCaughtUp() {
    MoveStep.Action a =
        MoveStep.next(held(List.of(), progress(ImportState.CatchingUp, 4, 2000), T0));

    assertThat(a).isInstanceOf(MoveStep.Wait.class);
  }

  @Test
  void aDestinationThatAlreadyOwnsTheRangeIsNeverUnFencedEvenPastTheDeadline() {
    MoveStep.Action a = MoveStep.next(held(List.of(UPPER), null, T0.plus(TIMEOUT).plusSeconds(9)));

    assertThat(a).isEqualTo(new MoveStep.Publish(false, false, a.why()));
  }

  @Test
  void aDestinationWhoseOwnershipIsUnknownKeepsTheFencePastTheDeadline() {
    MoveStep.Action a = MoveStep.next(held(null, null, T0.plus(TIMEOUT).plusSeconds(9)));

    assertThat(a).isInstanceOf(MoveStep.Wait.class);
    assertThat(a.why()).contains("unknown");
  }

  @Test
  void aDestinationThatRunsNoImportOfTheMoveIsUnFencedAtOnce() {
    MoveStep.Action a = MoveStep.next(held(List.of(), null, T0.plusMillis(1)));

    assertThat(a).isInstanceOf(MoveStep.Retry.class);
    assertThat(a.why()).contains("not caught up").contains("runs no import");
  }

  @Test
  void aFailedImportIsUnFencedAtOnce() {
    MoveStep.Action a =
        MoveStep.next(held(List.of(), progress(ImportState.Failed, 3, 10), T0.plusMillis(1)));

    assertThat(a).isInstanceOf(MoveStep.Retry.class);
  }

  @Test
  void beforeTheDeadlineTheFenceStays() {
    MoveStep.Action a =
        MoveStep.next(
            held(
                List.of(),
                progress(ImportState.CatchingUp, 3, 999),
                T0.plus(TIMEOUT).minusNanos(1)));

    assertThat(a).isInstanceOf(MoveStep.Wait.class);
    assertThat(a.why()).contains("3/1000").contains("3/999");
  }

  @Test
  void anUnansweredProgressQuestionWaitsBeforeTheDeadlineAndRetriesAfterIt() {
    MoveStep.Observation early =
        new MoveStep.Observation(FENCED, List.of(), null, null, false, T0.plusMillis(1), TIMEOUT);
    MoveStep.Observation late =
        new MoveStep.Observation(FENCED, List.of(), null, null, false, T0.plus(TIMEOUT), TIMEOUT);

    assertThat(MoveStep.next(early)).isInstanceOf(MoveStep.Wait.class);
    assertThat(MoveStep.next(late)).isInstanceOf(MoveStep.Retry.class);
  }

  @Test
  void atTheDeadlineTheSourceIsUnFencedAndTheCutOverRetried() {
    MoveStep.Action a =
        MoveStep.next(held(List.of(), progress(ImportState.CatchingUp, 3, 999), T0.plus(TIMEOUT)));

    assertThat(a).isInstanceOf(MoveStep.Retry.class);
    assertThat(a.why()).contains("not caught up").contains(T0.plus(TIMEOUT).toString());
  }

  @Test
  void aClockBeforeTheRecordedFenceOrAnUnreadableDeadlineEndsTheWait() {
    assertThat(MoveStep.expired(FENCED, T0.minusSeconds(1))).isTrue();
    assertThat(MoveStep.expired(FENCED.fenced(3, 1000, "?", "?"), T0)).isTrue();
    assertThat(MoveStep.expired(FENCED, T0)).isFalse();
  }

  // ---- Copying and CatchingUp ----

  private static final MoveStatus COPYING =
      new MoveStatus(ID, "src", "dst", 50, 50, MovePhase.Copying, 0L, 0L, null, 1, "copy");
  private static final MoveStatus CATCHING = COPYING.in(MovePhase.CatchingUp, "catch");

  @Test
  void noImportOfTheMoveOnTheDestinationIsStartedAgain() {
    MoveStep.Action a = MoveStep.copying(copy(COPYING, source(List.of(ALL), 10), null));

    assertThat(a).isInstanceOf(MoveStep.StartImport.class);
    assertThat(MoveStep.copying(copy(COPYING, source(List.of(ALL), 10), other())))
        .isInstanceOf(MoveStep.StartImport.class);
    assertThat(
            MoveStep.copying(
                copy(COPYING, source(List.of(ALL), 10), progress(ImportState.Failed, 3, 1))))
        .isInstanceOf(MoveStep.StartImport.class);
  }

  @Test
  void aDestinationThatDoesNotAnswerTheProgressQuestionIsWaitedFor() {
    MoveStep.Action a =
        MoveStep.copying(
            new MoveStep.CopyObservation(COPYING, source(List.of(ALL), 10), null, "timed out"));

    assertThat(a).isEqualTo(new MoveStep.Wait(a.why()));
    assertThat(a.why()).contains("timed out");
  }

  @Test
  void aNewImportPhaseIsRecordedOnItsOwnPassEvenWhenReadyToCutOver() {
    MoveStep.Action a =
        MoveStep.copying(
            copy(COPYING, source(List.of(ALL), 1000), progress(ImportState.CatchingUp, 3, 999)));

    assertThat(a).isEqualTo(new MoveStep.Advance(MovePhase.CatchingUp, 50, 999, a.why()));
  }

  @Test
  void copyingRowsAdvancesInItsPhase() {
    MoveStep.Action a =
        MoveStep.copying(
            copy(COPYING, source(List.of(ALL), 1000), progress(ImportState.Copying, 3, 0)));

    assertThat(a).isEqualTo(new MoveStep.Advance(MovePhase.Copying, 50, 0, "50 rows copied"));
  }

  @Test
  void catchingUpFarBehindOrAtAnotherEpochIsNoCutOver() {
    MoveStep.Action behind =
        MoveStep.copying(
            copy(CATCHING, source(List.of(ALL), 5000), progress(ImportState.CatchingUp, 3, 10)));
    MoveStep.Action otherEpoch =
        MoveStep.copying(
            copy(CATCHING, source(List.of(ALL), 1000), progress(ImportState.CatchingUp, 2, 999)));

    assertThat(behind).isEqualTo(new MoveStep.Advance(MovePhase.CatchingUp, 50, 10, behind.why()));
    assertThat(behind.why()).contains("source lsn 10 of 5000");
    assertThat(otherEpoch).isInstanceOf(MoveStep.Advance.class);
  }

  @Test
  void catchingUpCloseBehindBeginsTheCutOver() {
    MoveStep.Action a =
        MoveStep.copying(
            copy(CATCHING, source(List.of(ALL), 1000), progress(ImportState.CatchingUp, 3, 990)));

    assertThat(a).isEqualTo(new MoveStep.BeginCutOver(50, 990, a.why()));
  }

  @Test
  void aSourceLeftFencedByAnEarlierAttemptIsUnFencedFirstWhateverTheDestinationAnswers() {
    MoveStatus second = CATCHING.nextAttempt();
    MoveStep.Action a =
        MoveStep.copying(
            new MoveStep.CopyObservation(second, source(List.of(LOWER), 1000), null, "frozen"));

    assertThat(a).isEqualTo(new MoveStep.UnfenceFirst(1, new MoveStep.Wait(a.why())));
    assertThat(
            MoveStep.copying(
                copy(
                    second,
                    source(List.of(LOWER), 1000),
                    progress(ImportState.CatchingUp, 3, 990))))
        .isEqualTo(
            new MoveStep.UnfenceFirst(
                1,
                new MoveStep.BeginCutOver(
                    50, 990, "cutting over (attempt 2): writes to the range pause")));
  }

  @Test
  void aFirstAttemptOrASourceThatOwnsTheRangeIsNotUnFenced() {
    assertThat(MoveStep.copying(copy(CATCHING, source(List.of(LOWER), 10), null)))
        .isInstanceOf(MoveStep.StartImport.class);
    assertThat(MoveStep.copying(copy(CATCHING.nextAttempt(), source(List.of(ALL), 10), null)))
        .isInstanceOf(MoveStep.StartImport.class);
  }

  // ---- the recorded move ----

  @Test
  void aStatusRecordedBeforeTheFenceFieldsParsesWithNoFence() {
    MoveStatus old =
        Serialization.unmarshal(
            "{\"id\":\"m\",\"source\":\"a\",\"destination\":\"b\",\"low\":0,\"size\":5,"
                + "\"phase\":\"CuttingOver\",\"attempt\":2,\"message\":\"x\"}",
            MoveStatus.class);

    assertThat(old.phase()).isEqualTo(MovePhase.CuttingOver);
    assertThat(old.attemptOrFirst()).isEqualTo(2);
    assertThat(old.fenceRecorded()).isFalse();
  }

  @Test
  void theFenceFieldsSurviveTheStatusRoundTripAndANewAttemptClearsThem() {
    MoveStatus back = Serialization.unmarshal(Serialization.asJson(FENCED), MoveStatus.class);

    assertThat(back).isEqualTo(FENCED);
    assertThat(back.in(MovePhase.CuttingOver, "w").fenceLsn()).isEqualTo(1000);
    MoveStatus next = back.nextAttempt();
    assertThat(next.attemptOrFirst()).isEqualTo(2);
    assertThat(next.fenceRecorded()).isFalse();
    assertThat(next.fenceDeadline()).isNull();
  }

  private static MoveStep.Observation before(
      List<PointRange> destOwned, Heartbeat source, ImportProgress p) {
    return new MoveStep.Observation(CUTTING, destOwned, source, p, true, T0, TIMEOUT);
  }

  private static MoveStep.Observation held(
      List<PointRange> destOwned, ImportProgress p, Instant now) {
    return new MoveStep.Observation(FENCED, destOwned, null, p, true, now, TIMEOUT);
  }

  private static MoveStep.CopyObservation copy(MoveStatus m, Heartbeat source, ImportProgress p) {
    return new MoveStep.CopyObservation(m, source, p, null);
  }

  private static ImportProgress other() {
    return new ImportProgress("another-move", ImportState.CatchingUp, 5, 3, 5, null);
  }

  private static ImportProgress caughtUpTo(long lsn) {
    return progress(ImportState.CatchingUp, 3, lsn);
  }

  private static ImportProgress progress(ImportState state, long epoch, long lsn) {
    return new ImportProgress(ID, state, 50, epoch, lsn, null);
  }

  private static Heartbeat source(List<PointRange> owned, long appliedLsn) {
    return Heartbeat.builder("src-0", "src")
        .role(Role.Primary)
        .epoch(3)
        .appliedLsn(appliedLsn)
        .lastEntryEpoch(3)
        .primary("src-0")
        .lagLsn(0)
        .state(ReplicaState.Ready)
        .primaryUrl("http://src")
        .owned(owned)
        .build();
  }
}
