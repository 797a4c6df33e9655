package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The timestamp oracle under the main world's faults (DESIGN §11, docs/timestamps.md): every
 * replica runs the production {@code TimestampService} (window entries through the production write
 * path, the lease of rule 9, the hand-over at a planned switch-over), two routers ask its primary
 * for slots while replicas crash, pause, are cut off, lose their volumes and are switched over, and
 * the wall clocks are skewed by up to 20 s. Kept: no slot is handed out twice and a call answered
 * before another was sent got only smaller slots. Broken — a new term's oracle ignoring the window
 * its log persisted — the checker goes red.
 */
class TimestampSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.timestampSchedules", 300);

  private static ShardSimulation world(long seed, Rulebook rules) {
    return new ShardSimulation(seed, 3 + (int) (seed % 3), rules)
        .withTimestamps()
        .withSwitchovers();
  }

  @Test
  @DisplayName(
      "timestamps through failovers, switch-overs and skewed clocks: never twice, never back")
  void timestampsNeverGoBack() {
    List<String> failures = new ArrayList<>();
    long grants = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      ShardSimulation sim = world(seed, new Rulebook());
      ShardSimulation.Result r = sim.run();
      grants += sim.timestampGrants();
      if (!r.ok()) {
        failures.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
    }
    System.out.printf(
        "simulation (timestamps): %d schedules, %d grants, %d failing%n",
        SCHEDULES, grants, failures.size());
    assertThat(grants).as("grants").isGreaterThan(SCHEDULES * 20L);
    assertThat(failures).isEmpty();
  }

  /** The first seed (of at most {@code limit}) whose schedule {@code mutation} turns red. */
  private static List<String> red(Rulebook mutation, int limit) {
    List<String> red = new ArrayList<>();
    for (long seed = 1; seed <= limit && red.isEmpty(); seed++) {
      ShardSimulation.Result r = world(seed, mutation).run();
      r.violations().stream()
          .filter(v -> v.startsWith("timestamp"))
          .findFirst()
          .ifPresent(v -> red.add("seed " + r.seed() + ": " + v));
    }
    return red;
  }

  private static Rulebook oracleStart(LongFunction<Long> start) {
    return new Rulebook() {
      @Override
      public long oracleStartsAt(long persistedWindow) {
        return start.apply(persistedWindow);
      }
    };
  }

  @Test
  @DisplayName("broken: a new term's oracle starting from its own clock, not the window, is caught")
  void anOracleIgnoringTheWindowIsCaught() {
    List<String> red = red(oracleStart(w -> 0L), SCHEDULES);
    System.out.println("oracle ignoring its window: " + red);
    assertThat(red).as("some seed must go red").isNotEmpty();
  }

  /** The scripted lease overlap with {@code rules}: its timestamp violations. */
  private static List<String> overlap(Rulebook rules, boolean thenSwitchOver) {
    return new ShardSimulation(1, 3, rules)
        .runOracleLeaseOverlap(thenSwitchOver).violations().stream()
            .filter(v -> v.startsWith("timestamp"))
            .toList();
  }

  @Test
  @DisplayName(
      "rule 9 scripted: a new primary promoted while its cut-off former still holds its lease"
          + " serves no timestamp before that lease ran out (broken: it does, and time goes back)")
  void aNewPrimaryWaitsForItsFormersLease() {
    assertThat(overlap(new Rulebook(), false)).isEmpty();
    Rulebook noWait =
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
            return super.primaryLease(
                nowNanos, promotedAtNanos, leaseNanos, driftNanos, true, required, acks);
          }
        };
    assertThat(overlap(noWait, false)).isNotEmpty();
  }

  @Test
  @DisplayName(
      "rule 9 scripted: a primary still within its own wait hands no lease over at a switch-over"
          + " (broken: it does, its successor serves at once, and time goes back)")
  void aPrimaryWithinItsWaitHandsNothingOver() {
    assertThat(overlap(new Rulebook(), true)).isEmpty();
    Rulebook early =
        new Rulebook() {
          @Override
          public boolean handsOverLease(
              boolean unfencedPrimary, LeaseRules.Lease lease, long sinceContact, long leaseNanos) {
            return unfencedPrimary || super.handsOverLease(false, lease, sinceContact, leaseNanos);
          }
        };
    assertThat(overlap(early, true)).isNotEmpty();
  }

  @Test
  @DisplayName(
      "rule 9 scripted: a fenced secondary that heard from the cut-off primary within a lease hands"
          + " nothing over (broken: it does, the new primary serves at once, and time goes back)")
  void aSecondaryThatHeardThePrimaryRecentlyHandsNothingOver() {
    Rulebook careless =
        new Rulebook() {
          @Override
          public boolean handsOverLease(
              boolean unfencedPrimary, LeaseRules.Lease lease, long sinceContact, long leaseNanos) {
            return true;
          }
        };
    assertThat(overlap(careless, false)).isNotEmpty();
  }
}
