package io.shardeddb.operator.cert;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsRole;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's CA and the certificates it issues per role: stable across passes, renewed with a
 * third of their validity left or when the names they must carry change, replaced when they do not
 * chain to the CA; the CA key stays out of the Secret pods mount.
 */
class TlsSecretsTest {

  private final Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private final TlsSecrets secrets = new TlsSecrets(new SecureRandom(), Duration.ofDays(3));
  private final ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
  private final DatabaseModel db = DatabaseModel.of(sdb, new Images("ss:1", "rt:1", "my:1"));
  private final CertificateAuthority ca = secrets.authority("students", null, now);

  private static X509Certificate cert(Secret s, String key) {
    return PemMaterial.certificates(TlsSecrets.text(s, key)).get(0);
  }

  @Test
  void theCaTheOperatorMakesLivesAYearByDefaultAsDoesTheOneARotationMakes() {
    java.util.Map<String, String> none = java.util.Map.of();
    Duration configured = io.shardeddb.operator.OperatorConfig.inProcess(none).caValidity();
    TlsSecrets defaults = new TlsSecrets(new SecureRandom(), TlsSecrets.LEAF_VALIDITY, configured);

    X509Certificate made = defaults.authority("students", null, now).certificate();
    X509Certificate rotated = defaults.fresh("students", now).certificate();

    assertThat(configured).isEqualTo(Duration.ofDays(365)).isEqualTo(TlsSecrets.CA_VALIDITY);
    for (X509Certificate c : List.of(made, rotated)) {
      assertThat(c.getNotAfter().toInstant())
          .isAfter(now.plus(Duration.ofDays(364)))
          .isBeforeOrEqualTo(now.plus(Duration.ofDays(365)));
    }
  }

  @Test
  void theDatabaseWideSecretHoldsTheRoutersCertificateAndTheCaKeyStaysApart() throws Exception {
    Secret tls = secrets.tlsSecret(db, ca, null, now);

    // Shard-servers have per-pod certificates in their shard's Secret; no shared one is issued.
    assertThat(tls.getData()).containsOnlyKeys("ca.crt", "router.crt", "router.key");
    X509Certificate c = cert(tls, "router.crt");
    c.verify(ca.certificate().getPublicKey());
    assertThat(TlsRole.of(c)).contains(TlsRole.ROUTER);
    assertThat(c.getSubjectAlternativeNames().toString()).contains("students-router.ns.svc");
    Secret caSecret = secrets.caSecret(db, ca);
    assertThat(caSecret.getData()).containsOnlyKeys("ca.crt", "ca.key");
    assertThat(secrets.authority("students", caSecret, now).certificate())
        .isEqualTo(ca.certificate());
  }

  @Test
  void eachShardPodGetsACertificateNamingExactlyThatPod() throws Exception {
    DesiredShard sh1 = db.shards().get(0);
    Secret shard = secrets.shardTlsSecret(db, sh1, ca, null, now);

    assertThat(shard.getMetadata().getName()).isEqualTo("students-sh1-tls");
    assertThat(shard.getMetadata().getLabels()).containsEntry("shardeddb.io/shard", "sh1");
    List<String> keys = new ArrayList<>(List.of("ca.crt"));
    for (int i = 0; i < sh1.pods(); i++) {
      keys.add("students-sh1-" + i + ".crt");
      keys.add("students-sh1-" + i + ".key");
    }
    assertThat(shard.getData()).containsOnlyKeys(keys);
    X509Certificate pod0 = cert(shard, "students-sh1-0.crt");
    pod0.verify(ca.certificate().getPublicKey());
    assertThat(TlsRole.of(pod0)).contains(TlsRole.SHARD_SERVER);
    assertThat(dns(pod0))
        .containsExactlyInAnyOrder(
            "students-sh1-0.students-sh1.ns.svc",
            "students-sh1-0.students-sh1.ns.svc.cluster.local",
            "students-sh1.ns.svc");
    // Every pod of the shard carries the shard's Service name (one PodMonitor serverName per
    // shard), but only its own pod name.
    assertThat(dns(cert(shard, "students-sh1-1.crt"))).contains("students-sh1.ns.svc");
    assertThat(TlsSecrets.shardServerName(db, "sh1")).isEqualTo("students-sh1.ns.svc");
    // The pair matches: the key is the certificate's.
    assertThat(
            PemMaterial.parse(
                    TlsSecrets.text(shard, "ca.crt"),
                    TlsSecrets.text(shard, "students-sh1-0.crt"),
                    TlsSecrets.text(shard, "students-sh1-0.key"))
                .hasIdentity())
        .isTrue();
    // A sibling's certificate does not pass for pod 0.
    X509Certificate pod1 = cert(shard, "students-sh1-1.crt");
    assertThat(PeerNames.names(pod1, "students-sh1-0.students-sh1.ns.svc")).isFalse();
    assertThat(PeerNames.names(pod0, "students-sh1-0.students-sh1.ns.svc")).isTrue();
  }

