package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.planner.pass.PassRules;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.rules.CommitReadBack;
import io.shardeddb.shardserver.replication.rules.CopyState;
import io.shardeddb.shardserver.replication.rules.EpochRules;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.rules.SessionReads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The simulator is only worth its green runs if it goes red when a rule is broken: each test
 * weakens one rule of DESIGN §5 in the {@link Rulebook} injected into the production {@code
 * WriteCoordinator} and {@code SecondarySync} every simulated replica runs, and expects violations
 * within a few hundred schedules.
 */
class BrokenRulesAreCaughtTest {

  private static List<String> violations(Rulebook rules, int schedules) {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= schedules && found.size() < 3; seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 3, rules).run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
    }
    String test =
        StackWalker.getInstance().walk(f -> f.skip(1).findFirst()).orElseThrow().getMethodName();
    System.out.println("broken rule (" + test + ") caught: " + found);
    return found;
  }

  @Test
  @DisplayName("rule 5 broken (quorum counted over the replicas with an address): writes are lost")
  void quorumOverPeersWithAddress() {
    Rulebook weak =
        new Rulebook() {
          @Override
          public int required(WriteQuorum quorum, int specReplicas) {
            return 1;
          }
        };
    assertThat(violations(weak, 400)).anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "§9's commit time broken (stamped by the wall clock alone): commit times go back after a"
          + " failover to a replica whose clock is behind")
  void commitTimesByTheWallClockAlone() {
    Rulebook wallClock =
        new Rulebook() {
          @Override
          public long commitMillis(long wallMillis, long floorMillis) {
            return wallMillis;
          }
        };
    assertThat(violations(wallClock, 400)).anyMatch(v -> v.contains("commit time goes back"));
  }

  @Test
  @DisplayName("rule 9 broken (primary reads without a lease): a read misses an acknowledged write")
  void readsWithoutLease() {
    Rulebook noLease =
        new Rulebook() {
          @Override
          public LeaseRules.Lease primaryLease(
              long nowNanos,
              long promotedAtNanos,
              long leaseNanos,
              long driftNanos,
              boolean formerLeaseHandedOver,
              int required,
              long[] acks) {
            return LeaseRules.Lease.HELD;
          }
        };
    // Since re-copies take simulated time (2026-11-25) the schedules changed: the first catches
    // are seeds 462, 749 and 815 (seed 263 of the first 400 before).
    assertThat(violations(noLease, 1_000)).anyMatch(v -> v.contains("stale primary read"));
  }

  @Test
  @DisplayName("rule 4 broken (an unverified replica's batch counted in sync): writes are lost")
  void unverifiedCounts() {
    Rulebook blind =
        new Rulebook() {
          @Override
          public LogMatching.Decision logMatching(LogMatching.Local mine, LogMatching.Batch batch) {
            LogMatching.Decision d = super.logMatching(mine, batch);
            return d.action() == LogMatching.Action.UNVERIFIED && !mine.copying()
                ? new LogMatching.Decision(LogMatching.Action.APPEND, true, mine.appliedLsn())
                : d;
          }
        };
    assertThat(violations(blind, 600)).isNotEmpty();
  }

  @Test
  @DisplayName(
      "rule 15 broken (a lost COMMIT reply taken as nothing written): the primary wedges on its"
          + " own log and the replicas never converge")
  void lostCommitReplyTakenAsNothingWritten() {
    Rulebook guess =
        new Rulebook() {
          @Override
          public boolean readsBackUnknownCommit() {
            return false;
          }
        };
    assertThat(violations(guess, 400)).isNotEmpty();
  }

  @Test
  @DisplayName(
      "rule 2 broken (a replica takes the Primary role whatever position it was chosen for): the"
          + " chosen replica that lost its volume before its role leads empty and acknowledged"
          + " writes are lost")
  void primaryRoleTakenWithoutThePositionItWasChosenFor() {
    Rulebook blind =
        new Rulebook() {
          @Override
          public EpochRules.RoleVerdict primaryPosition(LogPosition mine, LogPosition chosenAt) {
            return new EpochRules.RoleVerdict(true, null);
          }
        };
    // The gap needs the chosen replica's volume lost between its fence answer and its role (one
    // fence deadline, 150 ms here): random schedules rarely reach it (seed 722 did, with a
    // replication window of 4); the scripted schedule of LostVolumeBeforeRoleTest does on every
    // seed.
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 5 && found.size() < 3; seed++) {
      ShardSimulation.LostVolume run =
          new ShardSimulation(seed, 3, blind).runLostVolumeBeforeRole();
      if (!run.result().ok()) {
        found.add("seed " + seed + ": " + run.result().violations().get(0));
      }
    }
    System.out.println(
        "broken rule (primaryRoleTakenWithoutThePositionItWasChosenFor) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 2 broken in the operator's own pass (ShardCoordinator elects from the heartbeats, no"
          + " fence sent): an acknowledged write is lost")
  void anElectionWithoutItsFences() {
    // Before the simulator ran the production ShardCoordinator, this mutation of it went unseen:
    // SimOperator fenced and elected by its own copy of the pass.
    PassRules unfenced =
        new PassRules() {
          @Override
          public boolean fencesBeforeElecting() {
            return false;
          }
        };
    assertThat(
            violationsOf(
                seed -> new ShardSimulation(seed, 3, new Rulebook()).withPassRules(unfenced), 400))
        .isNotEmpty();
  }

  @Test
  @DisplayName(
      "the operator's resend broken (a recorded primary that never took its role is not sent it"
          + " again when no election can win): the shard plans NoQuorum to the end")
  void aRecordedPrimaryThatNeverTookItsRoleLeftWaiting() {
    // Seed 1162 (four replicas, window 1, ShardSimulationTest's world, fenced secondaries keeping
    // their lease): r0's /role of its re-announce at epoch 7 is lost, its secondaries refuse it and
    // it stands down at epoch 7 holding every acknowledged write; two of four voters hold data. The
    // planner before 2026-11-27 elected to the end ("only 2 of 4 replicas answered holding their
    // data"). Since every world draws its faults from one FaultPlan per seed (2026-11-29) no random
    // schedule reaches it (SeedSweep.neverTookItsRole: none of seeds 1-8,000 at window 1 and
    // 1-4,000
    // at window 4 with four replicas, none of 1-5,000 at windows 1 and 4 in the build's world), so
    // the schedule is scripted: ShardSimulation.runReannouncedPrimaryRoleLost.
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      long s = seed;
      ShardSimulation.Result broken =
          new ShardSimulation(seed, 4)
              .withoutResendingARoleNeverTaken()
              .runReannouncedPrimaryRoleLost();
      assertThat(broken.faults()).anyMatch(f -> f.contains("the Primary role to r0 is lost"));
      assertThat(broken.stuck()).as("seed %d exempt", seed).isFalse();
      broken.violations().stream()
          .filter(v -> v.startsWith("liveness:"))
          .findFirst()
          .ifPresent(v -> found.add("seed " + s + ": " + v));
      ShardSimulation.Result kept = new ShardSimulation(seed, 4).runReannouncedPrimaryRoleLost();
      assertThat(kept.stuck()).isFalse();
      assertThat(kept.violations()).as("seed %d, faults: %s", seed, kept.faults()).isEmpty();
    }
    System.out.println(
        "broken rule (aRecordedPrimaryThatNeverTookItsRoleLeftWaiting) caught: " + found);
    assertThat(found).hasSize(3);
  }

  /** As {@link #violations(Rulebook, int)}, for a world broken otherwise than by a Rulebook. */
  private static List<String> violationsOf(
      java.util.function.LongFunction<ShardSimulation> world, int schedules) {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= schedules && found.size() < 3; seed++) {
      ShardSimulation.Result r = world.apply(seed).run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
    }
    String test =
        StackWalker.getInstance().walk(f -> f.skip(1).findFirst()).orElseThrow().getMethodName();
    System.out.println("broken rule (" + test + ") caught: " + found);
    return found;
  }

  @Test
  @DisplayName(
      "rule 9 broken (a session read served without checking its entry, minLsn and minEpoch): a"
          + " session read misses the client's own change")
  void sessionReadWithoutItsEntry() {
    Rulebook anyInSync =
        new Rulebook() {
          @Override
          public SessionReads.Session sessionRead(
              boolean inSync, long appliedLsn, long minEpoch, long minLsn, long epochAtMinLsn) {
            return inSync ? SessionReads.Session.SERVE : SessionReads.Session.NOT_IN_SYNC;
          }
        };
    assertThat(violations(anyInSync, 400)).anyMatch(v -> v.contains("session read of key"));
  }

  @Test
  @DisplayName(
      "rule 9 broken (a primary read answered before a quorum holds what it shows): primary reads"
          + " go back in time")
  void primaryReadsWithoutReadIndex() {
    Rulebook noReadIndex =
        new Rulebook() {
          @Override
          public boolean readIndexReached(long readLsn, long committedLsn) {
            return true;
          }
        };
    // Seeds 19 and 389 (window 1) and 383 (window 4), three replicas: a sweep of seeds 1-350 at
    // windows 1 and 4 once the simulator ran the production shard pass on simulated threads
    // (2026-11-27; seed 583 of the sweep before no longer reaches the read of an unreplicated
    // update followed by a failover). Seed 19: "primary reads of key 4000000 went back: c3-0-u2
    // at t=2214, then the older c3-0-u1 at t=4532". Since every world draws its faults from one
    // FaultPlan per seed (2026-11-29) a sweep of seeds 1-3,000 (SeedSweep.readIndex) finds 292,
    // 613 and 978 at window 1 and none at window 4; seed 292: "primary reads of key 3000000 went
    // back: c2-0-u1 at t=3375, then the older c2-0 at t=6761". Each schedule keeps the promise with
    // the read index.
    long[][] seeds = {{292, 1}, {613, 1}, {978, 1}};
    for (long[] s : seeds) {
      ShardSimulation.Result broken =
          new ShardSimulation(s[0], 3, noReadIndex).withWindow((int) s[1]).run();
      System.out.println(
          "broken rule (primaryReadsWithoutReadIndex) caught on seed "
              + s[0]
              + ": "
              + broken.violations());
      assertThat(broken.violations())
          .as("seed %d", s[0])
          .anyMatch(v -> v.contains("primary reads of key"));
      ShardSimulation.Result intact = new ShardSimulation(s[0], 3).withWindow((int) s[1]).run();
      assertThat(intact.violations()).as("seed %d, faults: %s", s[0], intact.faults()).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "rule 8 broken (the group commit drops the request outcomes): a retried update or delete is"
          + " applied twice")
  void retriesAppliedAgain() {
    assertThat(violationsOf(seed -> new ShardSimulation(seed, 3).withoutRequestOutcomes(), 400))
        .anyMatch(v -> v.contains("applied 2 times") || v.contains("lost or reordered"));
  }

  @Test
  @DisplayName(
      "rules 4 and 5 broken on the primary (a pipelined link counts what it sent, not what the"
          + " secondary matched): writes are lost")
  void sentCountedAsAcknowledged() {
    // On the rulebook before rule 11's reports (WithoutLivenessReports): with them the seed's
    // primary is replaced before the credit it gave is relied on.
    Rulebook optimistic =
        new WithoutLivenessReports() {
          @Override
          public long acknowledgedLsn(long matchLsn, long lastSentLsn) {
            return Math.max(matchLsn, lastSentLsn);
          }
        };
    // Seeds 1761 and 3321 (three replicas, window 4): seeds 1-400 never caught it (a secondary
    // credited for a request that overtook an earlier one pulls the gap at once, so the primary
    // must be lost in between). Seed 588 did until main's read index changed the schedules, then
    // 833 and 1152 (a sweep of seeds 1-1500); since the simulator runs the production shard pass
    // on simulated threads (2026-11-27) no seed of 1-1500 at windows 1 and 4 does, and a sweep of
    // seeds 1501-4000 at window 4 (SeedSweep) found these two and 3748. Since elections and
    // switch-overs hand the lease over (rule 9, 2026-11-27: primaries serve reads sooner, so the
    // schedules changed) a sweep of seeds 1-4000 at window 4 finds 2310 and 3321; since every
    // world draws its faults from one FaultPlan per seed (2026-11-29) it finds 1287 and 2172. Each
    // schedule keeps the promise with the rule intact.
    for (long seed : new long[] {1287, 2172}) {
      ShardSimulation.Result broken = new ShardSimulation(seed, 3, optimistic).withWindow(4).run();
      System.out.println(
          "broken rule (sentCountedAsAcknowledged) caught on seed "
              + seed
              + ": "
              + broken.violations());
      assertThat(broken.violations())
          .as("seed %d", seed)
          .anyMatch(v -> v.contains("acknowledged write"));
      ShardSimulation.Result intact =
          new ShardSimulation(seed, 3, new WithoutLivenessReports()).withWindow(4).run();
      assertThat(intact.violations()).as("seed %d, faults: %s", seed, intact.faults()).isEmpty();
    }
  }

  /**
   * Schedules that change the replica count in every schedule (rule 12) with {@code broken}: the
   * first seed that goes red, run again with the rule kept, which must be green.
   */
  private static List<String> violationsWhileResizing(
      int replicas,
      Rulebook rules,
      java.util.function.UnaryOperator<ShardSimulation> broken,
      int schedules) {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= schedules && found.isEmpty(); seed++) {
      ShardSimulation.Result r =
          broken
              .apply(new ShardSimulation(seed, replicas, rules, ShardSimulation.Membership.ALWAYS))
              .run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
        ShardSimulation.Result kept =
            new ShardSimulation(seed, replicas, new Rulebook(), ShardSimulation.Membership.ALWAYS)
                .run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    String test =
        StackWalker.getInstance().walk(f -> f.skip(1).findFirst()).orElseThrow().getMethodName();
    System.out.println("broken rule (" + test + ") caught: " + found);
    return found;
  }

  @Test
  @DisplayName(
      "rule 12 broken (the StatefulSet follows a lowered spec at once, no resize gate): the removed"
          + " replicas take acknowledged writes with them")
  void shrinkWithoutTheResizeGate() {
    assertThat(violationsWhileResizing(5, new Rulebook(), ShardSimulation::withoutResizeGate, 200))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 12 broken (elections count only the replicas the spec keeps, not the old membership"
          + " too): a shrink loses writes a majority of the old membership acknowledged")
  void electionsOverTheNewMembershipOnly() {
    // Scripted since the simulator restarts through the production start-up: a restarted primary
    // resumes its role, so random schedules fail over less: seeds 212, 247 and 285 catch this
    // mutation, none of 1-200 (seed 6 did with the old restart).
    assertThat(
            redOnlyWhenBroken(
                "electionsOverTheNewMembershipOnly",
                seed ->
                    new ShardSimulation(seed, 5)
                        .electingOverTheSpecOnly()
                        .runShrinkWithPrimaryCutOff(),
                seed -> new ShardSimulation(seed, 5).runShrinkWithPrimaryCutOff(),
                3))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rules 11 and 12 broken (a leaving primary hands over to the primary just replaced for"
          + " reaching no majority): the shard goes back and forth to the cut-off replica")
  void handOverToTheIsolatedPrimary() {
    for (long seed = 1; seed <= 3; seed++) {
      // Rule 11's reports off on both sides (WithoutLivenessReports): with them the cut-off
      // primary is replaced so early that the hand-over happens after the heal.
      ShardSimulation.ShrinkIsolation broken =
          new ShardSimulation(seed, 5, new WithoutLivenessReports())
              .forgettingTheIsolatedPrimary()
              .runShrinkWithPrimaryCutOffUntilHealed(ShrinkIsolationTest.CUT);
      assertThat(broken.primaries())
          .as("seed %d with the rule broken", seed)
          .filteredOn(p -> p.equals(broken.cutOff()))
          .hasSizeGreaterThan(1);
      ShardSimulation.ShrinkIsolation kept =
          new ShardSimulation(seed, 5, new WithoutLivenessReports())
              .runShrinkWithPrimaryCutOffUntilHealed(ShrinkIsolationTest.CUT);
      assertThat(kept.primaries())
          .as("seed %d with the rule kept", seed)
          .filteredOn(p -> p.equals(kept.cutOff()))
          .hasSize(1);
      System.out.println(
          "broken rule (handOverToTheIsolatedPrimary) seed "
              + seed
              + ": primaries "
              + broken.primaries()
              + " (kept: "
              + kept.primaries()
              + ")");
    }
  }

  @Test
  @DisplayName(
      "rule 12 broken (elections ignore the smaller voting set a shrink recorded): a shrink"
          + " reverted half-way whose primary dies before a pass saw its smaller set loses writes"
          + " that set acknowledged")
  void electionsIgnoringTheRecordedShrink() {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      // Rule 11's reports off on both sides (WithoutLivenessReports): the window needs the
      // primary to die only after the shrink's smaller set acknowledged writes.
      ShardSimulation.Result broken =
          new ShardSimulation(seed, 5, new WithoutLivenessReports())
              .electingWithoutTheRecordedShrink()
              .runShrinkRevertedHalfWay(true);
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      ShardSimulation.Result kept =
          new ShardSimulation(seed, 5, new WithoutLivenessReports()).runShrinkRevertedHalfWay(true);
      assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
    }
    System.out.println("broken rule (electionsIgnoringTheRecordedShrink) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 12 broken (a learner's acknowledgement counted in the primary's quorum): growing 3 → 5"
          + " with the primary cut off from the other voters loses the writes it acknowledged with"
          + " learners")
  void aLearnerCountedInTheQuorum() {
    // Rule 11's reports off on both sides (WithoutLivenessReports): with them the cut-off
    // primary stands down before it acknowledges anything with its learners.
    Rulebook counting =
        new WithoutLivenessReports() {
          @Override
          public List<String> countedPeers(List<String> voting, List<String> learners) {
            List<String> all = new ArrayList<>(voting);
            all.addAll(learners);
            return all;
          }
        };
    // Random schedules reach it rarely (seed 231 of the growing ones): learners count only until
    // the first is promoted, a pass after it caught up. The scripted schedule opens the window.
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3 && found.isEmpty(); seed++) {
      ShardSimulation.Result r =
          ShardSimulation.growable(seed, counting).runGrowWithPrimaryCutOff();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
        ShardSimulation.Result kept =
            ShardSimulation.growable(seed, new WithoutLivenessReports()).runGrowWithPrimaryCutOff();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println("broken rule (aLearnerCountedInTheQuorum) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 7 broken (a snapshot that ended early taken as a complete copy): writes are lost")
  void aSnapshotCutMidStreamTakenAsComplete() {
    Rulebook shortCopies =
        new Rulebook() {
          @Override
          public boolean copyComplete(long received, long announced) {
            return received <= announced;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 400 && found.size() < 3; seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 3, shortCopies).withSnapshotCuts().run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
    }
    System.out.println("broken rule (aSnapshotCutMidStreamTakenAsComplete) caught: " + found);
    assertThat(found).isNotEmpty();
    // The same schedules keep every acknowledged write with the rule kept.
    for (long seed = 1; seed <= 40; seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 3).withSnapshotCuts().run();
      assertThat(r.violations()).as("seed " + seed).isEmpty();
    }
  }

  /**
   * A scripted schedule run on seeds 1–{@code seeds} with {@code broken} and again with the rule
   * kept: every seed is green with the rule kept; returns the first violation of each red seed.
   */
  private static List<String> redOnlyWhenBroken(
      String test,
      java.util.function.LongFunction<ShardSimulation.Result> broken,
      java.util.function.LongFunction<ShardSimulation.Result> kept,
      int seeds) {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++) {
      ShardSimulation.Result r = broken.apply(seed);
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
      ShardSimulation.Result intact = kept.apply(seed);
      assertThat(intact.violations())
          .as("seed %d with the rule kept, faults: %s", seed, intact.faults())
          .isEmpty();
    }
    System.out.println("broken rule (" + test + ") caught: " + found);
    return found;
  }

  @Test
  @DisplayName(
      "rule 1 broken (a replica takes a second primary for an epoch it already voted in): a"
          + " duplicated operator reusing the epoch makes two primaries write under one (epoch,"
          + " lsn)")
  void aSecondPrimaryForAnEpochAlreadyVotedIn() {
    Rulebook forgetful =
        new Rulebook() {
          @Override
          public EpochRules.RoleVerdict role(
              EpochRules.Epochs persisted,
              long epoch,
              String primary,
              boolean asPrimary,
              boolean copying) {
            // The vote forgotten; lower epochs still refused.
            return super.role(
                new EpochRules.Epochs(persisted.epoch(), 0, null),
                epoch,
                primary,
                asPrimary,
                copying);
          }
        };
    assertThat(
            redOnlyWhenBroken(
                "aSecondPrimaryForAnEpochAlreadyVotedIn",
                seed -> new ShardSimulation(seed, 3, forgetful).runDuplicatedOperator(),
                seed -> new ShardSimulation(seed, 3).runDuplicatedOperator(),
                3))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 1 broken (a replica takes a role of an epoch lower than one it has seen): a stale"
          + " operator's old roles bring back the old primary and epoch 2's writes are lost")
  void aRoleOfAnEpochLowerThanOneSeen() {
    Rulebook backwards =
        new Rulebook() {
          @Override
          public EpochRules.RoleVerdict role(
              EpochRules.Epochs persisted,
              long epoch,
              String primary,
              boolean asPrimary,
              boolean copying) {
            // Only the epoch check dropped: the vote of that epoch is still checked.
            EpochRules.Epochs seen =
                persisted.epoch() > epoch
                    ? new EpochRules.Epochs(epoch, persisted.voteEpoch(), persisted.votedPrimary())
                    : persisted;
            return super.role(seen, epoch, primary, asPrimary, copying);
          }
        };
    assertThat(
            redOnlyWhenBroken(
                "aRoleOfAnEpochLowerThanOneSeen",
                seed -> new ShardSimulation(seed, 3, backwards).runStaleOperator(),
                seed -> new ShardSimulation(seed, 3).runStaleOperator(),
                3))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 3 broken (a new primary serves without its term's no-op): a retry of an earlier"
          + " term's tail acknowledged on a quorum is lost to a later epoch's log (Raft's figure 8)")
  void aTermServedWithoutItsNoOp() {
    Rulebook noNoOp =
        new Rulebook() {
          @Override
          public boolean startsTermWithNoOp() {
            return false;
          }
        };
    // Since the simulator runs the production shard pass on simulated threads (2026-11-27) B is
    // elected ~550 ms after A's partition and stands down 400 ms later, before the other clients'
    // requests stuck on A time out (1 s): the script now times them out 100 ms after B's election
    // (runFigureEight), so without the no-op B still holds entries of its epoch.
    assertThat(
            redOnlyWhenBroken(
                "aTermServedWithoutItsNoOp",
                seed -> new ShardSimulation(seed, 3, noNoOp).runFigureEight(),
                seed -> new ShardSimulation(seed, 3).runFigureEight(),
                3))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 6 broken (the group commit does not re-check the persisted epoch): a dead primary's"
          + " COMMIT that lands after its restarted process answered a fence diverges silently")
  void aCommitLandingAfterAFence() {
    // The window needs a restarted primary that persists a fence before it writes anything: with
    // overlap-commit a restarted process does not resume an epoch its log holds entries of
    // (WriteCoordinator.resumable) and waits for the operator's fence. Without it the production
    // start-up resumes the role and writes its term's no-op at the in-flight COMMIT's LSN first,
    // so no fence is ever persisted under the pending COMMIT (docs/safety.md, rule 6).
    // Since 2026-11-26 (review 2026-11-26 #4) a secondary reads a failed replay back: r0, following
    // the new primary over the landed batch, finds storage holding other entries than the ones it
    // was applying and re-copies, which repairs this divergence. The mutation is shown with that
    // read-back off, as the replica was when the late COMMIT diverged it silently.
    Rulebook noReplayReadBack =
        new Rulebook() {
          @Override
          public boolean readsBackFailedReplay() {
            return false;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      long s = seed;
      ShardSimulation.Result broken =
          OverlapCommitTest.overlapping(
              () ->
                  new ShardSimulation(s, 3, noReplayReadBack)
                      .withoutEpochRecheck()
                      .runCommitInFlightAtAFence());
      assertThat(broken.faults()).anyMatch(f -> f.contains("late COMMIT landed"));
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      // The same window opened with the rule kept: the late COMMIT writes nothing.
      ShardSimulation.Result kept =
          OverlapCommitTest.overlapping(
              () -> new ShardSimulation(s, 3).runCommitInFlightAtAFence());
      assertThat(kept.faults()).anyMatch(f -> f.contains("late COMMIT wrote nothing"));
      assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
    }
    System.out.println("broken rule (aCommitLandingAfterAFence) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 15 broken (the read-back after a failed commit compares only the LSN and epoch where"
          + " storage ends): another batch's late COMMIT at the same LSN acknowledges a lost write")
  void aReadBackThatComparesOnlyTheLsnAndEpoch() {
    Rulebook lsnAndEpoch =
        new Rulebook() {
          @Override
          public CommitReadBack.Verdict readBack(List<LogEntry> planned, List<LogEntry> stored) {
            if (stored.isEmpty()) {
              return CommitReadBack.Verdict.NOTHING_WRITTEN;
            }
            LogEntry mine = planned.isEmpty() ? null : planned.get(planned.size() - 1);
            LogEntry there = stored.get(stored.size() - 1);
            return mine != null && mine.lsn() == there.lsn() && mine.epoch() == there.epoch()
                ? CommitReadBack.Verdict.COMMITTED
                : CommitReadBack.Verdict.OTHER;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      ShardSimulation.Result broken =
          new ShardSimulation(seed, 3, lsnAndEpoch).runCommitLandingAfterItsReadBack();
      assertThat(broken.faults()).anyMatch(f -> f.contains("late COMMIT landed"));
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      // The same window with the rule kept: the late entry is not the batch's, "outcome unknown".
      ShardSimulation.Result kept = new ShardSimulation(seed, 3).runCommitLandingAfterItsReadBack();
      assertThat(kept.faults()).anyMatch(f -> f.contains("late COMMIT landed"));
      assertThat(kept.violations())
          .as("seed %d with the rule kept, faults: %s", seed, kept.faults())
          .isEmpty();
    }
    System.out.println("broken rule (aReadBackThatComparesOnlyTheLsnAndEpoch) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName(
      "rule 15 broken on a secondary (a failed replay is not read back): a replay whose reply was"
          + " lost leaves the secondary re-inserting its own entry for good")
  void aLostReplayReplyNotReadBack() {
    Rulebook noReadBack =
        new Rulebook() {
          @Override
          public boolean readsBackFailedReplay() {
            return false;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      ShardSimulation.Result broken = new ShardSimulation(seed, 3, noReadBack).runLostReplayReply();
      assertThat(broken.faults()).anyMatch(f -> f.contains("reply was lost"));
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      ShardSimulation.Result kept = new ShardSimulation(seed, 3).runLostReplayReply();
      assertThat(kept.faults()).anyMatch(f -> f.contains("reply was lost"));
      assertThat(kept.violations())
          .as("seed %d with the rule kept, faults: %s", seed, kept.faults())
          .isEmpty();
    }
    System.out.println("broken rule (aLostReplayReplyNotReadBack) caught: " + found);
    assertThat(found).hasSize(3);
  }

  @Test
  @DisplayName(
      "rule 15 broken on a secondary, under the fault plan's database restarts (finding 6: the"
          + " mysql container restarted under a live shard-server): a replay that landed with its"
          + " reply lost leaves the secondary's memory behind its storage for good")
  void aDatabaseRestartUnderALiveSecondaryNotReadBack() {
    Rulebook noReadBack =
        new Rulebook() {
          @Override
          public boolean readsBackFailedReplay() {
            return false;
          }
        };
    // Random schedules of the one fault plan with its database restarts (Fault.RestartDatabase):
    // seeds 2, 4 and 5 are the first red of seeds 1-30 (11 of the 30 red broken; seeds 1-150 all
    // green kept). Seed 2: "r2 of sim holds lsn 29 applied in memory but its storage holds the log
    // to lsn 33: a commit whose reply was lost was never read back".
    for (long seed : new long[] {2, 4, 5}) {
      ShardSimulation.Result broken =
          new ShardSimulation(seed, 3, noReadBack).withDatabaseRestarts().run();
      System.out.println(
          "broken rule (aDatabaseRestartUnderALiveSecondaryNotReadBack) caught on seed "
              + seed
              + ": "
              + broken.violations().stream().filter(v -> v.contains("never read back")).toList());
      assertThat(broken.storageFaults()[4]).as("restarts that cut a COMMIT").isPositive();
      assertThat(broken.violations())
          .as("seed %d", seed)
          .anyMatch(v -> v.contains("a commit whose reply was lost was never read back"));
      ShardSimulation.Result kept = new ShardSimulation(seed, 3).withDatabaseRestarts().run();
      assertThat(kept.storageFaults()[4]).as("restarts that cut a COMMIT").isPositive();
      assertThat(kept.violations()).as("seed %d, faults: %s", seed, kept.faults()).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "rule 15's primary side broken (finding 6: a primary whose storage holds entries its term"
          + " cannot explain ends its term without saying so in its heartbeat): nobody replaces it"
          + " and the shard takes no write")
  void aTermEndedByStorageNotReported() {
    // A secondary whose replay landed while its database went down (the read-back cannot read it
    // yet) is elected before its next replay: its no-op collides with the landed entry and its
    // term ends (WriteCoordinator.abandon). 13 of seeds 1-400 of the fault plan with database
    // restarts reach it; 10 of them are red with the ended term unreported, 42, 105 and 169 the
    // first (seed 42: "liveness: after every fault healed and the shard settled, it acknowledged 0
    // of the probe's 1 writes in 3000 ms and left one unanswered (recorded primary: r1)"); the
    // others' primary is replaced for another reason (a crash, an isolation) before it matters.
    for (long seed : ENDED_TERM_SEEDS) {
      ShardSimulation hiding =
          new ShardSimulation(seed, 3).withDatabaseRestarts().hidingEndedTerms();
      ShardSimulation.Result broken = hiding.run();
      System.out.println(
          "broken rule (aTermEndedByStorageNotReported) caught on seed "
              + seed
              + ": "
              + broken.violations().stream().filter(v -> v.startsWith("liveness:")).toList());
      assertThat(hiding.termsEnded()).as("seed %d: terms ended", seed).isPositive();
      assertThat(broken.violations()).as("seed %d", seed).anyMatch(v -> v.startsWith("liveness:"));
      ShardSimulation kept = new ShardSimulation(seed, 3).withDatabaseRestarts();
      ShardSimulation.Result intact = kept.run();
      assertThat(kept.termsEnded()).as("seed %d: terms ended", seed).isPositive();
      assertThat(intact.violations()).as("seed %d, faults: %s", seed, intact.faults()).isEmpty();
    }
  }

  private static final long[] ENDED_TERM_SEEDS = {42, 105, 169};

  @Test
  @DisplayName(
      "rule 7 broken (a copying replica reports the position it held before its copy, not"
          + " copying): a failover while it is mid-copy elects it over its deleted rows")
  void aCopyingReplicaReportingItsOldPosition() {
    Rulebook liar =
        new Rulebook() {
          @Override
          public CopyState reportedCopyState(CopyState now, CopyState heldBeforeCopy) {
            return now.copying() && heldBeforeCopy != null
                ? new CopyState(false, heldBeforeCopy.appliedLsn(), heldBeforeCopy.lastEntryEpoch())
                : now;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      ShardSimulation broken = new ShardSimulation(seed, 3, liar);
      ShardSimulation.Result r = broken.runFailoverMidCopy();
      assertThat(broken.copyUnderWayAtCrash()).as("seed %d: %s", seed, r.faults()).isTrue();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
      // The same window opened with the rule kept: the copying replica counts for nothing and
      // the shard waits for the primary.
      ShardSimulation kept = new ShardSimulation(seed, 3);
      ShardSimulation.Result k = kept.runFailoverMidCopy();
      assertThat(kept.copyUnderWayAtCrash()).as("seed %d: %s", seed, k.faults()).isTrue();
      assertThat(k.violations())
          .as("seed %d with the rule kept, faults: %s", seed, k.faults())
          .isEmpty();
    }
    System.out.println("broken rule (aCopyingReplicaReportingItsOldPosition) caught: " + found);
    assertThat(found).hasSize(3).allMatch(v -> v.contains("acknowledged write"));
  }

  /**
   * Rule 7's mutation in random schedules too (issue 24): with faults aimed at re-copies ({@link
   * ShardSimulation#withFaultsAimedAtCopies}: a secondary asked to re-copy, the primary crashed
   * once its copy streams) the lie elects a replica over its deleted rows. The first red seed of
   * 1–20 is run again with the rule kept, which must be green.
   */
  @Test
  @DisplayName(
      "rule 7 broken (a copying replica reports its old position): random schedules with faults"
          + " aimed at re-copies catch it too")
  void aCopyingReplicaReportingItsOldPositionInRandomSchedules() {
    Rulebook liar =
        new Rulebook() {
          @Override
          public CopyState reportedCopyState(CopyState now, CopyState heldBeforeCopy) {
            return now.copying() && heldBeforeCopy != null
                ? new CopyState(false, heldBeforeCopy.appliedLsn(), heldBeforeCopy.lastEntryEpoch())
                : now;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 20 && found.isEmpty(); seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 3, liar).withFaultsAimedAtCopies().run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
        ShardSimulation.Result kept = new ShardSimulation(seed, 3).withFaultsAimedAtCopies().run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println(
        "broken rule (aCopyingReplicaReportingItsOldPositionInRandomSchedules) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged write"));
  }

  /**
   * The longest outage of seeds 1-5 of {@code fault} under {@code rules} ({@link
   * PrimaryOutageTest}), each schedule still keeping the promise: these rules are liveness, not
   * safety.
   */
  private static long longestOutage(Rulebook rules, ShardSimulation.PrimaryFault fault) {
    return PrimaryOutageTest.outages(rules, fault, 5).stream()
        .mapToLong(ShardSimulation.Outage::longestGapMillis)
        .max()
        .orElseThrow();
  }

  @Test
  @DisplayName(
      "rule 11's secondaries' report broken (a secondary never reports its primary lost): a killed"
          + " or frozen primary is replaced only after the operator's own wait, past the bound")
  void aSecondaryThatNeverReportsItsPrimaryLost() {
    Rulebook silent =
        new Rulebook() {
          @Override
          public boolean primaryLost(long nowNanos, long lastHeardNanos, long periodNanos) {
            return false;
          }
        };
    assertThat(longestOutage(silent, ShardSimulation.PrimaryFault.KILL))
        .isGreaterThanOrEqualTo(PrimaryOutageTest.BOUND);
    assertThat(longestOutage(silent, ShardSimulation.PrimaryFault.FREEZE))
        .isGreaterThanOrEqualTo(PrimaryOutageTest.BOUND);
    // Kept, the same seeds are under it (PrimaryOutageTest runs 20).
    assertThat(longestOutage(new Rulebook(), ShardSimulation.PrimaryFault.FREEZE))
        .isLessThan(PrimaryOutageTest.BOUND);
  }

  @Test
  @DisplayName(
      "rule 11's check-quorum broken (a primary never stands down): an isolated primary, which"
          + " still answers the operator, is replaced only once its age crosses the operator's"
          + " threshold and wait, past the bound")
  void aPrimaryThatNeverStandsDown() {
    Rulebook stays =
        new Rulebook() {
          @Override
          public boolean standsDown(long nowNanos, long majorityContactNanos, long periodNanos) {
            return false;
          }
        };
    assertThat(longestOutage(stays, ShardSimulation.PrimaryFault.ISOLATE))
        .isGreaterThanOrEqualTo(PrimaryOutageTest.BOUND);
    assertThat(longestOutage(new Rulebook(), ShardSimulation.PrimaryFault.ISOLATE))
        .isLessThan(PrimaryOutageTest.BOUND);
  }
}
