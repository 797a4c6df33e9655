package io.shardeddb.operator.cert;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Pure: when and how a database's CA is replaced without a refused handshake. A rotation has two
 * waits of {@code overlap} each, so every pod has read what the operator published before the next
 * step relies on it:
 *
 * <ol>
 *   <li>{@link Phase#Trusting}: a new CA is made (or the user's new one read) and every {@code
 *       ca.crt} the operator writes holds both CAs; certificates are still issued from the old one.
 *   <li>{@link Phase#Reissuing}, once the bundle is in every TLS Secret and {@code overlap} has
 *       passed (the kubelet's sync of mounted Secrets plus the servers' reload interval): every
 *       certificate is issued again from the new CA, still trusted beside the old one.
 *   <li>{@link Phase#Steady} again, once every certificate in the TLS Secrets chains to the new CA
 *       and {@code overlap} has passed: the old CA leaves the bundle.
 * </ol>
 *
 * A generated CA is rotated when less than a third of its validity is left (the rule leaves follow)
 * or when asked ({@code shardeddb.io/rotate-ca}); a user's CA ({@code spec.tls.caSecret}) is never
 * rotated by the operator, but a change of its content starts the same sequence. The state lives in
 * the {@code <db>-ca} Secret ({@link TlsSecrets#caSecret}), so a restarted operator goes on.
 */
public final class CaRotation {

  private CaRotation() {}

  /** Where a rotation stands. */
  public enum Phase {
    /** One CA, trusted and issuing. */
    Steady,
    /** A new CA trusted beside the one still issuing. */
    Trusting,
    /** The new CA issuing; the old one still trusted. */
    Reissuing
  }

  /** Who made the CA in force. */
  public enum Source {
    /** The operator (its key is in {@code <db>-ca}). */
    Generated,
    /** The user's Secret named by {@code spec.tls.caSecret} (its key stays there). */
    User
  }

  /** A CA certificate and its key (null when the key stays in the user's Secret). */
  public record Ca(X509Certificate certificate, PrivateKey key) {}

  /**
   * The stored state: the CA in force ({@code active}: issuing, except while {@link Phase#Trusting}
   * when {@code next} is only trusted), the next one while trusting, the previous one while
   * re-issuing, since when the phase holds, why the rotation began, and a counter that grows with
   * each change (so a state decided but not yet read back from the API is not decided again).
   */
  public record State(
      Source source,
      Ca active,
      Ca next,
      X509Certificate previous,
      Phase phase,
      Instant since,
      String reason,
      long version) {

    /** A steady state with {@code ca} in force. */
    public static State steady(Source source, Ca ca, Instant now, long version) {
      return new State(source, ca, null, null, Phase.Steady, now, null, version);
    }

    /** The CAs every {@code ca.crt} holds: the one in force first. */
    public List<X509Certificate> bundle() {
      List<X509Certificate> out = new ArrayList<>(List.of(active.certificate()));
      if (phase == Phase.Trusting && next != null) {
        out.add(next.certificate());
      }
      if (phase == Phase.Reissuing && previous != null) {
        out.add(previous);
      }
      return out;
    }

    /** When the next step is due (null: steady). */
    public Instant due(Duration overlap) {
      return phase == Phase.Steady ? null : since.plus(overlap);
    }
  }

  /**
   * The user's CA as read this pass: the Secret's name, its CA and the chain given with it; or the
   * problem that keeps it from being used (null when it is usable).
   */
  public record UserCa(String secret, Ca ca, List<X509Certificate> chain, String problem) {

    /** A usable CA from Secret {@code secret}. */
    public static UserCa of(String secret, Ca ca, List<X509Certificate> chain) {
      return new UserCa(secret, ca, List.copyOf(chain), null);
    }

    /** The CA without its key: what is stored of it (the key stays in the user's Secret). */
    public Ca withoutKey() {
      return new Ca(ca.certificate(), null);
    }

    /** Secret {@code secret} cannot be used: {@code problem}. */
    public static UserCa unusable(String secret, String problem) {
      return new UserCa(secret, null, List.of(), problem);
    }
  }

  /**
   * What a pass knows: the time, the overlap, whether {@code shardeddb.io/rotate-ca} asks for a
   * rotation, whether every TLS Secret already holds what the stored state publishes ({@link
   * TlsSecrets#publishes}), the user's CA (null: the operator generates its own), and how to make a
   * new CA.
   */
  public record Inputs(
      Instant now,
      Duration overlap,
      boolean requested,
      boolean published,
      UserCa user,
      Supplier<Ca> fresh) {}

  /** The answer to {@code shardeddb.io/rotate-ca}: started or refused, in a sentence. */
  public record Request(boolean started, String message) {}

  /**
   * The state to store (the same object when nothing changes), the Event to record for a change
   * (null: none), and the answer to a rotation request (null: none asked).
   */
  public record Decision(State state, String event, Request request) {}

  /** Decides this pass's state from the {@code stored} one (null: none stored yet). */
  public static Decision decide(State stored, Inputs in) {
    UserCa user = in.user();
    if (user != null && user.problem() != null) {
      // Nothing moves while the user's CA cannot be read: no certificate is issued from it.
      Request request =
          in.requested()
              ? new Request(false, "spec.tls.caSecret '" + user.secret() + "': " + user.problem())
              : null;
      return new Decision(stored, null, request);
    }
    if (stored == null) {
      State first =
          user != null
              ? State.steady(Source.User, user.withoutKey(), in.now(), 1)
              : State.steady(Source.Generated, in.fresh().get(), in.now(), 1);
      return new Decision(first, null, in.requested() ? refusedNew() : null);
    }
    return switch (stored.phase()) {
      case Steady -> steady(stored, in);
      case Trusting -> trusting(stored, in);
      case Reissuing -> reissuing(stored, in);
    };
  }

  private static Request refusedNew() {
    return new Request(false, "the database's CA was only just created: nothing to rotate");
  }

  private static Decision steady(State s, Inputs in) {
    UserCa user = in.user();
    String reason = null;
    Ca next = null;
    Source source = s.source();
    if (user != null) {
      if (!user.ca().certificate().equals(s.active().certificate())) {
        reason =
            s.source() == Source.User
                ? "the CA in Secret '" + user.secret() + "' changed"
                : "spec.tls.caSecret now names Secret '" + user.secret() + "'";
        next = user.withoutKey();
        source = Source.User;
      }
    } else if (s.source() == Source.User) {
      reason = "spec.tls.caSecret was removed: the operator runs its own CA again";
      next = in.fresh().get();
      source = Source.Generated;
    } else if (in.requested()) {
      reason = "asked by annotation shardeddb.io/rotate-ca";
      next = in.fresh().get();
    } else if (TlsSecrets.renewalDue(s.active().certificate(), in.now())) {
      reason =
          "less than a third of its validity is left (it ends "
              + s.active().certificate().getNotAfter().toInstant()
              + ")";
      next = in.fresh().get();
    }
    Request request = null;
    if (in.requested()) {
      request =
          user != null
              ? new Request(
                  false,
                  "spec.tls.caSecret names the CA (Secret '"
                      + user.secret()
                      + "'): rotate it in its own PKI; the operator re-issues every certificate"
                      + " when that Secret changes")
              : new Request(true, null);
    }
    if (next == null) {
      return new Decision(s, null, request);
    }
    State trusting =
        new State(
            source, s.active(), next, null, Phase.Trusting, in.now(), reason, s.version() + 1);
    String event =
        "CA rotation ("
            + reason
            + "): new CA '"
            + subject(next.certificate())
            + "' trusted beside the old one; certificates re-issued from it from "
            + trusting.due(in.overlap())
            + " on";
    if (request != null && request.started()) {
      request = new Request(true, event);
    }
    return new Decision(trusting, event, request);
  }

  private static Decision trusting(State s, Inputs in) {
    Request request = in.requested() ? underWay(s, in) : null;
    UserCa user = in.user();
    if (user != null && !user.ca().certificate().equals(s.next().certificate())) {
      // The user's CA changed again before it was used: trust that one instead, from now.
      State again =
          new State(
              Source.User,
              s.active(),
              user.withoutKey(),
              null,
              Phase.Trusting,
              in.now(),
              "the CA in Secret '" + user.secret() + "' changed again",
              s.version() + 1);
      return new Decision(
          again,
          "CA rotation: the CA in Secret '"
              + user.secret()
              + "' changed again; new CA '"
              + subject(user.ca().certificate())
              + "' trusted beside the old one from now",
          request);
    }
    if (!in.published() || in.now().isBefore(s.due(in.overlap()))) {
      return new Decision(s, null, request);
    }
    State reissuing =
        new State(
            s.source(),
            s.next(),
            null,
            s.active().certificate(),
            Phase.Reissuing,
            in.now(),
            s.reason(),
            s.version() + 1);
    return new Decision(
        reissuing,
        "CA rotation: certificates re-issued from the new CA '"
            + subject(s.next().certificate())
            + "'; old CA '"
            + subject(s.active().certificate())
            + "' trusted until at least "
            + reissuing.due(in.overlap()),
        request);
  }

  private static Decision reissuing(State s, Inputs in) {
    Request request = in.requested() ? underWay(s, in) : null;
    if (!in.published() || in.now().isBefore(s.due(in.overlap()))) {
      return new Decision(s, null, request);
    }
    State done = State.steady(s.source(), s.active(), in.now(), s.version() + 1);
    return new Decision(
        done,
        "CA rotation done: every certificate chains to CA '"
            + subject(s.active().certificate())
            + "'; the old CA '"
            + subject(s.previous())
            + "' is no longer trusted",
        request);
  }

  private static Request underWay(State s, Inputs in) {
    return new Request(
        false,
        "a CA rotation is already under way (phase "
            + s.phase()
            + " since "
            + s.since()
            + ", next step from "
            + s.due(in.overlap())
            + ")");
  }

  /** The certificate's subject, for messages. */
  static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
