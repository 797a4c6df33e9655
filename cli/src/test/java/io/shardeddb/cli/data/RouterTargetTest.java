package io.shardeddb.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTargetTest {

  @Test
  void aLoopbackPodAddressIsReachedDirectly_anyOtherThroughAPortForward() {
    assertThat(target("127.0.3.5").route()).isEqualTo(RouterTarget.Route.DIRECT);
    assertThat(target("::1").route()).isEqualTo(RouterTarget.Route.DIRECT);
    assertThat(target("10.77.0.18").route()).isEqualTo(RouterTarget.Route.PORT_FORWARD);
    assertThat(target("1270.0.0.1").route()).isEqualTo(RouterTarget.Route.PORT_FORWARD);
  }

  private static RouterTarget target(String ip) {
    return new RouterTarget("default", "db-router-0", ip, 8080, null, null);
  }
}
