package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The simulator is only worth its green runs if it goes red when a rule is broken: each test
 * weakens one rule of DESIGN §5 and expects violations within a few hundred schedules.
 */
class BrokenRulesAreCaughtTest {

  private static List<String> violations(
      Supplier<ReplicaRules> rules, Supplier<FailoverRule> failover, int schedules) {
    List<String> found = new ArrayList<>();
    for (long seed = 1; seed <= schedules && found.size() < 3; seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 3, rules.get(), failover.get()).run();
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.violations().get(0));
      }
    }
    return found;
  }

  @Test
  @DisplayName("rule 5 broken (quorum counted over the replicas that answer): writes are lost")
  void quorumOverAnsweringReplicas() {
    ReplicaRules weak =
        new ReplicaRules() {
          @Override
          long quorumLsn(long selfLsn, Map<String, Long> inSyncMatch, int replicas) {
            return super.quorumLsn(selfLsn, inSyncMatch, Math.max(1, inSyncMatch.size() + 1));
          }
        };
    assertThat(violations(() -> weak, PlannerFailoverRule::new, 400))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName("rule 2 broken (a copying replica chosen and counted): writes are lost")
  void copyingReplicasCount() {
    FailoverRule careless =
        (answers, replicas) ->
            answers.size() >= replicas / 2 + 1
                ? answers.stream()
                    .max(
                        (a, b) ->
                            a.lastEntryEpoch() != b.lastEntryEpoch()
                                ? Long.compare(a.lastEntryEpoch(), b.lastEntryEpoch())
                                : a.copying() != b.copying()
                                    ? (a.copying() ? 1 : -1)
                                    : Long.compare(a.lastLsn(), b.lastLsn()))
                    .map(Messages.FenceAck::name)
                : Optional.empty();
    assertThat(violations(ReplicaRules::new, () -> careless, 400))
        .anyMatch(v -> v.contains("acknowledged write"));
  }

  @Test
  @DisplayName("rule 9 broken (primary reads without a lease): a read misses an acknowledged write")
  void readsWithoutLease() {
    ReplicaRules noLease =
        new ReplicaRules() {
          @Override
          boolean holdsLease(
              long now, long promotedAt, Map<String, Long> acks, int replicas, long lease) {
            return true;
          }
        };
    assertThat(violations(() -> noLease, PlannerFailoverRule::new, 400))
        .anyMatch(v -> v.contains("stale primary read"));
  }

  @Test
  @DisplayName(
      "rule 4 broken (a batch appended without matching the entry before it): replicas diverge")
  void noLogMatching() {
    ReplicaRules blind =
        new ReplicaRules() {
          @Override
          Match match(long baseLsn, long lastLsn, long epochAtPrev, Messages.Append a) {
            Match m = super.match(baseLsn, lastLsn, epochAtPrev, a);
            return m == Match.DIVERGED ? Match.MATCHES : m;
          }
        };
    assertThat(violations(() -> blind, PlannerFailoverRule::new, 400)).isNotEmpty();
  }
}
