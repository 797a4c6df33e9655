package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.shard.ShardServerClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@link MovedRangeIT} with the router's data calls on the data stream ({@code
 * shardeddb.router.shard-transport=stream}): the real shard-servers' 421 (a fenced range) reaches
 * the router's moved-range retry the same way, and a write waiting on it goes through once the
 * range is adopted again. Then the calls really went over the stream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MovedRangeOverStreamIT extends MovedRangeIT {

  @Override
  Map<String, Object> transport() {
    return Map.of("shardeddb.router.shard-transport", "stream");
  }

  @Test
  @Order(3)
  void theDataCallsWentOverTheStream() {
    ShardServerClient client =
        router.server().getApplicationContext().getBean(ShardServerClient.class);
    assertThat(client.streamTransport()).isTrue();
    assertThat(client.streamedCalls()).isPositive();
  }

  @Override
  @AfterAll
  void stop() throws Exception {
    super.stop();
  }
}
