package io.shardeddb.operator.cert;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
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
  void eachPodRoleGetsACertificateOfItsRoleFromTheDatabasesCaAndTheCaKeyStaysApart()
      throws Exception {
    Secret tls = secrets.tlsSecret(db, ca, null, now);

    assertThat(tls.getData())
        .containsOnlyKeys(
            "ca.crt", "shard-server.crt", "shard-server.key", "router.crt", "router.key");
    for (TlsRole role : TlsSecrets.POD_ROLES) {
      X509Certificate c = cert(tls, TlsSecrets.certKey(role));
      c.verify(ca.certificate().getPublicKey());
      assertThat(TlsRole.of(c)).contains(role);
    }
    assertThat(TlsSecrets.dnsNames(db, TlsRole.SHARD_SERVER))
        .contains("*.students-sh1.ns.svc", "*.students-sh4.ns.svc.cluster.local");
    assertThat(cert(tls, "router.crt").getSubjectAlternativeNames().toString())
        .contains("students-router.ns.svc");
    Secret caSecret = secrets.caSecret(db, ca);
    assertThat(caSecret.getData()).containsOnlyKeys("ca.crt", "ca.key");
    assertThat(secrets.authority("students", caSecret, now).certificate())
        .isEqualTo(ca.certificate());
  }

  @Test
  void aLaterPassKeepsTheCertificatesUntilAThirdOfTheirValidityIsLeft() {
    Secret first = secrets.tlsSecret(db, ca, null, now);
    Secret again = secrets.tlsSecret(db, ca, first, now.plus(Duration.ofDays(1)));
    assertThat(again.getData()).isEqualTo(first.getData());

    Secret renewed = secrets.tlsSecret(db, ca, again, now.plus(Duration.ofHours(49)));
    assertThat(cert(renewed, "shard-server.crt")).isNotEqualTo(cert(first, "shard-server.crt"));
    assertThat(cert(renewed, "shard-server.crt").getNotAfter().toInstant())
        .isAfter(now.plus(Duration.ofDays(4)));
  }

  @Test
  void aNewShardOrAnotherCaIssuesAgain() {
    Secret first = secrets.tlsSecret(db, ca, null, now);
    List<DesiredShard> more = new ArrayList<>(db.shards());
    more.add(new DesiredShard("sh9", 3));
    Secret grown = secrets.tlsSecret(db.withShards(more), ca, first, now);
    assertThat(cert(grown, "shard-server.crt").toString()).contains("students-sh9");
    assertThat(grown.getData().get("router.crt")).isEqualTo(first.getData().get("router.crt"));

    CertificateAuthority other = secrets.authority("students", null, now);
    Secret reissued = secrets.tlsSecret(db, other, first, now);
    assertThat(reissued.getData().get("router.crt"))
        .isNotEqualTo(first.getData().get("router.crt"));
  }
}
