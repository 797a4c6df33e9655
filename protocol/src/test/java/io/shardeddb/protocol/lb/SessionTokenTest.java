package io.shardeddb.protocol.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionTokenTest {
  @Test
  void roundTripsAndMergesKeepingTheHigherLsn() {
    SessionToken a = SessionToken.parse("sh2:55,sh1:120");
    assertThat(a.encode()).isEqualTo("sh1:120,sh2:55");
    SessionToken merged = a.merge(new SessionToken(Map.of("sh1", 100L, "sh3", 7L)));
    assertThat(merged.encode()).isEqualTo("sh1:120,sh2:55,sh3:7");
    assertThat(merged.lsnFor("sh4")).isZero();
    assertThat(SessionToken.parse(null).lsnByShard()).isEmpty();
  }

  @Test
  void malformedTokenIsABadRequest() {
    assertThatThrownBy(() -> SessionToken.parse("sh1=4")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> SessionToken.parse("sh1:x")).hasMessageContaining("malformed");
  }
}
