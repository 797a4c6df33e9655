package io.shardeddb.operator.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.RoleTrustManager;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * A CA rotation pass by pass, as the operator writes the Secrets ({@link OperatorTls#pass}, {@link
 * TlsSecrets}) and as pods that read them late see them: every pod trusts every other pod whose
 * files are less than the overlap older or newer than its own, in both directions (the checks a
 * handshake makes, {@link RoleTrustManager}), through the whole rotation; at the end every
 * certificate chains to the new CA and the old one is gone from {@code ca.crt}. Replacing the CA by
 * hand, as the docs said to before, fails that check.
 */
class CaRotationPassesTest {

  private static final Duration PASS = Duration.ofSeconds(30);
  private static final Duration OVERLAP = Duration.ofMinutes(5);
  private final SecureRandom random = new SecureRandom();
  private final ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
  private final DatabaseModel db = DatabaseModel.of(sdb, new Images("ss:1", "rt:1", "my:1"));
  private final DesiredShard sh1 = new DesiredShard("sh1", 3);
  private final TlsSecrets secrets =
      new TlsSecrets(random, Duration.ofDays(90), Duration.ofDays(3650));
  private final OperatorTls tls = new OperatorTls(secrets, OVERLAP);

  /** What the API holds after a pass: the CA Secret, the database's and sh1's TLS Secrets. */
  private record Stored(Secret ca, Secret tls, Secret shard) {
    List<Secret> all() {
      List<Secret> out = new ArrayList<>();
      for (Secret s : new Secret[] {ca, tls, shard}) {
        if (s != null) {
          out.add(s);
        }
      }
      return out;
    }
  }

  private Stored pass(Stored before, boolean rotate, CaRotation.UserCa user, Instant now) {
    return pass(tls, before, rotate, user, now);
  }

  private Stored pass(
      OperatorTls tls, Stored before, boolean rotate, CaRotation.UserCa user, Instant now) {
    OperatorTls.CaPass p =
        tls.pass(sdb, before == null ? List.of() : before.all(), user, rotate, now);
    Secret ca = p.state() == null ? before.ca() : secrets.caSecret(db, p.state());
    return new Stored(
        ca,
        secrets.tlsSecret(db, p.authorities(), before == null ? null : before.tls(), now),
        secrets.shardTlsSecret(
            db, sh1, p.authorities(), before == null ? null : before.shard(), now));
  }

  @Test
  void podsThatReadTheirFilesUpToAnOverlapApartTrustEachOtherThroughTheWholeRotation()
      throws Exception {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    List<Stored> history = new ArrayList<>();
    Stored s = pass(null, false, null, now);
    history.add(s);
    X509Certificate oldCa = PemMaterial.certificates(text(s.ca(), "ca.crt")).get(0);
    // Asked once; then passes every 30 s until the rotation is done.
    int passes = 0;
    boolean done = false;
    while (!done && passes < 100) {
      now = now.plus(PASS);
      s = pass(s, passes == 0, null, now);
      history.add(s);
      passes++;
      done = TlsSecrets.state(s.ca()).phase() == CaRotation.Phase.Steady && passes > 1;
      // Every pod that read its files at most (overlap - one pass) before this pass.
      int lag = (int) (OVERLAP.dividedBy(PASS)) - 1;
      List<Stored> window = history.subList(Math.max(0, history.size() - 1 - lag), history.size());
      for (Stored a : window) {
        for (Stored b : window) {
          trusts(a, b);
        }
      }
    }
    assertThat(done).as("the rotation ended within 100 passes").isTrue();
    assertThat(passes).as("two overlaps and a few passes").isBetween(20, 24);
    List<X509Certificate> bundle = PemMaterial.certificates(text(s.tls(), "ca.crt"));
    assertThat(bundle).hasSize(1).doesNotContain(oldCa);
    for (Secret secret : List.of(s.tls(), s.shard())) {
      assertThat(text(secret, "ca.crt")).isEqualTo(text(s.tls(), "ca.crt"));
      for (String key : secret.getData().keySet()) {
        if (key.endsWith(".crt") && !key.equals("ca.crt")) {
          PemMaterial.certificates(text(secret, key)).get(0).verify(bundle.get(0).getPublicKey());
        }
      }
    }
  }

