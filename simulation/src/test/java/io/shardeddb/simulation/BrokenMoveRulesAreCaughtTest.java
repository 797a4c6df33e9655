package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The move simulator ({@link MoveSimulation}) goes red when a rule of a move is broken: each test
 * weakens one rule in the {@link Rulebook} that the production code path asks (the source's export
 * in {@code ReplicationController} and its simulated twin, the destination's {@code
 * ImportService}).
 */
class BrokenMoveRulesAreCaughtTest {

  @Test
  @DisplayName(
      "rule 13 broken (the source exports its unacknowledged tail): a retry is answered 200 from a"
          + " request id the destination copied, and the row exists nowhere")
  void exportingTheUnacknowledgedTail() {
    Rulebook tail =
        new Rulebook() {
          @Override
          public long exportedUpTo(long committedLsn, long appliedLsn) {
            return appliedLsn;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 5 && found.isEmpty(); seed++) {
      MoveSimulation.Result r = new MoveSimulation(seed, tail).runUnacknowledgedTail();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
    }
    System.out.println("broken move rule (export of the unacknowledged tail) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("acknowledged key 777 is missing"));
  }
}
