package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Safety review 2026-11-26 #5 (issue 47 item 7) in the simulated world: clients read every other
 * session read through the other router (r0 refreshes its layout every 150 ms, r1 every 900 ms), so
 * a session moves between a router whose layout has a move and one whose layout does not, while the
 * move runs under the schedule's faults.
 */
class SessionsAcrossRoutersTest {
  static final int SEEDS = 30;

  @Test
  @DisplayName("sessions read through both routers see their own writes across moves")
  void sessionsMovingBetweenRoutersSeeTheirWrites() {
    List<String> failed = new ArrayList<>();
    long sessionReads = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      MoveSimulation.Result r = new MoveSimulation(seed).sessionsAcrossRouters().run();
      if (!r.ok()) {
        failed.add("seed " + seed + ": " + r.violations().get(0));
      }
      sessionReads += r.reads()[1];
    }
    System.out.println(
        "sessions across routers: " + SEEDS + " seeds, session reads " + sessionReads);
    assertThat(sessionReads).isPositive();
    assertThat(failed).isEmpty();
  }

  @Test
  @DisplayName(
      "with faults aimed at finding 7's window (a source's secondary cut off through the cut-over,"
          + " a router keeping its layout), sessions read through both routers see their writes")
  void sessionsSeeTheirWritesThroughTheWindow() {
    List<String> failed = new ArrayList<>();
    long sessionReads = 0;
    long cutOffs = 0;
    for (long seed = 1; seed <= AIMED_SEEDS; seed++) {
      MoveSimulation.Result r =
          new MoveSimulation(seed).sessionsAcrossRouters().withFaultsAimedAtSessions().run();
      if (!r.ok()) {
        failed.add("seed " + seed + ": " + r.violations().get(0));
      }
      sessionReads += r.reads()[1];
      cutOffs += r.faults().stream().filter(f -> f.contains("through the cut-over")).count();
    }
    System.out.println(
        "sessions across routers, faults aimed at the window: "
            + AIMED_SEEDS
            + " seeds, "
            + cutOffs
            + " secondaries cut off through a cut-over, session reads "
            + sessionReads);
    assertThat(cutOffs).isPositive();
    assertThat(failed).isEmpty();
  }

  static final int AIMED_SEEDS = 60;
}
