package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The restore planner's layout steps, each a function of values: what one shard's replay of its
 * range changes leaves, and which shard owns a fenced-but-not-adopted range again at the target.
 */
class RestoreLayoutStepsTest {

  private static final KeyRange ALL = new KeyRange(0, 100);
  private static final KeyRange UPPER = new KeyRange(50, 50);

  private static RangeChange change(String shard, long lsn, long millis, String op, KeyRange r) {
    return new RangeChange(shard, lsn, millis, op, r.low(), r.size());
  }

  @Test
  void aFenceAfterTheBaseReleasesTheRangeAndItsAdoptTakesItBack() {
    RestorePlanner.Replayed fenced =
        RestorePlanner.Replayed.of(
            List.of(ALL), 10, List.of(change("sh1", 11, 1_000, "Fence", UPPER)));

    assertThat(fenced.owned()).containsExactly(new KeyRange(0, 50));
    assertThat(fenced.released()).containsExactly(UPPER);
    assertThat(fenced.fencedAt(75)).isEqualTo(1_000);
    assertThat(fenced.fencedAt(25)).isEqualTo(Long.MIN_VALUE);

    RestorePlanner.Replayed adopted =
        RestorePlanner.Replayed.of(
            List.of(ALL),
            10,
            List.of(
                change("sh1", 11, 1_000, "Fence", UPPER),
                change("sh1", 12, 1_100, "Adopt", UPPER)));
    assertThat(adopted.owned()).containsExactly(ALL);
    assertThat(adopted.released()).isEmpty();
  }

  @Test
  void aChangeInTheBaseIsInItsConfigAlreadyButStillSaysWhatWasFenced() {
    RestorePlanner.Replayed r =
        RestorePlanner.Replayed.of(
            List.of(new KeyRange(0, 50)), 10, List.of(change("sh1", 9, 900, "Fence", UPPER)));

    assertThat(r.owned()).containsExactly(new KeyRange(0, 50));
    assertThat(r.released()).containsExactly(UPPER);
  }

  @Test
  void aRangeFencedOnItsSourceButNotYetAdoptedIsOwnedAgainByTheLastShardToFenceIt() {
    Map<String, RestorePlanner.Replayed> replayed = new LinkedHashMap<>();
    replayed.put(
        "sh1",
        new RestorePlanner.Replayed(
            List.of(new KeyRange(0, 50)), List.of(UPPER), Map.of(UPPER, 1_000L)));
    replayed.put(
        "sh2", new RestorePlanner.Replayed(List.of(), List.of(UPPER), Map.of(UPPER, 2_000L)));
    replayed.put("sh3", new RestorePlanner.Replayed(List.of(), List.of(), Map.of()));

    assertThat(RestorePlanner.unfenced(replayed)).containsExactly(Map.entry("sh2", List.of(UPPER)));
  }

  @Test
  void twoShardsOwningOnePointAtTheTargetAreRefused() {
    Map<String, RestorePlanner.Replayed> replayed = new LinkedHashMap<>();
    replayed.put("sh1", new RestorePlanner.Replayed(List.of(ALL), List.of(), Map.of()));
    replayed.put("sh2", new RestorePlanner.Replayed(List.of(UPPER), List.of(), Map.of()));

    assertThatThrownBy(() -> RestorePlanner.unfenced(replayed))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("shards sh1 and sh2 both own points [50, 100)");
  }

  @Test
  void changesAreGroupedByShardInLsnOrder() {
    Map<String, List<RangeChange>> byShard =
        RestorePlanner.byShard(
            List.of(
                change("sh2", 7, 0, "Adopt", UPPER),
                change("sh1", 5, 0, "Fence", UPPER),
                change("sh1", 3, 0, "Purge", UPPER)));

    assertThat(byShard.keySet()).containsExactly("sh1", "sh2");
    assertThat(byShard.get("sh1")).extracting(RangeChange::lsn).containsExactly(3L, 5L);
  }
}
