package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.api.v1alpha1.ShardSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The analysis's keys: cold, warm-up, warm runs and the failure check's probes never overlap. */
class AnalysisPlanTest {

  private static List<Long> keys(KeySet s) {
    List<Long> keys = new ArrayList<>();
    for (int i = 0; i < s.count(); i++) {
      keys.add(s.key(i));
    }
    return keys;
  }

  @Test
  void theColdRunIsFirstAndNoTwoRunsShareAKey() {
    AnalysisPlan plan = new AnalysisPlan(300, 3);
    List<KeySet> runs =
        List.of(plan.cold(), plan.warmup(), plan.warm(0), plan.warm(1), plan.warm(2));
    Set<Long> all = new HashSet<>();
    for (KeySet s : runs) {
      assertThat(s.count()).isEqualTo(300);
      for (long k : keys(s)) {
        assertThat(k).isBetween(0L, plan.keySpace() - 1L);
        assertThat(all.add(k)).as("key %d in two runs", k).isTrue();
      }
    }
    assertThat(plan.keySpace()).isEqualTo(1_800);
    assertThat(plan.cold().key(0)).isZero();
    assertThatThrownBy(() -> plan.warm(3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachRunTouchesEveryShardOfTheLargestConfiguration() {
    AnalysisPlan plan = new AnalysisPlan(300, 3);
    DatabaseYaml yaml = new DatabaseYaml("db", 6, 8, plan.keySpace());
    for (KeySet s : List.of(plan.cold(), plan.warm(0))) {
      Set<String> touched = new HashSet<>();
      for (long k : keys(s)) {
        for (ShardSpec r : yaml.ranges()) {
          if (k >= r.low() && k < r.low() + r.size()) {
            touched.add(r.id());
          }
        }
      }
      assertThat(touched).hasSize(6);
    }
  }

  @Test
  void probesLieInTheirShardAndNoRunWroteThem() {
    AnalysisPlan plan = new AnalysisPlan(300, 3);
    DatabaseYaml yaml = new DatabaseYaml("db", 6, 8, plan.keySpace());
    Set<Long> runKeys = new HashSet<>();
    for (KeySet s : List.of(plan.cold(), plan.warmup(), plan.warm(0), plan.warm(1), plan.warm(2))) {
      runKeys.addAll(keys(s));
    }
    for (ShardSpec r : yaml.ranges()) {
      List<Long> probes = plan.probes(r, 10);
      assertThat(probes).hasSize(10).doesNotHaveDuplicates();
      assertThat(probes).allSatisfy(k -> assertThat(k).isBetween(r.low(), r.low() + r.size() - 1));
      assertThat(probes).noneMatch(runKeys::contains);
    }
    assertThat(plan.probes(yaml.ranges().get(0), 1_000))
        .as("no more than the shard's share of the probe slot")
        .hasSize(50);
  }

  @Test
  void writtenIsEveryRunKeyOfTheShardAndNothingElse() {
    AnalysisPlan plan = new AnalysisPlan(300, 3);
    DatabaseYaml yaml = new DatabaseYaml("db", 4, 3, plan.keySpace());
    Set<Long> runKeys = new HashSet<>();
    for (KeySet s : List.of(plan.cold(), plan.warmup(), plan.warm(0), plan.warm(1), plan.warm(2))) {
      runKeys.addAll(keys(s));
    }
    Set<Long> union = new HashSet<>();
    for (ShardSpec r : yaml.ranges()) {
      List<Long> written = plan.written(r);
      assertThat(written).isSorted();
      assertThat(written).allSatisfy(k -> assertThat(runKeys).contains(k));
      union.addAll(written);
    }
    assertThat(union).isEqualTo(runKeys);
  }
}
