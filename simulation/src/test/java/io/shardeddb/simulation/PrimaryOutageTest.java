package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.simulation.ShardSimulation.PrimaryFault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN §5 rule 11's liveness half in the simulator (issue 47 item 6): a killed, frozen or
 * isolated primary is replaced and writes resume within {@link #BOUND} of simulated time — the
 * production rules (check-quorum on the primary, "primary lost" on the secondaries, the operator's
 * real planner acting on them) with the simulator's lease of {@link ShardSimulation#LEASE} ms. The
 * operator's own probe alone would wait {@link ShardSimulation#UNAVAILABLE} after it noticed, so no
 * schedule could get under the bound that way ({@code BrokenRulesAreCaughtTest} breaks each rule
 * and sees the bound missed). Every schedule also keeps the promise (no acknowledged write lost).
 */
class PrimaryOutageTest {
  /**
   * The bound: the operator's wait for a primary only it finds silent, plus one lease period — what
   * replacing a primary without the replicas' reports takes at the least.
   */
  static final long BOUND = ShardSimulation.UNAVAILABLE + ShardSimulation.LEASE;

  static final long FAULT_FOR = 6_000;

  /** The outages of seeds 1..{@code seeds} under {@code rules}, each schedule's violations none. */
  static List<ShardSimulation.Outage> outages(Rulebook rules, PrimaryFault fault, int seeds) {
    List<ShardSimulation.Outage> out = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++) {
      ShardSimulation.Outage o =
          new ShardSimulation(seed, 3, rules).runPrimaryFault(fault, FAULT_FOR);
      assertThat(o.violations()).as("%s seed %d", fault, seed).isEmpty();
      out.add(o);
    }
    System.out.println(
        "outages (ms), "
            + fault
            + (rules.getClass() == Rulebook.class ? "" : " (rule broken)")
            + ": "
            + out.stream().map(ShardSimulation.Outage::longestGapMillis).toList());
    return out;
  }

  @ParameterizedTest
  @EnumSource(PrimaryFault.class)
  void aKilledFrozenOrIsolatedPrimaryIsReplacedWithinTheBound(PrimaryFault fault) {
    for (ShardSimulation.Outage o : outages(new Rulebook(), fault, 20)) {
      assertThat(o.primaryAfter()).as("%s", o).isNotEqualTo(o.primaryBefore());
      assertThat(o.longestGapMillis()).as("%s", o).isLessThan(BOUND);
    }
  }
}
