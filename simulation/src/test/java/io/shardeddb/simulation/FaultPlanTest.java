package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A seed's {@link FaultPlan} is data drawn from the seed and the world's shape alone. */
class FaultPlanTest {
  static final FaultPlan.Shape ONE_SHARD = new FaultPlan.Shape(1, 4, false, 2_000, 15_000, false);
  static final FaultPlan.Shape TWO_SHARDS = new FaultPlan.Shape(2, 2, true, 2_500, 15_000, false);

  @Test
  @DisplayName("a seed draws the same plan every time, another seed another plan")
  void aSeedDrawsItsPlan() {
    assertThat(FaultPlan.draw(7, ONE_SHARD)).isEqualTo(FaultPlan.draw(7, ONE_SHARD));
    assertThat(FaultPlan.draw(8, ONE_SHARD)).isNotEqualTo(FaultPlan.draw(7, ONE_SHARD));
  }

  @Test
  @DisplayName(
      "faults come 200-1,400 ms apart within the world's window, within the promise's network"
          + " rates")
  void faultsStayInTheWindow() {
    for (long seed = 1; seed <= 200; seed++) {
      FaultPlan plan = FaultPlan.draw(seed, TWO_SHARDS);
      assertThat(plan.network().loss()).isBetween(0.0, 0.05);
      assertThat(plan.network().duplicate()).isBetween(0.0, 0.05);
      assertThat(plan.network().maxDelay()).isBetween(1L, 41L);
      List<Long> times = plan.faults().stream().map(Fault::at).toList();
      assertThat(times.get(0)).isEqualTo(2_500);
      assertThat(times).allMatch(t -> t < 15_000);
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.get(i) - times.get(i - 1)).isBetween(200L, 1_399L);
      }
    }
  }

  @Test
  @DisplayName(
      "every kind strikes in some plan of a world with a resharder; none of the resharder's in a"
          + " world without one")
  void kindsFollowTheShape() {
    Set<Class<?>> withMover = new HashSet<>();
    Set<Class<?>> without = new HashSet<>();
    for (long seed = 1; seed <= 100; seed++) {
      FaultPlan.draw(seed, TWO_SHARDS).faults().forEach(f -> withMover.add(f.getClass()));
      FaultPlan.draw(seed, ONE_SHARD).faults().forEach(f -> without.add(f.getClass()));
    }
    Set<Class<?>> all = new HashSet<>(List.of(Fault.class.getPermittedSubclasses()));
    all.remove(Fault.RebuildThenCrashPrimary.class);
    all.remove(Fault.RestartDatabase.class);
    all.remove(Fault.CutOffThroughACutOver.class);
    all.remove(Fault.StoreOutage.class);
    assertThat(withMover).isEqualTo(all);
    assertThat(without).doesNotContain(Fault.RestartMover.class, Fault.CutFromMover.class);
    assertThat(without).hasSize(all.size() - 2);
  }

  @Test
  @DisplayName(
      "faults aimed at copies replace about one in three, the plan's other faults as they were")
  void faultsAimedAtCopiesKeepTheOthers() {
    int rebuilds = 0;
    int faults = 0;
    for (long seed = 1; seed <= 100; seed++) {
      List<Fault> plain = FaultPlan.draw(seed, ONE_SHARD).faults();
      List<Fault> aimed = FaultPlan.draw(seed, ONE_SHARD.withFaultsAimedAtCopies()).faults();
      assertThat(aimed).hasSameSizeAs(plain);
      for (int i = 0; i < plain.size(); i++) {
        Fault f = aimed.get(i);
        if (f instanceof Fault.RebuildThenCrashPrimary r) {
          rebuilds++;
          assertThat(r.otherwise()).isEqualTo(plain.get(i));
        } else {
          assertThat(f).isEqualTo(plain.get(i));
        }
        faults++;
      }
    }
    assertThat((double) rebuilds / faults).isBetween(0.25, 0.42);
  }

  @Test
  @DisplayName(
      "database restarts are added after about one fault slot in three, within 150 ms of it, the"
          + " plan's other faults as they were")
  void databaseRestartsKeepTheOthers() {
    int restarts = 0;
    int landing = 0;
    int slots = 0;
    for (long seed = 1; seed <= 100; seed++) {
      List<Fault> plain = FaultPlan.draw(seed, TWO_SHARDS).faults();
      List<Fault> with = FaultPlan.draw(seed, TWO_SHARDS.withDatabaseRestarts()).faults();
      assertThat(with.stream().filter(f -> !(f instanceof Fault.RestartDatabase)).toList())
          .isEqualTo(plain);
      for (int i = 0; i < with.size(); i++) {
        if (with.get(i) instanceof Fault.RestartDatabase r) {
          restarts++;
          landing += r.lands() ? 1 : 0;
          Fault slot = with.get(i - 1);
          assertThat(slot).isNotInstanceOf(Fault.RestartDatabase.class);
          assertThat(r.at() - slot.at()).isBetween(0L, 149L);
          assertThat(r.length()).isBetween(300L, 3_299L);
        }
      }
      slots += plain.size();
    }
    assertThat((double) restarts / slots).isBetween(0.25, 0.42);
    assertThat((double) landing / restarts).isBetween(0.35, 0.65);
  }

  @Test
  @DisplayName(
      "faults aimed at sessions add two cut-offs through a cut-over in a world with a resharder"
          + " (at the start of faults and 4-8 s later), none without one, the others as they were")
  void faultsAimedAtSessionsKeepTheOthers() {
    for (long seed = 1; seed <= 100; seed++) {
      List<Fault> plain = FaultPlan.draw(seed, TWO_SHARDS).faults();
      List<Fault> aimed = FaultPlan.draw(seed, TWO_SHARDS.withFaultsAimedAtSessions()).faults();
      List<Fault.CutOffThroughACutOver> cuts =
          aimed.stream()
              .filter(f -> f instanceof Fault.CutOffThroughACutOver)
              .map(f -> (Fault.CutOffThroughACutOver) f)
              .toList();
      assertThat(aimed.stream().filter(f -> !(f instanceof Fault.CutOffThroughACutOver)).toList())
          .isEqualTo(plain);
      assertThat(cuts).hasSize(2);
      assertThat(cuts.get(0).at()).isEqualTo(2_500);
      assertThat(cuts.get(1).at()).isBetween(6_500L, 10_499L);
      assertThat(aimed.stream().map(Fault::at).toList()).isSorted();
      assertThat(FaultPlan.draw(seed, ONE_SHARD.withFaultsAimedAtSessions()).faults())
          .isEqualTo(FaultPlan.draw(seed, ONE_SHARD).faults());
    }
  }

  @Test
  @DisplayName(
      "log trims and a store outage are drawn apart: the plan's faults as they were, a retention"
          + " of 60-140 entries every 300-800 ms, one outage of 4-10 s within 4 s of the start")
  void logTrimsAndStoreOutagesKeepTheOthers() {
    for (long seed = 1; seed <= 100; seed++) {
      FaultPlan plain = FaultPlan.draw(seed, ONE_SHARD);
      assertThat(plain.trim()).isNull();
      FaultPlan trimmed = FaultPlan.draw(seed, ONE_SHARD.withLogTrims());
      assertThat(trimmed.faults()).isEqualTo(plain.faults());
      assertThat(trimmed.network()).isEqualTo(plain.network());
      assertThat(trimmed.trim().retention()).isBetween(60L, 140L);
      assertThat(trimmed.trim().intervalMillis()).isBetween(300L, 800L);
      List<Fault> out = FaultPlan.draw(seed, ONE_SHARD.withStoreOutages()).faults();
      List<Fault.StoreOutage> outages =
          out.stream()
              .filter(f -> f instanceof Fault.StoreOutage)
              .map(f -> (Fault.StoreOutage) f)
              .toList();
      assertThat(outages).hasSize(1);
      assertThat(outages.get(0).at()).isBetween(2_000L, 5_999L);
      assertThat(outages.get(0).length()).isBetween(4_000L, 10_000L);
      assertThat(out.stream().filter(f -> !(f instanceof Fault.StoreOutage)).toList())
          .isEqualTo(plain.faults());
    }
  }
}
