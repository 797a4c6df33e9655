package io.shardeddb.operator.cert;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.cert.CaRotation.Ca;
import io.shardeddb.operator.cert.CaRotation.Decision;
import io.shardeddb.operator.cert.CaRotation.Inputs;
import io.shardeddb.operator.cert.CaRotation.Phase;
import io.shardeddb.operator.cert.CaRotation.Source;
import io.shardeddb.operator.cert.CaRotation.State;
import io.shardeddb.operator.cert.CaRotation.UserCa;
import io.shardeddb.protocol.tls.CertificateAuthority;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CA rotation's decisions over a clock: a rotation starts with a third of the CA's validity
 * left or when asked, trusts both CAs for an overlap before re-issuing, keeps the old CA trusted
 * for another overlap, and never takes a step before what it published is in every TLS Secret; a
 * user's CA is never rotated by the operator, but a change of it runs the same sequence.
 */
class CaRotationTest {

  private static final Duration OVERLAP = Duration.ofMinutes(5);
  private final SecureRandom random = new SecureRandom();
  private final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
  private final Deque<Ca> made = new ArrayDeque<>();

  private Ca ca(String name, Instant from, Duration validity) {
    CertificateAuthority c = CertificateAuthority.create(name, from, validity, random);
    return new Ca(c.certificate(), c.key());
  }

  private Ca fresh() {
    Ca c = ca("new-" + made.size(), t0, Duration.ofDays(30));
    made.push(c);
    return c;
  }

  private Decision decide(State s, Instant now, boolean requested, boolean published) {
    return CaRotation.decide(s, new Inputs(now, OVERLAP, requested, published, null, this::fresh));
  }

  @Test
  void theFirstPassMakesACaAndNothingElseHappensWhileItIsYoung() {
    Decision first = decide(null, t0, false, false);
    assertThat(first.state().phase()).isEqualTo(Phase.Steady);
    assertThat(first.state().source()).isEqualTo(Source.Generated);
    assertThat(first.state().bundle()).containsExactly(made.peek().certificate());

    Decision later = decide(first.state(), t0.plus(Duration.ofDays(9)), false, true);
    assertThat(later.state()).isSameAs(first.state());
    assertThat(later.event()).isNull();
  }

  @Test
  void aCaWithAThirdOfItsValidityLeftIsRotatedInThreeStepsEachAfterTheOverlap() {
    Ca old = ca("old", t0, Duration.ofDays(30));
    State steady = State.steady(Source.Generated, old, t0, 1);

    // Day 19: more than a third left; day 21: less.
    assertThat(decide(steady, t0.plus(Duration.ofDays(19)), false, true).state()).isSameAs(steady);
    Instant start = t0.plus(Duration.ofDays(21));
    Decision begin = decide(steady, start, false, true);
    State trusting = begin.state();
    assertThat(trusting.phase()).isEqualTo(Phase.Trusting);
    assertThat(trusting.active()).isEqualTo(old);
    assertThat(trusting.bundle()).containsExactly(old.certificate(), made.peek().certificate());
    assertThat(trusting.version()).isEqualTo(2);
    assertThat(begin.event()).contains("less than a third of its validity").contains("trusted");

    // Not before the overlap, and not before every TLS Secret holds the bundle.
    assertThat(decide(trusting, start.plus(OVERLAP).minusSeconds(1), false, true).state())
        .isSameAs(trusting);
    assertThat(decide(trusting, start.plus(OVERLAP), false, false).state()).isSameAs(trusting);
    Instant reissueAt = start.plus(OVERLAP).plusSeconds(3);
    Decision reissue = decide(trusting, reissueAt, false, true);
    State reissuing = reissue.state();
    assertThat(reissuing.phase()).isEqualTo(Phase.Reissuing);
    assertThat(reissuing.active()).isEqualTo(trusting.next());
    assertThat(reissuing.previous()).isEqualTo(old.certificate());
    assertThat(reissuing.bundle())
        .containsExactly(trusting.next().certificate(), old.certificate());
    assertThat(reissue.event()).contains("re-issued").contains("trusted until at least");

    // The old CA stays trusted until every certificate chains to the new one, for an overlap.
    assertThat(decide(reissuing, reissueAt.plus(OVERLAP), false, false).state())
        .isSameAs(reissuing);
    assertThat(decide(reissuing, reissueAt.plus(OVERLAP).minusMillis(1), false, true).state())
        .isSameAs(reissuing);
    Decision done = decide(reissuing, reissueAt.plus(OVERLAP), false, true);
    assertThat(done.state().phase()).isEqualTo(Phase.Steady);
    assertThat(done.state().bundle()).containsExactly(trusting.next().certificate());
    assertThat(done.state().version()).isEqualTo(4);
    assertThat(done.event()).contains("no longer trusted");
  }