  /**
   * Security review 2026-11-26 #1 and #4: each certificate names its database (namespace and name),
   * a pod's also its shard and pod, so a shard-server can refuse another shard's pod or another
   * database's certificate from the same CA.
   */
  @Test
  void certificatesNameTheirDatabaseAndPodsTheirShardAndPod() {
    Secret shard = secrets.shardTlsSecret(db, db.shards().get(0), ca, null, now);
    assertThat(TlsIdentity.of(cert(shard, "students-sh1-0.crt")).identity())
        .contains(TlsIdentity.pod("ns", "students", "sh1", "students-sh1-0"));
    Secret tls = secrets.tlsSecret(db, ca, null, now);
    assertThat(TlsIdentity.of(cert(tls, "router.crt")).identity())
        .contains(TlsIdentity.component("ns", "students", TlsRole.ROUTER));
    assertThat(OperatorTls.operatorIdentity("ns/students", "students"))
        .isEqualTo(TlsIdentity.component("ns", "students", TlsRole.OPERATOR));
  }

  /** An upgrade: a pair issued before identities is issued again at once, with its identity. */
  @Test
  void aPairIssuedBeforeIdentitiesIsIssuedAgain() {
    DesiredShard sh1 = db.shards().get(0);
    Secret old = secrets.shardTlsSecret(db, sh1, ca, null, now);
    CertificateAuthority.Issued legacy =
        ca.issue(
            TlsRole.SHARD_SERVER,
            "students-sh1-0",
            TlsSecrets.podDnsNames(db, "sh1", "students-sh1-0"),
            List.of(),
            now,
            Duration.ofDays(3));
    old.getData()
        .put(
            "students-sh1-0.crt",
            java.util.Base64.getEncoder().encodeToString(legacy.certificatePem().getBytes()));
    old.getData()
        .put(
            "students-sh1-0.key",
            java.util.Base64.getEncoder().encodeToString(legacy.keyPem().getBytes()));
    Secret next = secrets.shardTlsSecret(db, sh1, ca, old, now.plusSeconds(60));
    assertThat(TlsIdentity.of(cert(next, "students-sh1-0.crt")).identity())
        .contains(TlsIdentity.pod("ns", "students", "sh1", "students-sh1-0"));
    assertThat(cert(next, "students-sh1-1.crt")).isEqualTo(cert(old, "students-sh1-1.crt"));
  }

  @Test
  void morePodsAddCertificatesFewerRemoveThemAndTheRestAreKept() {
    Secret three = secrets.shardTlsSecret(db, new DesiredShard("sh1", 3), ca, null, now);
    Secret five = secrets.shardTlsSecret(db, new DesiredShard("sh1", 5), ca, three, now);
    assertThat(five.getData()).containsKeys("students-sh1-3.crt", "students-sh1-4.key");
    for (int i = 0; i < 3; i++) {
      assertThat(five.getData().get("students-sh1-" + i + ".crt"))
          .isEqualTo(three.getData().get("students-sh1-" + i + ".crt"));
    }
    assertThat(dns(cert(five, "students-sh1-4.crt")))
        .contains("students-sh1-4.students-sh1.ns.svc");

    Secret two = secrets.shardTlsSecret(db, new DesiredShard("sh1", 2), ca, five, now);
    assertThat(two.getData())
        .containsOnlyKeys(
            "ca.crt",
            "students-sh1-0.crt",
            "students-sh1-0.key",
            "students-sh1-1.crt",
            "students-sh1-1.key");
    assertThat(two.getData().get("students-sh1-1.key"))
        .isEqualTo(three.getData().get("students-sh1-1.key"));
  }

