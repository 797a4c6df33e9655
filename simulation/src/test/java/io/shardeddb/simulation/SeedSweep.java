package io.shardeddb.simulation;

import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.PrimaryIdentity;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Bounded sweeps for re-pinning the seeds of the mutation tests when the schedules change; not in
 * the default test run (each is enabled by {@code -Dsim.sweep=NAME}). A hit is a seed red with the
 * rule broken (as the mutation test asserts) and green with it kept. The range is {@code
 * -Dsim.sweepFrom=S -Dsim.sweepTo=E}, the replication window {@code -Dsim.sweepWindow=W}, and a
 * sweep stops at {@code -Dsim.sweepHits=N} hits. Example:
 *
 * <pre>
 * nice ./mvnw -B -o -pl simulation -am -Dtest='SeedSweep' -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dsim.sweep=sentCountedAsAcknowledged -Dsim.sweepFrom=1 -Dsim.sweepTo=500 -Dsim.sweepWindow=4 test
 * </pre>
 */
class SeedSweep {
  private static final long FROM = Long.getLong("sim.sweepFrom", 1L);
  private static final long TO = Long.getLong("sim.sweepTo", 200L);
  private static final int WINDOW = Integer.getInteger("sim.sweepWindow", 4);
  private static final int HITS = Integer.getInteger("sim.sweepHits", 5);

  /** {@code BrokenRulesAreCaughtTest.sentCountedAsAcknowledged}. */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*sentCountedAsAcknowledged.*")
  void sentCountedAsAcknowledged() {
    Rulebook optimistic =
        new WithoutLivenessReports() {
          @Override
          public long acknowledgedLsn(long matchLsn, long lastSentLsn) {
            return Math.max(matchLsn, lastSentLsn);
          }
        };
    sweep(
        "sentCountedAsAcknowledged",
        seed -> new ShardSimulation(seed, 3, optimistic).withWindow(WINDOW).run(),
        seed -> new ShardSimulation(seed, 3, new WithoutLivenessReports()).withWindow(WINDOW).run(),
        r -> r.violations().stream().anyMatch(v -> v.contains("acknowledged write")),
        r -> r.violations().isEmpty());
  }

  /**
   * {@code BrokenRulesAreCaughtTest.aRecordedPrimaryThatNeverTookItsRoleLeftWaiting} in random
   * schedules: four replicas and fenced secondaries keeping their lease, the world seed 1162 was
   * found in; {@code -Dsim.sweepWorld=build}: the build's world instead (3-5 replicas by the seed,
   * the production rulebook).
   */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*neverTookItsRole.*")
  void neverTookItsRole() {
    boolean build = "build".equals(System.getProperty("sim.sweepWorld"));
    LongFunction<ShardSimulation> world =
        seed ->
            (build
                    ? ShardSimulation.withMembershipChanges(seed, 3 + (int) (seed % 3))
                    : ShardSimulation.withMembershipChanges(seed, 4, SECONDARIES_KEEP_THEIR_LEASE))
                .withWindow(WINDOW)
                .withSnapshotCuts();
    sweep(
        "neverTookItsRole" + (build ? " (the build's world)" : ""),
        seed -> world.apply(seed).withoutResendingARoleNeverTaken().run(),
        seed -> world.apply(seed).run(),
        r -> !r.stuck() && r.violations().stream().anyMatch(v -> v.startsWith("liveness:")),
        r -> !r.stuck() && r.violations().isEmpty());
  }

  /**
   * The lease rule seed 1162 was found with: only an unfenced primary hands its lease over at a
   * fence, never a silent secondary.
   */
  static final Rulebook SECONDARIES_KEEP_THEIR_LEASE =
      new Rulebook() {
        @Override
        public boolean handsOverLease(
            boolean unfencedPrimary,
            LeaseRules.Lease lease,
            long sinceContactNanos,
            long leaseNanos) {
          return unfencedPrimary && super.handsOverLease(true, lease, 0L, leaseNanos);
        }
      };