  @Test
  void aRequestStartsARotationOnceAndIsRefusedWhileOneIsUnderWay() {
    State steady = State.steady(Source.Generated, ca("old", t0, Duration.ofDays(3650)), t0, 7);
    Decision begin = decide(steady, t0.plusSeconds(60), true, true);
    assertThat(begin.state().phase()).isEqualTo(Phase.Trusting);
    assertThat(begin.state().reason()).contains("shardeddb.io/rotate-ca");
    assertThat(begin.request().started()).isTrue();
    assertThat(begin.request().message()).contains("trusted beside the old one");

    Decision again = decide(begin.state(), t0.plusSeconds(70), true, true);
    assertThat(again.state()).isSameAs(begin.state());
    assertThat(again.request().started()).isFalse();
    assertThat(again.request().message()).contains("already under way").contains("Trusting");
    assertThat(made).hasSize(1);
  }

  @Test
  void aUsersCaIsNeverRotatedButAChangeOfItRunsTheSameSequence() {
    Ca first = ca("org-ca-1", t0, Duration.ofDays(30));
    UserCa user = UserCa.of("org-ca", first, List.of());
    Decision start =
        CaRotation.decide(null, new Inputs(t0, OVERLAP, false, false, user, this::fresh));
    assertThat(start.state().source()).isEqualTo(Source.User);
    assertThat(start.state().active().certificate()).isEqualTo(first.certificate());
    assertThat(start.state().active().key()).as("the user's key is not stored").isNull();
    // Late in its life, and asked: no rotation (the user's PKI renews it).
    Instant late = t0.plus(Duration.ofDays(25));
    Decision asked =
        CaRotation.decide(start.state(), new Inputs(late, OVERLAP, true, true, user, this::fresh));
    assertThat(asked.state()).isSameAs(start.state());
    assertThat(asked.request().started()).isFalse();
    assertThat(asked.request().message()).contains("rotate it in its own PKI");

    Ca second = ca("org-ca-2", late, Duration.ofDays(30));
    UserCa renewed = UserCa.of("org-ca", second, List.of());
    Decision change =
        CaRotation.decide(
            start.state(), new Inputs(late, OVERLAP, false, true, renewed, this::fresh));
    assertThat(change.state().phase()).isEqualTo(Phase.Trusting);
    assertThat(change.state().bundle()).containsExactly(first.certificate(), second.certificate());
    assertThat(change.event()).contains("Secret 'org-ca' changed");
    Decision reissue =
        CaRotation.decide(
            change.state(),
            new Inputs(late.plus(OVERLAP), OVERLAP, false, true, renewed, this::fresh));
    assertThat(reissue.state().phase()).isEqualTo(Phase.Reissuing);
    assertThat(reissue.state().active().certificate()).isEqualTo(second.certificate());
    assertThat(made).isEmpty();
  }

  @Test
  void nothingMovesWhileTheUsersCaCannotBeRead() {
    State steady = State.steady(Source.User, ca("org", t0, Duration.ofDays(30)), t0, 3);
    UserCa broken = UserCa.unusable("org-ca", "Secret not found");
    Decision d =
        CaRotation.decide(
            steady, new Inputs(t0.plusSeconds(5), OVERLAP, true, true, broken, this::fresh));
    assertThat(d.state()).isSameAs(steady);
    assertThat(d.event()).isNull();
    assertThat(d.request().started()).isFalse();
    assertThat(d.request().message()).contains("Secret not found");
    assertThat(
            CaRotation.decide(null, new Inputs(t0, OVERLAP, false, false, broken, this::fresh))
                .state())
        .isNull();
  }
}
