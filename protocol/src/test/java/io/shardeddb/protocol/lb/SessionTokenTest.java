package io.shardeddb.protocol.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionTokenTest {
  @Test
  void roundTripsAndMergesKeepingTheHigherLsn() {
    SessionToken a = SessionToken.parse("sh2:55,sh1:120");
    assertThat(a.encode()).isEqualTo("sh1:120,sh2:55");
    SessionToken merged = a.merge(SessionToken.parse("sh1:100@4,sh3:7@2"));
    assertThat(merged.encode()).isEqualTo("sh1:120,sh2:55,sh3:7@2");
    assertThat(merged.lsnFor("sh4")).isZero();
    assertThat(SessionToken.parse(null).byShard()).isEmpty();
  }

  @Test
  void carriesTheEpochOfEachShardsEntry() {
    SessionToken t = SessionToken.of("sh1", 3, 120).merge(SessionToken.of("sh2", 2, 55));
    assertThat(t.encode()).isEqualTo("sh1:120@3,sh2:55@2");
    SessionToken back = SessionToken.parse(t.encode());
    assertThat(back.epochFor("sh1")).isEqualTo(3);
    assertThat(back.lsnFor("sh1")).isEqualTo(120);
    // A later entry wins; at the same LSN the later epoch (the surviving history) wins.
    assertThat(back.merge(SessionToken.of("sh1", 4, 120)).epochFor("sh1")).isEqualTo(4);
    assertThat(back.merge(SessionToken.of("sh1", 5, 100)).lsnFor("sh1")).isEqualTo(120);
  }

  @Test
  void carriesTheLayoutGenerationOfItsWritesTheLaterOneAfterAMerge() {
    SessionToken t = SessionToken.of("sh2", 1, 5, 2).merge(SessionToken.of("sh1", 1, 9, 1));
    assertThat(t.layout()).isEqualTo(2);
    assertThat(t.encode()).isEqualTo("sh1:9@1,sh2:5@1,@layout:2");
    SessionToken back = SessionToken.parse(t.encode());
    assertThat(back).isEqualTo(t);
    assertThat(back.byShard()).containsOnlyKeys("sh1", "sh2");
    // No generation known: the token is as before.
    assertThat(SessionToken.of("sh1", 1, 9, 0).encode()).isEqualTo("sh1:9@1");
    assertThat(SessionToken.parse("sh1:9@1").layout()).isZero();
    assertThatThrownBy(() -> SessionToken.parse("@layout:2@1")).hasMessageContaining("malformed");
  }

  @Test
  void malformedTokenIsABadRequest() {
    assertThatThrownBy(() -> SessionToken.parse("sh1=4")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> SessionToken.parse("sh1:x")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> SessionToken.parse("sh1:4@x")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> SessionToken.parse("sh1:-4")).hasMessageContaining("malformed");
  }
}
