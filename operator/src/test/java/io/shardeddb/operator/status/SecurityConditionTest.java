package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.RouterAuthSpec;
import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.TlsSpec;
import io.shardeddb.operator.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The Insecure condition: False with every default in force; True, naming each opt-out, when TLS is
 * off, the router serves plain HTTP, data auth is off or the admin endpoints are opened for the
 * assignment; and when a user's router token Secret lacks admin-token.
 */
class SecurityConditionTest {

  private static ShardedDatabaseSpec spec(RouterAuthSpec auth, TlsSpec tls) {
    return ShardedDatabaseSpec.builder().router(new RouterSpec(1, auth)).tls(tls).build();
  }

  @Test
  void theDefaultsAreSecure() {
    DesiredCondition c = SecurityCondition.of(spec(null, null), null);
    assertThat(c.status()).isFalse();
    assertThat(c.reason()).isEqualTo("SecureDefaults");
  }

  @Test
  void everyOptOutIsNamed() {
    DesiredCondition c =
        SecurityCondition.of(
            spec(new RouterAuthSpec(false, true), new TlsSpec(false, null, null)), null);
    assertThat(c.status()).isTrue();
    assertThat(c.reason()).isEqualTo("TlsDisabled");
    assertThat(c.message())
        .contains("spec.tls.enabled is false")
        .contains("spec.router.auth.enabled is false")
        .contains("openAdminForAssignment");
  }

  @Test
  void theAssignmentExampleIsReportedAndAMissingAdminTokenToo() {
    DesiredCondition example =
        SecurityCondition.of(Fixtures.load("awaiting-init.yaml", "ns").getSpec(), null);
    assertThat(example.status()).isTrue();
    assertThat(example.message())
        .contains("routerPlainHttp")
        .contains("openAdminForAssignment")
        .contains("auth.enabled is false");

    DesiredCondition missing = SecurityCondition.of(spec(null, null), "my-tokens");
    assertThat(missing.status()).isTrue();
    assertThat(missing.reason()).isEqualTo("AdminTokenMissing");
    assertThat(missing.message()).contains("'my-tokens' has no key admin-token");
  }
}
