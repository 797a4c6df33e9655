package io.shardeddb.operator.status;

import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.TlsSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ConditionType#Insecure} condition (pure): which security defaults the spec opts out
 * of, loudly, so an administrator sees it in {@code kubectl get} and in the Events; and a router
 * token Secret without {@code admin-token}, which the data token no longer stands in for.
 */
public final class SecurityCondition {

  private SecurityCondition() {}

  /**
   * The condition for {@code spec}; {@code adminTokenMissing} names the user's router token Secret
   * when it lacks {@code admin-token} (null otherwise).
   */
  public static DesiredCondition of(ShardedDatabaseSpec spec, String adminTokenMissing) {
    List<ConditionReason> reasons = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    if (adminTokenMissing != null) {
      reasons.add(ConditionReason.AdminTokenMissing);
      messages.add(
          "the router token Secret '"
              + adminTokenMissing
              + "' has no key admin-token: routers cannot start (the data token is never an admin"
              + " token); add admin-token to it");
    }
    TlsSpec tls = spec.tlsOrDefault();
    if (!tls.enabledOrDefault()) {
      reasons.add(ConditionReason.TlsDisabled);
      messages.add(
          "spec.tls.enabled is false: credentials and rows cross the pod network in clear text");
    } else if (tls.routerPlainHttpOrDefault()) {
      reasons.add(ConditionReason.RouterPlainHttp);
      messages.add(
          "spec.tls.routerPlainHttp: the router serves its clients plain HTTP (internal hops stay"
              + " TLS)");
    }
    RouterSpec router = spec.routerOrDefault();
    if (!router.authEnabled()) {
      reasons.add(ConditionReason.DataAuthDisabled);
      messages.add("spec.router.auth.enabled is false: the data endpoints take no token");
    }
    if (router.openAdminForAssignment()) {
      reasons.add(ConditionReason.AdminOpenForAssignment);
      messages.add(
          "spec.router.auth.openAdminForAssignment: anyone who reaches the router can /init, /add"
              + " and /rm");
    }
    if (reasons.isEmpty()) {
      return DesiredCondition.isFalse(
          ConditionType.Insecure,
          ConditionReason.SecureDefaults,
          "TLS on every hop, router data and admin endpoints behind their tokens");
    }
    return DesiredCondition.isTrue(
        ConditionType.Insecure, reasons.get(0), String.join("; ", messages));
  }
}
