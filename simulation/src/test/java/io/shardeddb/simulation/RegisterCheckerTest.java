package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.simulation.RegisterChecker.Change;
import io.shardeddb.simulation.RegisterChecker.Outcome;
import io.shardeddb.simulation.RegisterChecker.Read;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The register checker finds each kind of violation it names, and none in a clean history. */
class RegisterCheckerTest {
  static final long K = 7;

  static Change ok(String id, Long value, long from, long to) {
    return new Change(id, K, value, from, to, Outcome.OK);
  }

  static Read primary(Long value, long from, long to) {
    return new Read("c1", K, value, from, to, true, null);
  }

  static Map<String, Map<Long, Long>> finals(Long value) {
    return value == null ? Map.of("r0", Map.of()) : Map.of("r0", Map.of(K, value));
  }

  @Test
  void aCleanHistoryOfInsertUpdateAndReadsHasNoViolation() {
    List<Change> changes = List.of(ok("ins", 1L, 0, 10), ok("upd", 2L, 20, 30));
    List<Read> reads = List.of(primary(1L, 11, 15), primary(2L, 31, 35), primary(2L, 40, 45));
    assertThat(RegisterChecker.violations(changes, reads, finals(2L))).isEmpty();
  }

  @Test
  void anAcknowledgedUpdateThatIsOverwrittenByAnOlderValueIsLostOrReordered() {
    List<Change> changes = List.of(ok("ins", 1L, 0, 10), ok("upd", 2L, 20, 30));
    assertThat(RegisterChecker.violations(changes, List.of(), finals(1L)))
        .singleElement()
        .asString()
        .contains("ends at value 1 (ins)")
        .contains("upd (value 2) was acknowledged after it");
  }

  @Test
  void anAcknowledgedInsertMissingAtTheEndIsLostUnlessADeleteMayFollowIt() {
    assertThat(RegisterChecker.violations(List.of(ok("ins", 1L, 0, 10)), List.of(), finals(null)))
        .singleElement()
        .asString()
        .contains("ends absent");
    Change maybeDeleted = new Change("del", K, null, 5, 50, Outcome.UNKNOWN);
    assertThat(
            RegisterChecker.violations(
                List.of(ok("ins", 1L, 0, 10), maybeDeleted), List.of(), finals(null)))
        .isEmpty();
  }

  @Test
  void anAcknowledgedDeleteFollowedByTheOldValueIsAViolation() {
    List<Change> changes = List.of(ok("ins", 1L, 0, 10), ok("del", null, 20, 30));
    assertThat(RegisterChecker.violations(changes, List.of(), finals(1L)))
        .singleElement()
        .asString()
        .contains("del (delete) was acknowledged after it");
  }

  @Test
  void primaryReadsThatGoBackInTimeAreCaught() {
    // v1, v2, v1: a retry of the first update applied again after the second.
    List<Change> changes =
        List.of(ok("ins", 1L, 0, 10), ok("u2", 2L, 20, 30), ok("u3", 3L, 40, 50));
    List<Read> reads = List.of(primary(2L, 31, 32), primary(1L, 33, 34));
    assertThat(RegisterChecker.violations(changes, reads, finals(3L)))
        .anySatisfy(v -> assertThat(v).contains("went back: u2").contains("the older ins"))
        .anySatisfy(v -> assertThat(v).startsWith("stale primary read of key 7"));
  }

  @Test
  void aStalePrimaryReadIsCaughtAndAConcurrentOneIsNot() {
    List<Change> changes = List.of(ok("ins", 1L, 0, 10), ok("upd", 2L, 20, 30));
    assertThat(RegisterChecker.violations(changes, List.of(primary(1L, 31, 32)), finals(2L)))
        .singleElement()
        .asString()
        .contains("stale primary read")
        .contains("upd was acknowledged at t=30");
    assertThat(RegisterChecker.violations(changes, List.of(primary(1L, 25, 32)), finals(2L)))
        .isEmpty();
  }

  @Test
  void aSessionReadMustSeeTheClientsOwnChangeButAnyReadNeedNot() {
    List<Change> changes = List.of(ok("ins", 1L, 0, 10), ok("upd", 2L, 20, 30));
    Read session = new Read("c1", K, 1L, 40, 41, false, "upd");
    Read any = new Read("c2", K, 1L, 40, 41, false, null);
    assertThat(RegisterChecker.violations(changes, List.of(session, any), finals(2L)))
        .singleElement()
        .asString()
        .contains("session read of key 7 by c1 missed its own upd");
  }

  @Test
  void aRefusedChangeMustNeverBeSeen() {
    List<Change> changes =
        List.of(ok("ins", 1L, 0, 10), new Change("bad", K, 9L, 20, 21, Outcome.REFUSED));
    assertThat(RegisterChecker.violations(changes, List.of(primary(9L, 30, 31)), finals(9L)))
        .anySatisfy(v -> assertThat(v).contains("refused change bad"))
        .hasSize(2);
  }
}
