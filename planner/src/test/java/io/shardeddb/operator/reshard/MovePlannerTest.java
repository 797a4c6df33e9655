package io.shardeddb.operator.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.PointRange;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which moves reach a spec from the published layout, one contiguous range per shard each step. */
class MovePlannerTest {

  @Test
  void splittingAShardMovesTheUpperHalfToTheNewShard() {
    Map<String, PointRange> target = layout("sh1", 0, 2048, "sh5", 2048, 2048);
    MovePlanner.Plan plan = MovePlanner.plan(layout("sh1", 0, 4096), target);

    assertThat(plan.possible()).isTrue();
    assertThat(plan.moves()).containsExactly(move("sh1", "sh5", 2048, 2048));
    assertContiguousAtEveryStep(layout("sh1", 0, 4096), target, plan);
  }

  @Test
  void mergingTwoNeighboursMovesOneIntoTheOtherAndTheEmptiedShardLeavesTheLayout() {
    Map<String, PointRange> published = layout("sh1", 0, 2048, "sh2", 2048, 2048);

    MovePlanner.Plan plan = MovePlanner.plan(published, layout("sh1", 0, 4096));

    assertThat(plan.moves()).containsExactly(move("sh2", "sh1", 2048, 2048));
    assertThat(MovePlanner.after(published, plan.moves().get(0))).isEqualTo(layout("sh1", 0, 4096));
  }

  @Test
  void movingABoundaryMovesOnlyThePointsBetweenTheOldAndTheNewBoundary() {
    MovePlanner.Plan plan =
        MovePlanner.plan(
            layout("sh1", 0, 4096, "sh2", 4096, 4096), layout("sh1", 0, 3000, "sh2", 3000, 5192));

    assertThat(plan.moves()).containsExactly(move("sh1", "sh2", 3000, 1096));
  }

  @Test
  void aThreeWaySplitTakesTheOuterPieceFirstSoTheSourceNeverOwnsTwoRanges() {
    Map<String, PointRange> published = layout("sh1", 0, 300);

    Map<String, PointRange> target = layout("sh1", 0, 100, "sh2", 100, 100, "sh3", 200, 100);
    MovePlanner.Plan plan = MovePlanner.plan(published, target);

    assertThat(plan.moves())
        .containsExactly(move("sh1", "sh3", 200, 100), move("sh1", "sh2", 100, 100));
    assertContiguousAtEveryStep(published, target, plan);
  }

  @Test
  void droppingAShardInTheMiddleHandsItsPointsToBothNeighbours() {
    Map<String, PointRange> published = layout("a", 0, 100, "b", 100, 100, "c", 200, 100);

    Map<String, PointRange> target = layout("a", 0, 150, "c", 150, 150);
    MovePlanner.Plan plan = MovePlanner.plan(published, target);

    assertThat(plan.moves()).containsExactly(move("b", "a", 100, 50), move("b", "c", 150, 50));
    assertContiguousAtEveryStep(published, target, plan);
  }

  @Test
  void swappingTwoShardsRangesGoesThroughOneOfThemOwningBoth() {
    Map<String, PointRange> published = layout("a", 0, 100, "b", 100, 100);

    Map<String, PointRange> target = layout("b", 0, 100, "a", 100, 100);
    MovePlanner.Plan plan = MovePlanner.plan(published, target);

    assertThat(plan.moves()).hasSize(2);
    assertContiguousAtEveryStep(published, target, plan);
  }

  @Test
  void aRevertedSpecNeedsNothingAndTheMoveInFlightIsNoLongerWanted() {
    Map<String, PointRange> published = layout("sh1", 0, 4096);
    Move inFlight = move("sh1", "sh5", 2048, 2048);
    Map<String, PointRange> split = layout("sh1", 0, 2048, "sh5", 2048, 2048);
    assertThat(MovePlanner.stillWanted(published, split, inFlight)).isTrue();

    Map<String, PointRange> reverted = layout("sh1", 0, 4096);

    assertThat(MovePlanner.plan(published, reverted).done()).isTrue();
    assertThat(MovePlanner.stillWanted(published, reverted, inFlight)).isFalse();
    // A different split is not the move in flight either: it only takes part of its range.
    assertThat(
            MovePlanner.stillWanted(published, layout("sh1", 0, 3072, "sh5", 3072, 1024), inFlight))
        .isFalse();
  }

  @Test
  void nothingToDoWhenTheSpecIsThePublishedLayout() {
    Map<String, PointRange> published = layout("sh1", 0, 4096, "sh2", 4096, 4096);

    assertThat(MovePlanner.plan(published, published).done()).isTrue();
  }

  @Test
  void aNewShardOverNewPointsIsPublishedWithoutAMove() {
    Map<String, PointRange> published = layout("sh1", 0, 4096);
    Map<String, PointRange> target = layout("sh1", 0, 4096, "sh2", 4096, 4096);

    assertThat(MovePlanner.plan(published, target).done()).isTrue();
    assertThat(MovePlanner.withNewCoverage(published, target)).isEqualTo(target);
  }

  @Test
  void pointsTheSpecLeavesToNoShardAreRefusedNamingTheRangeAndTheShard() {
    MovePlanner.Plan plan =
        MovePlanner.plan(layout("sh1", 0, 4096, "sh2", 4096, 4096), layout("sh1", 0, 4096));

    assertThat(plan.possible()).isFalse();
    assertThat(plan.refusal()).contains("[4096, 8192)").contains("sh2").contains("lost");
  }

  @Test
  void growingAShardIntoPointsNobodyOwnsIsRefused() {
    MovePlanner.Plan plan = MovePlanner.plan(layout("sh1", 0, 4096), layout("sh1", 0, 8192));

    assertThat(plan.possible()).isFalse();
    assertThat(plan.refusal()).contains("sh1").contains("[4096, 8192)");
  }

  /** Replays the plan: after() throws when a move would leave a shard with two ranges. */
  private static void assertContiguousAtEveryStep(
      Map<String, PointRange> published, Map<String, PointRange> target, MovePlanner.Plan plan) {
    Map<String, PointRange> layout = published;
    for (Move m : plan.moves()) {
      layout = MovePlanner.after(layout, m);
    }
    assertThat(layout).containsExactlyInAnyOrderEntriesOf(target);
  }

  private static Move move(String from, String to, long low, long size) {
    return new Move(from, to, new PointRange(low, size));
  }

  private static Map<String, PointRange> layout(Object... idLowSize) {
    Map<String, PointRange> out = new LinkedHashMap<>();
    for (int i = 0; i < idLowSize.length; i += 3) {
      out.put(
          (String) idLowSize[i],
          new PointRange(
              ((Number) idLowSize[i + 1]).longValue(), ((Number) idLowSize[i + 2]).longValue()));
    }
    return out;
  }
}
