package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.Sharding;
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

  @Test
  @DisplayName(
      "the catch-up rule broken (the destination adopts before it has applied the source's log"
          + " through the fence): writes to the range just before the fence are lost")
  void adoptingBeforeCatchingUpThroughTheFence() {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 60 && found.size() < 3; seed++) {
      MoveSimulation.Result broken = new MoveSimulation(seed).overReportingImportProgress().run();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
        MoveSimulation.Result kept = new MoveSimulation(seed).run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println("broken move rule (adopt before catching up) caught: " + found);
    // Writes just before the fence lost on the destination: an acknowledged insert missing, or an
    // acknowledged update gone (an older value left).
    assertThat(found)
        .anyMatch(v -> v.contains("missing") || v.contains("lost") || v.contains("not its last"));
  }

  @Test
  @DisplayName(
      "rule 14 broken (an adopt answered before a quorum of the destination holds it): the layout"
          + " is published, the destination fails over without the adopt, the range is owned by"
          + " nobody")
  void publishingAnAdoptNoQuorumHolds() {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 5; seed++) {
      MoveSimulation.Result broken =
          new MoveSimulation(seed).answeringAdoptsBeforeQuorum().runAdoptWithoutQuorum();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      MoveSimulation.Result kept = new MoveSimulation(seed).runAdoptWithoutQuorum();
      assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
    }
    System.out.println("broken move rule (adopt published without a quorum) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("the published layout gives it"));
  }

  @Test
  @DisplayName(
      "rule 13's hand-over broken (the import copies rows without the request outcomes that made"
          + " them): a retry of an update applied before the move is applied again on the"
          + " destination after a newer update")
  void importingWithoutTheRequestOutcomes() {
    Rulebook withoutOutcomes =
        new Rulebook() {
          @Override
          public boolean handsOverOutcomes() {
            return false;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      MoveSimulation.Result broken =
          new MoveSimulation(seed, withoutOutcomes).runRetryOfAChangeFromBeforeTheMove();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
      MoveSimulation.Result kept = new MoveSimulation(seed).runRetryOfAChangeFromBeforeTheMove();
      assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
    }
    System.out.println("broken move rule (import without request outcomes) caught: " + found);
    assertThat(found)
        .anyMatch(v -> v.contains("key 777") && v.contains("not its last acknowledged"));
  }

  @Test
  @DisplayName(
      "rule 3's liveness broken (a failed term no-op is not appended again): an idle source's"
          + " primary never confirms its term, serves no range snapshot, and its move never ends")
  void notRetryingAFailedNoOp() {
    Rulebook noRetry =
        new Rulebook() {
          @Override
          public boolean retriesFailedNoOp() {
            return false;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      MoveSimulation.Result broken = new MoveSimulation(seed, noRetry).runNoOpLostToAStorageError();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
      }
    }
    System.out.println("broken rule (failed no-op not retried) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("the move did not end"));
  }

  @Test
  @DisplayName(
      "the catch-up rule broken under Hash sharding: the hashed world's checks catch it too (writes"
          + " to the moved hash range just before the fence are lost)")
  void adoptingBeforeCatchingUpUnderHashSharding() {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 60 && found.isEmpty(); seed++) {
      MoveSimulation.Result broken =
          new MoveSimulation(seed, Sharding.Hash).overReportingImportProgress().run();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
        MoveSimulation.Result kept = new MoveSimulation(seed, Sharding.Hash).run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println("broken move rule (adopt before catching up, Hash) caught: " + found);
    assertThat(found).anyMatch(v -> v.contains("missing") || v.contains("not its last"));
  }

  @Test
  @DisplayName(
      "rule 13's placement broken for String keys (the source's export hashes a key's UTF-16 units,"
          + " not its UTF-8 bytes): acknowledged String-keyed rows written during the move are"
          + " missing on their new owner, or left where they are not owned")
  void exportingStringKeysByAnotherHash() {
    Rulebook utf16 =
        new Rulebook() {
          @Override
          public long exportedPoint(Sharding sharding, Object key) {
            if (!(key instanceof String s)) {
              return sharding.point(key);
            }
            long h = 0xcbf29ce484222325L;
            for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)) {
              h ^= b & 0xff;
              h *= 0x100000001b3L;
            }
            return Sharding.hash(h);
          }
        };
    List<String> found = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (long seed = 1; seed <= 12 && found.size() < 3; seed++) {
      MoveSimulation.Result broken = MoveSimulation.withStringKeys(seed, utf16).run();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
        all.addAll(broken.violations());
        MoveSimulation.Result kept = MoveSimulation.withStringKeys(seed, new Rulebook()).run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println("broken move rule (String keys exported by a UTF-16 hash) caught: " + found);
    // Rows of the range hashed out of it never reach their new owner; rows hashed into it are
    // copied where nobody purges them (both among the red seeds' violations, in either order).
    assertThat(found).hasSizeGreaterThanOrEqualTo(2);
    assertThat(all).anyMatch(v -> v.contains("still holds accounts row"));
    assertThat(all).anyMatch(v -> v.contains("acknowledged accounts row"));
  }

  @Test
  @DisplayName(
      "rule 13's placement broken for composite keys (the source's export places a tuple by its"
          + " hash code, not by its shard key's point): rows inserted, updated and deleted by the"
          + " whole key during the move are missing on their new owner, stale there, or left where"
          + " they are not owned")
  void exportingCompositeKeysByTheTuplesHash() {
    Rulebook wholeTuple =
        new Rulebook() {
          @Override
          public long exportedPoint(Sharding sharding, Object key) {
            if (!(key instanceof List<?> tuple)) {
              return sharding.point(key);
            }
            return sharding.point(Math.floorMod((long) tuple.hashCode(), MoveSimulation.KEYS));
          }
        };
    List<String> found = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (long seed = 1; seed <= 16 && found.size() < 4; seed++) {
      MoveSimulation.Result broken = MoveSimulation.withCompositeKeys(seed, wholeTuple).run();
      if (!broken.ok()) {
        found.add("seed " + seed + ": " + broken.violations().get(0));
        all.addAll(broken.violations());
        MoveSimulation.Result kept = MoveSimulation.withCompositeKeys(seed, new Rulebook()).run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println(
        "broken move rule (composite keys exported by the tuple's hash) caught: " + found);
    // Rows changed in the range after its snapshot, exported astray: the new owner lacks them or
    // keeps their value before an acknowledged update or delete (the export's Update and Delete
    // branches, not only its inserts); rows placed into the range are copied where nobody purges.
    assertThat(found).hasSizeGreaterThanOrEqualTo(2);
    assertThat(all).anyMatch(v -> v.contains("still holds lines key"));
    assertThat(all)
        .anyMatch(
            v ->
                v.contains("not its last acknowledged change")
                    || v.contains("acknowledged delete of lines row"));
  }

  @Test
  @DisplayName(
      "rule 7 broken for a move (a range snapshot that ended early taken as complete): the"
          + " destination owns the range without some of its rows")
  void aRangeSnapshotCutMidStreamTakenAsComplete() {
    Rulebook shortCopies =
        new Rulebook() {
          @Override
          public boolean copyComplete(long received, long announced) {
            return received <= announced;
          }
        };
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= 120 && found.size() < 3; seed++) {
      MoveSimulation.Result r = new MoveSimulation(seed, shortCopies).withSnapshotCuts().run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
        MoveSimulation.Result kept = new MoveSimulation(seed).withSnapshotCuts().run();
        assertThat(kept.violations()).as("seed %d with the rule kept", seed).isEmpty();
      }
    }
    System.out.println(
        "broken move rule (a cut range snapshot taken as complete) caught: " + found);
    assertThat(found).isNotEmpty();
  }
}