  @Test
  void anOperatorRestartedAtEveryPassGoesOnFromTheStateInTheCaSecret() {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    Stored s = pass(new OperatorTls(secrets, OVERLAP), null, false, null, now);
    List<String> nextCas = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      now = now.plus(PASS);
      // A new operator each pass: nothing in memory, only what the Secrets hold.
      s = pass(new OperatorTls(secrets, OVERLAP), s, i == 0, null, now);
      String next = text(s.ca(), "next.crt");
      if (next != null && !nextCas.contains(next)) {
        nextCas.add(next);
      }
    }
    assertThat(nextCas).as("one new CA for the whole rotation").hasSize(1);
    assertThat(TlsSecrets.state(s.ca()).phase()).isEqualTo(CaRotation.Phase.Steady);
    assertThat(text(s.ca(), "ca.crt")).isEqualTo(nextCas.get(0));
    assertThat(text(s.tls(), "ca.crt")).isEqualTo(nextCas.get(0));
  }

  @Test
  void replacingTheCaByHandLeavesPodsAPassApartUnableToTrustEachOther() {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    Stored first = pass(null, false, null, now);
    // The CA Secret deleted by hand: the next pass makes a new CA and issues everything from it.
    OperatorTls fresh = new OperatorTls(secrets, OVERLAP);
    OperatorTls.CaPass p =
        fresh.pass(sdb, List.of(first.tls(), first.shard()), null, false, now.plus(PASS));
    Stored replaced =
        new Stored(
            secrets.caSecret(db, p.state()),
            secrets.tlsSecret(db, p.authorities(), first.tls(), now.plus(PASS)),
            secrets.shardTlsSecret(db, sh1, p.authorities(), first.shard(), now.plus(PASS)));
    assertThatThrownBy(() -> trusts(first, replaced)).isInstanceOf(CertificateException.class);
  }

  @Test
  void aUsersCaIssuesEveryCertificateWithItsChainAndAChangeOfItOverlapsToo() throws Exception {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    Root root = new Root(random, now);
    Secret userSecret = root.intermediate("org-issuing-1", now);
    CaRotation.UserCa user = TlsSecrets.userCa("org-ca", userSecret, now);
    assertThat(user.problem()).isNull();
    Stored s = pass(null, false, user, now);
    X509Certificate issuing = PemMaterial.certificates(text(userSecret, "tls.crt")).get(0);
    List<X509Certificate> router = PemMaterial.certificates(text(s.tls(), "router.crt"));
    assertThat(router).hasSize(2);
    assertThat(router.get(1)).isEqualTo(issuing);
    router.get(0).verify(issuing.getPublicKey());
    // The pods trust the issuing CA only, not the organisation's root.
    assertThat(PemMaterial.certificates(text(s.tls(), "ca.crt"))).containsExactly(issuing);
    assertThat(s.ca().getData()).doesNotContainKey("ca.key");

    // The user's Secret renewed with another CA: overlap, then everything from the new one.
    Secret renewed = root.intermediate("org-issuing-2", now);
    CaRotation.UserCa next = TlsSecrets.userCa("org-ca", renewed, now);
    List<Stored> history = new ArrayList<>(List.of(s));
    for (int i = 0; i < 30; i++) {
      now = now.plus(PASS);
      s = pass(s, false, next, now);
      history.add(s);
      int lag = (int) (OVERLAP.dividedBy(PASS)) - 1;
      for (Stored a : history.subList(Math.max(0, history.size() - 1 - lag), history.size())) {
        trusts(a, s);
        trusts(s, a);
      }
    }
    X509Certificate second = PemMaterial.certificates(text(renewed, "tls.crt")).get(0);
    assertThat(PemMaterial.certificates(text(s.tls(), "ca.crt"))).containsExactly(second);
    PemMaterial.certificates(text(s.shard(), "students-sh1-0.crt"))
        .get(0)
        .verify(second.getPublicKey());
  }

  @Test
  void aUsersSecretThatIsMissingNotACaOrWithoutItsKeyIsRefusedWithTheReason() throws Exception {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    assertThat(TlsSecrets.userCa("org-ca", null, now).problem()).isEqualTo("Secret not found");
    Root root = new Root(random, now);
    Secret good = root.intermediate("org-issuing", now);
    Secret noKey = secret(text(good, "tls.crt"), null);
    assertThat(TlsSecrets.userCa("org-ca", noKey, now).problem()).contains("tls.key");
    CertificateAuthority ca = CertificateAuthority.create("x", now, Duration.ofDays(1), random);
    CertificateAuthority.Issued leaf =
        ca.issue(TlsRole.ROUTER, "leaf", List.of(), List.of(), now, Duration.ofDays(1));
    assertThat(
            TlsSecrets.userCa("org-ca", secret(leaf.certificatePem(), leaf.keyPem()), now)
                .problem())
        .contains("not a CA certificate");
    Secret wrongKey = secret(text(good, "tls.crt"), leaf.keyPem());
    assertThat(TlsSecrets.userCa("org-ca", wrongKey, now).problem())
        .contains("not the key of the certificate");

    // While it is unusable nothing is issued: what is stored is kept as it is.
    Stored s = pass(null, false, TlsSecrets.userCa("org-ca", good, now), now);
    OperatorTls.CaPass broken =
        tls.pass(sdb, s.all(), TlsSecrets.userCa("org-ca", null, now), true, now.plus(PASS));
    assertThat(broken.authorities().issuing()).isFalse();
    Secret kept = secrets.tlsSecret(db, broken.authorities(), s.tls(), now.plus(PASS));
    assertThat(kept.getData()).isEqualTo(s.tls().getData());
    assertThat(broken.request().started()).isFalse();
  }

  /** Both ways, every role pair that connects: the checks of a handshake. */
  private static void trusts(Stored a, Stored b) throws CertificateException {
    String pod0 = "students-sh1-0";
    String pod1 = "students-sh1-1";
    // peer -> peer (replication): a's pod 0 calls b's pod 1.
    check(a.shard(), pod0, b.shard(), pod1, TlsRole.SHARD_SERVER);
    // router -> shard-server.
    check(a.tls(), "router", b.shard(), pod1, TlsRole.ROUTER);
  }

  private static void check(
      Secret clientSecret, String client, Secret serverSecret, String server, TlsRole clientRole)
      throws CertificateException {
    PemMaterial c = material(clientSecret, client);
    PemMaterial s = material(serverSecret, server);
    new RoleTrustManager(TlsMaterialSource.fixed(c), Set.of(TlsRole.SHARD_SERVER))
        .checkServerTrusted(s.chain().toArray(X509Certificate[]::new), "UNKNOWN");
    new RoleTrustManager(TlsMaterialSource.fixed(s), Set.of(clientRole))
        .checkClientTrusted(c.chain().toArray(X509Certificate[]::new), "UNKNOWN");
  }

  private static PemMaterial material(Secret s, String name) {
    return PemMaterial.parse(text(s, "ca.crt"), text(s, name + ".crt"), text(s, name + ".key"));
  }

  private static String text(Secret s, String key) {
    return TlsSecrets.text(s, key);
  }

  private static Secret secret(String cert, String key) {
    Secret s = new Secret();
    s.setData(new java.util.LinkedHashMap<>());
    s.getData().put("tls.crt", Base64.getEncoder().encodeToString(cert.getBytes()));
    if (key != null) {
      s.getData().put("tls.key", Base64.getEncoder().encodeToString(key.getBytes()));
    }
    return s;
  }

  /** An organisation's root (RSA, as cert-manager makes by default) issuing intermediates. */
  private static final class Root {
    private final SecureRandom random;
    private final CertificateAuthority root;

    Root(SecureRandom random, Instant now) {
      this.random = random;
      this.root = CertificateAuthority.create("org-root", now, Duration.ofDays(3650), random);
    }

    /** cert-manager's layout for a CA it issued: tls.crt, tls.key, ca.crt (the root). */
    Secret intermediate(String name, Instant now) throws Exception {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048, random);
      var pair = rsa.generateKeyPair();
      var builder =
          new JcaX509v3CertificateBuilder(
                  root.certificate(),
                  new BigInteger(64, random).add(BigInteger.ONE),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(Duration.ofDays(365))),
                  new X500Name("O=Org,CN=" + name),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.key())));
      // The key as cert-manager writes it by default: PKCS#1 ("RSA PRIVATE KEY").
      java.io.StringWriter pkcs1 = new java.io.StringWriter();
      try (org.bouncycastle.openssl.jcajce.JcaPEMWriter w =
          new org.bouncycastle.openssl.jcajce.JcaPEMWriter(pkcs1)) {
        w.writeObject(pair.getPrivate());
      }
      assertThat(pkcs1.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
      Secret s = secret(PemMaterial.pem(List.of(cert)), pkcs1.toString());
      s.getData()
          .put(
              "ca.crt",
              Base64.getEncoder()
                  .encodeToString(PemMaterial.pem(List.of(root.certificate())).getBytes()));
      return s;
    }
  }
}
