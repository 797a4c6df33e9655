package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.replication.rules.PrimaryIdentity;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pods that return at new addresses, and at the address of a pod that is down (issue 24): the
 * operator's listing still shows that pod there, so a primary may be told it at the address another
 * replica now serves. Every schedule here moves pods, with every other fault.
 */
class PodAddressesTest {
  private static final int SCHEDULES = Integer.getInteger("sim.podMoves", 150);

  @Test
  @DisplayName(
      "schedules whose pods return at new or reused addresses keep every acknowledged write, and"
          + " the replicas converge")
  void podsReturningAtOtherAddressesLoseNothing() {
    List<String> failures = new ArrayList<>();
    long moves = 0;
    long acked = 0;
    long reused = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      ShardSimulation s = ShardSimulation.withPodMoves(seed, 3 + (int) (seed % 3), new Rulebook());
      moves += s.podMoves();
      ShardSimulation.Result r = s.run();
      acked += r.acknowledged();
      reused += s.reusedAddresses();
      if (!r.ok()) {
        failures.add("seed " + seed + ": " + r.violations() + "\n  faults: " + r.faults());
      }
    }
    System.out.printf(
        "pod addresses: %d schedules, %d pod moves (%d to a reused address), %d acknowledged"
            + " writes, %d failing%n",
        SCHEDULES, moves, reused, acked, failures.size());
    failures.stream().limit(3).forEach(System.out::println);
    assertThat(moves).isPositive();
    assertThat(reused).as("addresses must be reused").isPositive();
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName(
      "rule 5 broken (a replicate request is answered by whoever serves the address, whichever"
          + " replica it was meant for): a reused address counts one copy twice")
  void answeringReplicatesMeantForAnotherReplica() {
    Rulebook anyone =
        new Rulebook() {
          @Override
          public boolean replicateMeantFor(String receiver, String me) {
            return true;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 5; seed++) {
      ShardSimulation.Result broken =
          ShardSimulation.forReusedAddress(seed, anyone).runReusedAddress();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      ShardSimulation.Result kept =
          ShardSimulation.forReusedAddress(seed, new Rulebook()).runReusedAddress();
      assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
    }
    System.out.println("rule 5 broken through a reused address: " + found);
    assertThat(found).anyMatch(v -> v.contains("missing"));
  }

  @Test
  @DisplayName(
      "rules 4 and 7 broken (a re-copy's snapshot is served by whoever serves the primary's"
          + " address): a replica loads another replica's rows as its primary's and they elect"
          + " without acknowledged writes")
  void copyingASnapshotFromWhoeverServesThePrimarysAddress() {
    Rulebook anyone =
        new Rulebook() {
          @Override
          public boolean answersAs(
              PrimaryIdentity.Pull pull,
              String primary,
              Long epoch,
              PrimaryIdentity.Server server) {
            return pull == PrimaryIdentity.Pull.SNAPSHOT
                || super.answersAs(pull, primary, epoch, server);
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 5; seed++) {
      ShardSimulation.Result broken =
          ShardSimulation.forRecopyFromReusedAddress(seed, anyone).runRecopyFromReusedAddress();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      ShardSimulation.Result kept =
          ShardSimulation.forRecopyFromReusedAddress(seed, new Rulebook())
              .runRecopyFromReusedAddress();
      assertThat(kept.violations())
          .as("seed %d with the rule kept; faults %s", seed, kept.faults())
          .isEmpty();
    }
    System.out.println("rules 4 and 7 broken through a reused address (snapshot): " + found);
    assertThat(found).anyMatch(v -> v.contains("missing"));
  }
}
