package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After a failed data-stream connection, routers stay on HTTP for a window spread by jitter, so
 * routers that lost a shard-server at the same moment do not all reconnect in the same instant.
 */
class ShardStreamBackOffTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void theWindowIsBetweenHalfOfItAndAllOfItAndDiffersByTheRandomDraw() {
    assertThat(ShardStream.spread(SECOND, 0.0)).isEqualTo(SECOND / 2);
    assertThat(ShardStream.spread(SECOND, 0.5)).isEqualTo(SECOND * 3 / 4);
    assertThat(ShardStream.spread(SECOND, 0.999_999)).isBetween(SECOND - 1_000, SECOND);
    assertThat(ShardStream.spread(ShardStream.NO_STREAM_RETRY_NANOS, 0.25))
        .isEqualTo(ShardStream.NO_STREAM_RETRY_NANOS * 5 / 8);
  }
}
