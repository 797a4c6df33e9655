package io.shardeddb.router.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The values a router token accepts across rotations, at explicit instants. */
class TokenRotationTest {
  static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");
  static final Duration OVERLAP = Duration.ofMinutes(5);

  @Test
  void theReplacedTokenIsAcceptedUntilTheOverlapEndsAndTheNewOneAtOnce() {
    TokenRotation r = TokenRotation.of("a").rotatedTo("b", T0, OVERLAP);

    assertThat(r.accepts("Bearer b", T0)).isTrue();
    assertThat(r.accepts("Bearer a", T0.plus(OVERLAP).minusMillis(1))).isTrue();
    assertThat(r.accepts("Bearer a", T0.plus(OVERLAP))).isFalse();
    assertThat(r.accepts("Bearer b", T0.plus(OVERLAP).plusSeconds(3600))).isTrue();
  }

  @Test
  void eachReplacedTokenKeepsItsOwnOverlapAndExpiredOnesAreDropped() {
    TokenRotation r =
        TokenRotation.of("a")
            .rotatedTo("b", T0, OVERLAP)
            .rotatedTo("c", T0.plusSeconds(60), OVERLAP);

    assertThat(r.accepts("Bearer a", T0.plusSeconds(299))).isTrue();
    assertThat(r.accepts("Bearer a", T0.plusSeconds(300))).isFalse();
    assertThat(r.accepts("Bearer b", T0.plusSeconds(359))).isTrue();
    assertThat(r.accepts("Bearer b", T0.plusSeconds(360))).isFalse();
    assertThat(r.rotatedTo("d", T0.plusSeconds(330), OVERLAP).retired())
        .extracting(TokenRotation.Retired::value)
        .containsExactly("b", "c");
  }

  @Test
  void aRollbackMakesTheOldValueCurrentAndTheSameValueChangesNothing() {
    TokenRotation b = TokenRotation.of("a").rotatedTo("b", T0, OVERLAP);
    TokenRotation back = b.rotatedTo("a", T0.plusSeconds(10), OVERLAP);

    assertThat(b.rotatedTo("b", T0.plusSeconds(10), OVERLAP)).isSameAs(b);
    assertThat(back.current()).isEqualTo("a");
    assertThat(back.retired()).extracting(TokenRotation.Retired::value).containsExactly("b");
    assertThat(back.accepts("Bearer a", T0.plus(Duration.ofDays(1)))).isTrue();
  }

  @Test
  void withoutOverlapTheReplacedTokenIsRefusedAtOnce() {
    assertThat(TokenRotation.of("a").rotatedTo("b", T0, Duration.ZERO).accepts("Bearer a", T0))
        .isFalse();
  }

  @Test
  void nothingIsAcceptedWithoutATokenAndNoValueAppearsInItsText() {
    assertThat(TokenRotation.of("").accepts("Bearer ", T0)).isFalse();
    assertThat(TokenRotation.of(null).accepts(null, T0)).isFalse();
    assertThat(TokenRotation.of("a").accepts("a", T0)).as("the scheme is required").isFalse();
    assertThat(TokenRotation.of("a").accepts(" Bearer a ", T0)).isTrue();
    assertThat(TokenRotation.of("secret-1").rotatedTo("secret-2", T0, OVERLAP).toString())
        .doesNotContain("secret");
    assertThatThrownBy(() -> TokenRotation.of("a").rotatedTo(" ", T0, OVERLAP))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
