package io.shardeddb.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The identity URI a certificate carries beside its role: written, read back, refused if odd. */
class TlsIdentityTest {

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("identity-ca", now, Duration.ofDays(30), new SecureRandom());

  @Test
  void aPodsIdentityNamesNamespaceDatabaseShardPodAndRole() {
    TlsIdentity pod = TlsIdentity.pod("shop", "students", "sh-1", "students-sh-1-0");
    assertThat(pod.uri())
        .isEqualTo(
            "spiffe://shardeddb.io/ns/shop/db/students/shard/sh-1/pod/students-sh-1-0"
                + "/role/shard-server");
    assertThat(TlsIdentity.parse(pod.uri())).contains(pod);
  }

  @Test
  void theRoutersAndOperatorsIdentityNamesTheDatabaseAndRoleOnly() {
    TlsIdentity router = TlsIdentity.component("shop", "students", TlsRole.ROUTER);
    assertThat(router.uri()).isEqualTo("spiffe://shardeddb.io/ns/shop/db/students/role/router");
    assertThat(TlsIdentity.parse(router.uri())).contains(router);
  }

  @Test
  void anIssuedCertificateCarriesItsIdentityAndItsRole() {
    TlsIdentity pod = TlsIdentity.pod("ns", "db", "sh1", "db-sh1-0");
    CertificateAuthority.Issued issued =
        ca.issue(
            pod, "db-sh1-0", List.of("db-sh1-0.db-sh1.ns.svc"), List.of(), now, Duration.ofDays(1));
    assertThat(TlsRole.of(issued.certificate())).contains(TlsRole.SHARD_SERVER);
    assertThat(TlsIdentity.of(issued.certificate()))
        .isEqualTo(new TlsIdentity.Read(Optional.of(pod), false));
  }

  @Test
  void aCertificateIssuedBeforeIdentitiesNamesNone() {
    CertificateAuthority.Issued issued =
        ca.issue(TlsRole.ROUTER, "r", List.of(), List.of(), now, Duration.ofDays(1));
    assertThat(TlsIdentity.of(issued.certificate()))
        .isEqualTo(new TlsIdentity.Read(Optional.empty(), false));
  }

  @Test
  void uriOfAnotherSchemeDomainOrShapeIsNoIdentity() {
    assertThat(TlsIdentity.parse("spiffe://shardeddb.io/ns/ns/db/db/role/nobody")).isEmpty();
    assertThat(TlsIdentity.parse("spiffe://other.io/ns/ns/db/db/role/router")).isEmpty();
    assertThat(TlsIdentity.parse("spiffe://shardeddb.io/ns/a/b/db/db/role/router")).isEmpty();
    assertThat(TlsIdentity.parse("spiffe://shardeddb.io/ns/ns/db/db/shard/sh1/role/router"))
        .isEmpty();
  }
}
