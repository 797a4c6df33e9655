package io.shardeddb.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.shard.ShardEndpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointRangeTest {

  @Test
  void minusCutsFromEitherEndOrTheMiddle() {
    List<PointRange> owned = List.of(new PointRange(0, 4096));
    assertThat(PointRange.minus(owned, new PointRange(2048, 2048)))
        .containsExactly(new PointRange(0, 2048));
    assertThat(PointRange.minus(owned, new PointRange(0, 1000)))
        .containsExactly(new PointRange(1000, 3096));
    assertThat(PointRange.minus(owned, new PointRange(1000, 1000)))
        .containsExactly(new PointRange(0, 1000), new PointRange(2000, 2096));
    assertThat(PointRange.minus(owned, new PointRange(0, 4096))).isEmpty();
    assertThat(PointRange.minus(owned, new PointRange(5000, 10))).containsExactly(owned.get(0));
  }

  @Test
  void plusJoinsAdjacentRanges() {
    List<PointRange> owned = List.of(new PointRange(0, 2048));
    assertThat(PointRange.plus(owned, new PointRange(2048, 2048)))
        .containsExactly(new PointRange(0, 4096));
    assertThat(PointRange.plus(owned, new PointRange(3000, 10)))
        .containsExactly(new PointRange(0, 2048), new PointRange(3000, 10));
    assertThat(PointRange.anyContains(PointRange.plus(owned, new PointRange(3000, 10)), 3005))
        .isTrue();
    assertThat(PointRange.anyContains(owned, 2048)).isFalse();
  }

  @Test
  void ownedHeaderRoundTripsAndNamesBadParts() {
    List<PointRange> ranges = List.of(new PointRange(0, 2048), new PointRange(4096, 100));
    String h = ShardEndpoints.ownedHeader(ranges);
    assertThat(h).isEqualTo("0+2048,4096+100");
    assertThat(ShardEndpoints.parseOwnedHeader(h)).isEqualTo(ranges);
    assertThat(ShardEndpoints.parseOwnedHeader("")).isEmpty();
    assertThatThrownBy(() -> ShardEndpoints.parseOwnedHeader("5-3"))
        .hasMessageContaining("'5-3' is not low+size");
    assertThatThrownBy(() -> ShardEndpoints.parseOwnedHeader("5+0"))
        .hasMessageContaining("positive size");
  }

  @Test
  void refusesEmptyOrOverflowingRanges() {
    assertThatThrownBy(() -> new PointRange(0, 0)).hasMessageContaining("positive size");
    assertThatThrownBy(() -> new PointRange(Long.MAX_VALUE, 2)).hasMessageContaining("overflows");
  }

  @Test
  void hashPointsStayInTheHashSpaceAndSpreadSequentialKeys() {
    int[] quarters = new int[4];
    for (long k = 0; k < 40_000; k++) {
      long p = Sharding.Hash.point(k);
      assertThat(p).isBetween(0L, Sharding.HASH_SPACE - 1);
      quarters[(int) (p / (Sharding.HASH_SPACE / 4))]++;
    }
    // Sequential keys land in every quarter of the hash space, none with more than 30%.
    for (int q : quarters) {
      assertThat(q).isBetween(7_000, 12_000);
    }
    assertThat(Sharding.Range.point(1234)).isEqualTo(1234);
    // The hash is part of where data is stored: pin it.
    assertThat(Sharding.hash(0)).isEqualTo(0L);
    assertThat(Sharding.hash(1)).isEqualTo(3025583356L);
    assertThat(Sharding.hash(4096)).isEqualTo(3380647003L);
    assertThat(Sharding.hash(-5)).isEqualTo(1264719774L);
  }
}