  @Test
  void podCertificatesAreRenewedWithAThirdOfTheirValidityLeftOrAnotherCa() {
    DesiredShard sh1 = new DesiredShard("sh1", 3);
    Secret first = secrets.shardTlsSecret(db, sh1, ca, null, now);
    Secret again = secrets.shardTlsSecret(db, sh1, ca, first, now.plus(Duration.ofDays(1)));
    assertThat(again.getData()).isEqualTo(first.getData());

    Secret renewed = secrets.shardTlsSecret(db, sh1, ca, again, now.plus(Duration.ofHours(49)));
    assertThat(cert(renewed, "students-sh1-2.crt")).isNotEqualTo(cert(first, "students-sh1-2.crt"));

    CertificateAuthority other = secrets.authority("students", null, now);
    Secret reissued = secrets.shardTlsSecret(db, sh1, other, first, now);
    assertThat(reissued.getData().get("students-sh1-0.crt"))
        .isNotEqualTo(first.getData().get("students-sh1-0.crt"));
  }

  @Test
  void theOldSharedShardCertificateIsKeptAsItIsUntilItExpiresThenDropped() {
    // What an operator before per-pod certificates stored: still mounted by pods not yet rolled.
    CertificateAuthority.Issued shared =
        ca.issue(
            TlsRole.SHARD_SERVER,
            "students-shard-server",
            List.of("*.students-sh1.ns.svc"),
            List.of(),
            now,
            Duration.ofDays(3));
    Secret old = secrets.tlsSecret(db, ca, null, now);
    old.getData().put("shard-server.crt", encode(shared.certificatePem()));
    old.getData().put("shard-server.key", encode(shared.keyPem()));

    Secret kept = secrets.tlsSecret(db, ca, old, now.plus(Duration.ofDays(2)));
    assertThat(kept.getData().get("shard-server.crt"))
        .as("not renewed, not dropped while it may still be in use")
        .isEqualTo(old.getData().get("shard-server.crt"));

    Secret dropped = secrets.tlsSecret(db, ca, kept, now.plus(Duration.ofDays(4)));
    assertThat(dropped.getData()).containsOnlyKeys("ca.crt", "router.crt", "router.key");
  }

  private static String encode(String text) {
    return java.util.Base64.getEncoder()
        .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static List<String> dns(X509Certificate c) {
    try {
      return c.getSubjectAlternativeNames().stream()
          .filter(n -> Integer.valueOf(2).equals(n.get(0)))
          .map(n -> String.valueOf(n.get(1)))
          .toList();
    } catch (java.security.cert.CertificateParsingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aLaterPassKeepsTheCertificatesUntilAThirdOfTheirValidityIsLeft() {
    Secret first = secrets.tlsSecret(db, ca, null, now);
    Secret again = secrets.tlsSecret(db, ca, first, now.plus(Duration.ofDays(1)));
    assertThat(again.getData()).isEqualTo(first.getData());

    Secret renewed = secrets.tlsSecret(db, ca, again, now.plus(Duration.ofHours(49)));
    assertThat(cert(renewed, "router.crt")).isNotEqualTo(cert(first, "router.crt"));
    assertThat(cert(renewed, "router.crt").getNotAfter().toInstant())
        .isAfter(now.plus(Duration.ofDays(4)));
  }

  @Test
  void anotherCaIssuesAgain() {
    Secret first = secrets.tlsSecret(db, ca, null, now);
    CertificateAuthority other = secrets.authority("students", null, now);
    Secret reissued = secrets.tlsSecret(db, other, first, now);
    assertThat(reissued.getData().get("router.crt"))
        .isNotEqualTo(first.getData().get("router.crt"));
  }
}
