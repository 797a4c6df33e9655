package io.shardeddb.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ShardDoc;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardMapTest {
  /** The assignment's layout, given out of order, with a gap [16384, 20000) before sh5. */
  private final ShardMap<ShardDoc> map =
      new ShardMap<>(
          List.of(
              new ShardDoc(4096, "sh2", 4096),
              new ShardDoc(0, "sh1", 4096),
              new ShardDoc(12288, "sh4", 4096),
              new ShardDoc(8192, "sh3", 4096),
              new ShardDoc(20000, "sh5", 100)));

  @Test
  void keyAtLowBoundBelongsToTheShard() {
    assertThat(map.shardFor(0)).map(ShardDoc::id).contains("sh1");
    assertThat(map.shardFor(4096)).map(ShardDoc::id).contains("sh2");
  }

  @Test
  void highBoundIsExclusive() {
    assertThat(map.shardFor(4095)).map(ShardDoc::id).contains("sh1");
    assertThat(map.shardFor(16383)).map(ShardDoc::id).contains("sh4");
    assertThat(map.shardFor(16384)).isEmpty();
  }

  @Test
  void keysInGapsAndOutsideAllRangesBelongToNoShard() {
    assertThat(map.shardFor(19999)).isEmpty();
    assertThat(map.shardFor(-1)).isEmpty();
    assertThat(map.shardFor(20100)).isEmpty();
    assertThat(map.shardFor(Long.MAX_VALUE)).isEmpty();
    assertThat(map.shardFor(Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void rangeReadTouchesEveryShardItIntersectsInKeyOrder() {
    assertThat(map.shardsFor(1000, 8889))
        .extracting(ShardDoc::id)
        .containsExactly("sh1", "sh2", "sh3");
    assertThat(map.shardsFor(4095, 4096)).extracting(ShardDoc::id).containsExactly("sh1", "sh2");
    assertThat(map.shardsFor(4096, 4096)).extracting(ShardDoc::id).containsExactly("sh2");
    assertThat(map.shardsFor(-100, 100_000))
        .extracting(ShardDoc::id)
        .containsExactly("sh1", "sh2", "sh3", "sh4", "sh5");
  }

  @Test
  void rangeInsideAGapOrOutsideTouchesNothing() {
    assertThat(map.shardsFor(16384, 19999)).isEmpty();
    assertThat(map.shardsFor(-10, -1)).isEmpty();
    assertThat(map.shardsFor(20100, 30000)).isEmpty();
  }

  @Test
  void invertedRangeTouchesNothing() {
    assertThat(map.shardsFor(5000, 4000)).isEmpty();
  }

  @Test
  void emptyMapMapsNothing() {
    ShardMap<ShardDoc> empty = new ShardMap<>(List.of());
    assertThat(empty.shardFor(1)).isEmpty();
    assertThat(empty.shardsFor(0, 10)).isEmpty();
  }

  @Test
  void overlappingRangesAreRejectedNamingBothShards() {
    assertThatThrownBy(
            () -> new ShardMap<>(List.of(new ShardDoc(0, "a", 100), new ShardDoc(50, "b", 100))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'b'")
        .hasMessageContaining("'a'")
        .hasMessageContaining("overlaps");
  }

  @Test
  void duplicateIdsAndNonPositiveSizesAreRejected() {
    assertThatThrownBy(
            () -> new ShardMap<>(List.of(new ShardDoc(0, "a", 10), new ShardDoc(10, "a", 10))))
        .hasMessageContaining("used twice");
    assertThatThrownBy(() -> new ShardMap<>(List.of(new ShardDoc(0, "a", 0))))
        .hasMessageContaining("positive size");
  }

  @Test
  void adjacentRangesDoNotOverlap() {
    ShardMap<ShardDoc> m =
        new ShardMap<>(List.of(new ShardDoc(0, "a", 10), new ShardDoc(10, "b", 10)));
    assertThat(m.shardFor(9)).map(ShardDoc::id).contains("a");
    assertThat(m.shardFor(10)).map(ShardDoc::id).contains("b");
  }
}