  /** {@code ArchiveSimulationTest.aGapIsFilledFromAPeersLogFirst} (an S3 store on loopback). */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*archiveGap.*")
  void archiveGap() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sim-sweep-archive");
    try (io.shardeddb.backup.embedded.EmbeddedS3Server s3 =
        io.shardeddb.backup.embedded.EmbeddedS3Server.start(
            dir, "127.0.0.1", 0, "sim-key", "sim-secret-key")) {
      sweep(
          "archiveGap",
          seed -> {
            String prefix = "nofill-" + seed + "-" + System.nanoTime();
            try (SimArchive broken =
                new SimArchive(s3, "sim", prefix, "uid-" + prefix, true, false)) {
              broken.withoutPeerFill = true;
              return new ShardSimulation(seed, 3).withArchive(broken).run();
            }
          },
          seed -> new ShardSimulation(seed, 3).withArchive(s3, "sim").run(),
          r -> r.violations().stream().anyMatch(v -> v.contains("gap")),
          r -> r.violations().isEmpty());
    }
  }

  /** {@code BrokenRulesAreCaughtTest.primaryReadsWithoutReadIndex}. */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*readIndex.*")
  void readIndex() {
    Rulebook noReadIndex =
        new Rulebook() {
          @Override
          public boolean readIndexReached(long readLsn, long committedLsn) {
            return true;
          }
        };
    sweep(
        "readIndex",
        seed -> new ShardSimulation(seed, 3, noReadIndex).withWindow(WINDOW).run(),
        seed -> new ShardSimulation(seed, 3).withWindow(WINDOW).run(),
        r -> r.violations().stream().anyMatch(v -> v.contains("primary reads of key")),
        r -> r.violations().isEmpty());
  }

  /**
   * {@code LivenessSeedsTest.anAbandonedPrimaryAnsweringItsFollowersIsCaught} (overlap-commit on;
   * the window by the seed's parity, as there).
   */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*abandonedPrimary.*")
  void abandonedPrimary() {
    Rulebook answersAfterAbandoning =
        new Rulebook() {
          @Override
          public boolean answersAs(
              PrimaryIdentity.Pull pull,
              String primary,
              Long epoch,
              PrimaryIdentity.Server server) {
            return PrimaryIdentity.answers(
                primary,
                epoch,
                new PrimaryIdentity.Server(
                    server.name(), server.role(), server.fenced(), server.epoch(), true));
          }
        };
    sweep(
        "abandonedPrimary",
        seed ->
            OverlapCommitTest.overlapping(
                () ->
                    ShardSimulation.withMembershipChanges(
                            seed, 3 + (int) (seed % 3), answersAfterAbandoning)
                        .withWindow(seed % 2 == 0 ? 4 : 1)
                        .run()),
        seed ->
            OverlapCommitTest.overlapping(
                () ->
                    ShardSimulation.withMembershipChanges(seed, 3 + (int) (seed % 3))
                        .withWindow(seed % 2 == 0 ? 4 : 1)
                        .run()),
        r -> !r.ok(),
        r -> r.violations().isEmpty());
  }

  /** {@code BrokenRulesAreCaughtTest.aLearnerCountedInTheQuorum} (its scripted schedule). */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*learnerCounted.*")
  void learnerCounted() {
    Rulebook counting =
        new WithoutLivenessReports() {
          @Override
          public List<String> countedPeers(List<String> voting, List<String> learners) {
            List<String> all = new ArrayList<>(voting);
            all.addAll(learners);
            return all;
          }
        };
    sweep(
        "learnerCounted",
        seed -> ShardSimulation.growable(seed, counting).runGrowWithPrimaryCutOff(),
        seed ->
            ShardSimulation.growable(seed, new WithoutLivenessReports()).runGrowWithPrimaryCutOff(),
        r -> r.violations().stream().anyMatch(v -> v.contains("acknowledged write")),
        r -> r.violations().isEmpty());
  }

  /**
   * {@code ShardSimulationTest.withTheOldRestartTheSeedsFailLiveness}: the old restart and no
   * resend red; the old restart with the planner's resend green (the test also runs the start-up's
   * resume without the resend).
   */
  @Test
  @EnabledIfSystemProperty(named = "sim.sweep", matches = ".*oldRestart.*")
  void oldRestart() {
    sweep(
        "oldRestart",
        seed -> oldRestart(seed).withoutResendingARoleNeverTaken().run(),
        seed -> oldRestart(seed).run(),
        r -> !r.stuck() && r.violations().stream().anyMatch(v -> v.startsWith("liveness:")),
        r -> !r.stuck() && r.violations().isEmpty());
  }

  private static ShardSimulation oldRestart(long seed) {
    return ShardSimulation.withMembershipChanges(
            seed, 3 + (int) (seed % 3), new WithoutLivenessReports())
        .withWindow(WINDOW)
        .withSnapshotCuts()
        .restartingAsBefore();
  }

  private static void sweep(
      String name,
      LongFunction<ShardSimulation.Result> broken,
      LongFunction<ShardSimulation.Result> kept,
      Predicate<ShardSimulation.Result> caught,
      Predicate<ShardSimulation.Result> keptGreen) {
    List<String> hits = new ArrayList<>();
    long started = System.nanoTime();
    for (long seed = FROM; seed <= TO && hits.size() < HITS; seed++) {
      ShardSimulation.Result r = broken.apply(seed);
      if (caught.test(r)) {
        ShardSimulation.Result k = kept.apply(seed);
        String hit =
            "seed "
                + seed
                + (keptGreen.test(k) ? " (kept: green)" : " (kept: RED " + k.violations() + ")")
                + ": "
                + r.violations().get(0);
        System.out.println("sweep " + name + " hit: " + hit);
        hits.add(hit);
      }
    }
    System.out.printf(
        "sweep %s, seeds %d-%d, window %d: %d hits in %d s: %s%n",
        name, FROM, TO, WINDOW, hits.size(), (System.nanoTime() - started) / 1_000_000_000L, hits);
  }
}
