package io.shardeddb.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The router's transport to shard-servers is two typed settings of {@link RouterSettings}: {@code
 * shard-transport} ({@code stream} or {@code http}, any case) and {@code
 * shard-stream.max-in-flight} (at least 1); a bad value stops the router at start-up with a message
 * that names the setting.
 */
class RouterTransportSettingsTest {

  private static RouterSettings bind(Map<String, Object> properties) {
    Map<String, Object> all = new HashMap<>(properties);
    all.put("shardeddb.router.auth.token", "given");
    try (ApplicationContext context =
        ApplicationContext.builder().deduceEnvironment(false).properties(all).start()) {
      return context.getBean(RouterSettings.class);
    }
  }

  @Test
  void byDefaultDataCallsGoOverTheStreamWithFourInFlight() {
    RouterSettings settings = bind(Map.of());
    assertThat(settings.shardTransport()).isEqualTo("stream");
    assertThat(settings.streamTransport()).isTrue();
    assertThat(settings.shardStream().maxInFlight()).isEqualTo(4);
  }

  @Test
  void httpIsTakenInAnyCase() {
    RouterSettings settings =
        bind(
            Map.of(
                "shardeddb.router.shard-transport", " HTTP ",
                "shardeddb.router.shard-stream.max-in-flight", "2"));
    assertThat(settings.shardTransport()).isEqualTo("http");
    assertThat(settings.streamTransport()).isFalse();
    assertThat(settings.shardStream().maxInFlight()).isEqualTo(2);
  }

  @Test
  void anUnknownTransportStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> bind(Map.of("shardeddb.router.shard-transport", "pigeon")))
        .hasMessageContaining("shardeddb.router.shard-transport")
        .hasMessageContaining("pigeon");
  }

  @Test
  void aWindowBelowOneStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> bind(Map.of("shardeddb.router.shard-stream.max-in-flight", "0")))
        .hasMessageContaining("shardeddb.router.shard-stream.max-in-flight");
  }
}
