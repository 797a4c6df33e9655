package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RequestStatus.Outcome;
import io.shardeddb.operator.cert.CaRotation;
import io.shardeddb.operator.cert.OperatorTls;
import io.shardeddb.operator.status.ConditionReason;
import io.shardeddb.operator.status.ConditionType;
import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.PassReport;
import io.shardeddb.operator.status.ShardEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure: what a pass's CA decision ({@link OperatorTls.CaPass}) shows in the status: the
 * CertificateAuthority condition, the Events of a rotation's steps, and the answer to {@code
 * shardeddb.io/rotate-ca}.
 */
final class CaReport {

  private CaReport() {}

  /** The condition and Events; none with TLS off. */
  static PassReport.Ca of(OperatorTls.CaPass pass, boolean tlsEnabled, Duration overlap) {
    if (!tlsEnabled || pass == null) {
      return PassReport.Ca.NONE;
    }
    List<ShardEvent> events = new ArrayList<>();
    if (pass.event() != null) {
      events.add(new ShardEvent(EventReason.CaRotation, pass.event()));
    }
    if (pass.request() != null && !pass.request().started()) {
      events.add(new ShardEvent(EventReason.CaRotationRefused, pass.request().message()));
    }
    return new PassReport.Ca(condition(pass, overlap), events);
  }

  private static DesiredCondition condition(OperatorTls.CaPass pass, Duration overlap) {
    CaRotation.UserCa user = pass.user();
    CaRotation.State state = pass.state();
    if (user != null && user.problem() != null) {
      return DesiredCondition.isFalse(
          ConditionType.CertificateAuthority,
          ConditionReason.CaSecretUnusable,
          "spec.tls.caSecret '"
              + user.secret()
              + "' cannot be used: "
              + user.problem()
              + "; no certificate is issued or renewed until it can (those issued stay)");
    }
    if (state == null) {
      return null;
    }
    String from =
        state.source() == CaRotation.Source.User
            ? "the CA of Secret '" + (user == null ? "?" : user.secret()) + "'"
            : "the operator's CA";
    String active = state.active().certificate().getSubjectX500Principal().getName();
    if (state.phase() == CaRotation.Phase.Steady) {
      return DesiredCondition.isTrue(
          ConditionType.CertificateAuthority,
          ConditionReason.CaIssuing,
          "certificates issued from "
              + from
              + " '"
              + active
              + "', valid until "
              + state.active().certificate().getNotAfter().toInstant());
    }
    Instant due = state.due(overlap);
    String step =
        state.phase() == CaRotation.Phase.Trusting
            ? "new CA '"
                + state.next().certificate().getSubjectX500Principal().getName()
                + "' trusted beside '"
                + active
                + "'; certificates re-issued from it from "
                + due
                + " on"
            : "certificates re-issued from '"
                + active
                + "'; the old CA '"
                + state.previous().getSubjectX500Principal().getName()
                + "' trusted until at least "
                + due;
    return DesiredCondition.isTrue(
        ConditionType.CertificateAuthority,
        ConditionReason.CaRotating,
        "CA rotation (" + state.reason() + ", since " + state.since() + "): " + step);
  }

  /** The outcome of {@code shardeddb.io/rotate-ca} to record (empty: none asked). */
  static List<RequestStatus> request(OperatorTls.CaPass pass, String annotation, Instant now) {
    if (pass == null || pass.request() == null || annotation == null) {
      return List.of();
    }
    CaRotation.Request r = pass.request();
    return List.of(
        new RequestStatus(
            RequestStatus.Type.RotateCa,
            annotation,
            r.started() ? Outcome.Succeeded : Outcome.Refused,
            r.message(),
            now.toString()));
  }
}
