package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.simulation.RegisterChecker.Change;
import io.shardeddb.simulation.RegisterChecker.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@link Judge}'s checks, the ones every simulated world runs on a shard's replicas. */
class JudgeTest {
  static final long K = 7;

  static Change change(String id, Long value, long from, long to, Outcome outcome) {
    return new Change(id, K, value, from, to, outcome);
  }

  static Judge.Replica replica(String name, Long value) {
    return new Judge.Replica(name, value == null ? Map.of() : Map.of(K, value), List.of());
  }

  static List<String> verdict(List<Change> changes, Judge.Replica... replicas) {
    return Judge.verdict("sh1", List.of(replicas), Map.of(K, changes), null);
  }

  @Test
  @DisplayName("replicas holding the last acknowledged change keep the promise")
  void aCleanEnd() {
    List<Change> changes =
        List.of(change("ins", 1L, 0, 10, Outcome.OK), change("upd", 2L, 20, 30, Outcome.OK));
    assertThat(verdict(changes, replica("a0", 2L), replica("a1", 2L))).isEmpty();
  }

  @Test
  @DisplayName(
      "an earlier change applied again after a later acknowledged one is caught, though real time"
          + " lets them overlap (the retry of an update answered after another client's)")
  void anEarlierChangeAppliedAgainIsCaught() {
    List<Change> changes =
        List.of(
            change("ins", 1L, 0, 10, Outcome.OK),
            change("u1", 2L, 20, 90, Outcome.OK),
            change("u2", 3L, 50, 60, Outcome.OK));
    assertThat(RegisterChecker.violations(changes, List.of(), Map.of("a0", Map.of(K, 2L))))
        .isEmpty();
    assertThat(verdict(changes, replica("a0", 2L)))
        .singleElement()
        .asString()
        .contains("key 7 on a0 of sh1 holds 2, not its last acknowledged change");
  }

  @Test
  @DisplayName(
      "an acknowledged key missing is lost, unless a delete of it may have landed; an unknown"
          + " change may land whenever")
  void missingAndUnknown() {
    List<Change> lost = List.of(change("ins", 1L, 0, 10, Outcome.OK));
    assertThat(verdict(lost, replica("a0", null)))
        .singleElement()
        .asString()
        .startsWith("acknowledged key 7 is missing on a0 of its owner sh1");
    List<Change> deleted =
        List.of(change("ins", 1L, 0, 10, Outcome.OK), change("del", null, 20, 30, Outcome.UNKNOWN));
    assertThat(verdict(deleted, replica("a0", null))).isEmpty();
    List<Change> late =
        List.of(change("u0", 1L, 0, 10, Outcome.UNKNOWN), change("ins", 2L, 20, 30, Outcome.OK));
    assertThat(verdict(late, replica("a0", 1L))).isEmpty();
    List<Change> refused =
        List.of(change("ins", 1L, 0, 10, Outcome.OK), change("upd", 2L, 20, 30, Outcome.REFUSED));
    assertThat(verdict(refused, replica("a0", 2L))).singleElement().asString().contains("holds 2");
  }

  @Test
  @DisplayName("replicas that end on different values did not converge")
  void divergedReplicas() {
    List<Change> changes =
        List.of(change("ins", 1L, 0, 10, Outcome.OK), change("upd", 2L, 20, 30, Outcome.UNKNOWN));
    assertThat(verdict(changes, replica("a0", 1L), replica("a1", 2L)))
        .singleElement()
        .asString()
        .contains("replicas did not converge on key 7");
  }

  @Test
  @DisplayName(
      "a request id twice in a replica's log is a retry applied twice; a shard whose replicas need"
          + " not agree is judged by its logs alone")
  void aRequestIdLoggedTwice() {
    io.shardeddb.protocol.shard.LogEntry e =
        new io.shardeddb.protocol.shard.LogEntry(
            1,
            1,
            io.shardeddb.protocol.shard.Operation.Write,
            List.of(),
            K,
            "rid-1",
            SimClock.WALL_START_MILLIS + 10);
    // The retry applied again at the next LSN (a log holds each LSN once).
    io.shardeddb.protocol.shard.LogEntry again =
        new io.shardeddb.protocol.shard.LogEntry(
            2,
            1,
            io.shardeddb.protocol.shard.Operation.Write,
            List.of(),
            K,
            "rid-1",
            SimClock.WALL_START_MILLIS + 10);
    Judge.Replica twice = new Judge.Replica("a0", Map.of(), List.of(e, again));
    assertThat(Judge.verdict("sh1", List.of(twice), null, null))
        .containsExactly("request rid-1 was applied 2 times on a0");
  }

  @Test
  @DisplayName(
      "a running replica whose memory ends before its storage's log never read a lost reply back;"
          + " a stopped or copying one is judged by its storage alone")
  void memoryBehindStorage() {
    io.shardeddb.protocol.shard.LogEntry e1 =
        new io.shardeddb.protocol.shard.LogEntry(
            1, 1, io.shardeddb.protocol.shard.Operation.Noop, List.of(), null, null, 0);
    io.shardeddb.protocol.shard.LogEntry e2 =
        new io.shardeddb.protocol.shard.LogEntry(
            2, 1, io.shardeddb.protocol.shard.Operation.Noop, List.of(), null, null, 0);
    Judge.Replica behind = new Judge.Replica("a1", Map.of(), List.of(e1, e2), 1);
    assertThat(Judge.memoryBehindStorage("sh1", behind))
        .containsExactly(
            "a1 of sh1 holds lsn 1 applied in memory but its storage holds the log to lsn 2: a"
                + " commit whose reply was lost was never read back");
    assertThat(
            Judge.memoryBehindStorage("sh1", new Judge.Replica("a1", Map.of(), List.of(e1, e2), 2)))
        .isEmpty();
    assertThat(Judge.memoryBehindStorage("sh1", new Judge.Replica("a1", Map.of(), List.of(e1, e2))))
        .isEmpty();
  }

  @Test
  @DisplayName("a log trimmed from its start is whole; one missing entries in between is not")
  void logHoles() {
    List<io.shardeddb.protocol.shard.LogEntry> log = new java.util.ArrayList<>();
    for (long lsn : new long[] {41, 42, 43, 45}) {
      log.add(
          new io.shardeddb.protocol.shard.LogEntry(
              lsn, 1, io.shardeddb.protocol.shard.Operation.Noop, List.of(), null, null, 0));
    }
    assertThat(Judge.logHoles("sh1", new Judge.Replica("a0", Map.of(), log.subList(0, 3))))
        .isEmpty();
    assertThat(Judge.logHoles("sh1", new Judge.Replica("a0", Map.of(), log)))
        .containsExactly("a0's log of sh1 jumps from lsn 43 to lsn 45: entries missing in between");
  }
}
