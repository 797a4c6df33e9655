package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.AppliedSpec.AppliedShard;
import io.shardeddb.protocol.shard.LogPosition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code status.applied.layoutGeneration} (safety review 2026-11-26 #5): the same number for the
 * same published layout, one more for each change, so every router reads the same generation for a
 * layout and a session token can say its writes were routed by a newer layout than a router has.
 */
class LayoutGenerationTest {
  static final AppliedSpec SPEC =
      new AppliedSpec(null, List.of(), "1Gi", null, "db-router-token", "db-mysql");
  static final List<AppliedShard> BEFORE =
      List.of(new AppliedShard("sh1", 0, 100), new AppliedShard("sh2", 100, 100));
  static final List<AppliedShard> AFTER =
      List.of(new AppliedShard("sh1", 0, 50), new AppliedShard("sh2", 50, 150));

  /** {@code published} after {@code previous}, the spec naming the published shards. */
  static AppliedSpec layout(List<AppliedShard> published, AppliedSpec previous) {
    return SPEC.withLayout(published, previous, published.stream().map(AppliedShard::id).toList());
  }

  @Test
  void theFirstPublishedLayoutIsGenerationOne() {
    assertThat(layout(BEFORE, null).layoutGenerationOrZero()).isEqualTo(1);
  }

  @Test
  void aLayoutChangeRaisesItAndTheSameLayoutKeepsIt() {
    AppliedSpec first = layout(BEFORE, null);
    AppliedSpec same = layout(List.of(BEFORE.get(1), BEFORE.get(0)), first);
    assertThat(same.layoutGenerationOrZero()).isEqualTo(1);
    AppliedSpec moved = layout(AFTER, same);
    assertThat(moved.layoutGenerationOrZero()).isEqualTo(2);
    assertThat(moved.shards()).isEqualTo(AFTER);
    // A move back is a newer layout, not the old generation again.
    assertThat(layout(BEFORE, moved).layoutGenerationOrZero()).isEqualTo(3);
    // The volume size is not the layout.
    assertThat(moved.withStorageSize("2Gi").layoutGenerationOrZero()).isEqualTo(2);
  }

  @Test
  void aStatusWrittenBeforeTheFieldExistedKeepsZeroUntilTheLayoutChanges() {
    AppliedSpec old = new AppliedSpec(null, BEFORE, "1Gi", null, "t", "m");
    assertThat(old.layoutGenerationOrZero()).isZero();
    assertThat(layout(BEFORE, old).layoutGeneration()).isNull();
    assertThat(layout(AFTER, old).layoutGenerationOrZero()).isEqualTo(1);
  }

  @Test
  void aShardThatLeavesThePublishedLayoutIsRetiredForGood() {
    AppliedSpec two = layout(BEFORE, null);
    assertThat(two.retiredShardsOrEmpty()).isEmpty();
    // sh2 merged into sh1 (the cut-over publishes sh1 alone).
    AppliedSpec merged = layout(List.of(new AppliedShard("sh1", 0, 200)), two);
    assertThat(merged.retiredShards()).containsExactly("sh2");
    // Later passes and other with-methods keep it.
    AppliedSpec later = layout(merged.shards(), merged).withStorageSize("2Gi");
    assertThat(later.retiredShards()).containsExactly("sh2");
    assertThat(later.withSchema(null, 2).withShards(later.shards()).retiredShards())
        .containsExactly("sh2");
    // A split into a new id, then that one merged away too: both retired, sorted.
    AppliedSpec split =
        layout(List.of(new AppliedShard("sh1", 0, 100), new AppliedShard("sh0", 100, 100)), later);
    AppliedSpec again = layout(List.of(new AppliedShard("sh1", 0, 200)), split);
    assertThat(again.retiredShards()).containsExactly("sh0", "sh2");
  }

  @Test
  void aShardThatGaveAllItsPointsAwayButIsStillInTheSpecIsNotRetired() {
    // A swap of two ranges goes through one shard owning nothing (MovePlanner), then back.
    List<String> spec = List.of("sh1", "sh2");
    AppliedSpec two = SPEC.withLayout(BEFORE, null, spec);
    AppliedSpec sh1Emptied = SPEC.withLayout(List.of(new AppliedShard("sh2", 0, 200)), two, spec);
    assertThat(sh1Emptied.retiredShardsOrEmpty()).isEmpty();
    AppliedSpec swapped =
        SPEC.withLayout(
            List.of(new AppliedShard("sh2", 0, 100), new AppliedShard("sh1", 100, 100)),
            sh1Emptied,
            spec);
    assertThat(swapped.retiredShardsOrEmpty()).isEmpty();
  }

  @Test
  void eachShardKeepsTheLaterOfItsSessionFloorsByIdAndAFloorIsNotALayoutChange() {
    AppliedSpec first = layout(BEFORE, null);
    // The move [50, 100) sh1 -> sh2 publishes sh2's adopt position as its floor.
    AppliedSpec moved =
        SPEC.withLayout(AFTER, first, List.of("sh1", "sh2"), Map.of("sh2", new LogPosition(2, 40)));
    assertThat(moved.layoutGenerationOrZero()).isEqualTo(2);
    assertThat(moved.shards())
        .containsExactly(new AppliedShard("sh1", 0, 50), new AppliedShard("sh2", 50, 150, 2L, 40L));
    // A later pass rebuilding the same layout from ranges alone keeps the floor and the generation.
    AppliedSpec again = layout(AFTER, moved);
    assertThat(again.layoutGenerationOrZero()).isEqualTo(2);
    assertThat(again.shards()).isEqualTo(moved.shards());
    // A later move shrinking sh2 keeps its floor (its last adopt); an older position never lowers
    // it, a later one raises it.
    List<AppliedShard> shrunk =
        List.of(new AppliedShard("sh1", 0, 150), new AppliedShard("sh2", 150, 50));
    AppliedSpec back =
        SPEC.withLayout(
            shrunk, again, List.of("sh1", "sh2"), Map.of("sh1", new LogPosition(1, 90)));
    assertThat(back.layoutGenerationOrZero()).isEqualTo(3);
    assertThat(back.shards())
        .containsExactly(
            new AppliedShard("sh1", 0, 150, 1L, 90L), new AppliedShard("sh2", 150, 50, 2L, 40L));
    AppliedSpec older =
        SPEC.withLayout(shrunk, back, List.of("sh1", "sh2"), Map.of("sh2", new LogPosition(1, 99)));
    assertThat(older.shards().get(1).floor()).isEqualTo(new LogPosition(2, 40));
    AppliedSpec later =
        SPEC.withLayout(shrunk, back, List.of("sh1", "sh2"), Map.of("sh2", new LogPosition(3, 1)));
    assertThat(later.shards().get(1).floor()).isEqualTo(new LogPosition(3, 1));
    assertThat(later.layoutGenerationOrZero()).isEqualTo(3);
  }
}
