package io.shardeddb.operator.cert;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsRole;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the TLS Secrets of a database (pure: no API calls). {@code <db>-ca} holds the CA's
 * certificate and key (no key for a user's CA, whose key stays in the user's Secret) and a
 * rotation's state ({@link CaRotation}), and is never mounted. Every {@code ca.crt} holds the
 * bundle of the pass ({@link Authorities}: two CAs during a rotation). {@code <db>-tls} holds
 * {@code ca.crt} and the router's pair ({@code router.crt/.key}), projected as {@code
 * tls.crt}/{@code tls.key}. Each shard has {@code <db>-<shard>-tls}: {@code ca.crt} and one pair
 * per pod ordinal of its StatefulSet ({@code <pod>.crt/.key}), each naming exactly that pod by its
 * headless-Service names; the shard-server picks its own pair by its pod name. A certificate is
 * kept while it chains to an accepted CA, names what it should and has more than a third of its
 * validity left; otherwise it is issued again, and the pods' files follow (no restart). Pairs of
 * ordinals the StatefulSet no longer has are dropped.
 *
 * <p>Why this file is over 450 lines: it is the layout of every Secret TLS depends on — the CA
 * Secret's keys and rotation state, written by {@code caSecret} and read back by {@code state} with
 * the same constants, the user's CA Secret in cert-manager's layout, the database-wide and
 * per-shard TLS Secrets — and the one keep-or-issue rule ({@code putPair}, {@code current}) every
 * pair in them passes; split, a key's writer and reader would sit in different files. Issuing is
 * apart ({@code CertificateAuthority}), as are the rotation's decisions ({@link CaRotation}), the
 * pass's CAs ({@link Authorities}) and the mounts ({@link TlsPods}).
 */
public final class TlsSecrets {

  /** Keys of the CA Secret and of the CA bundle in the TLS Secret. */
  public static final String CA_CERT = PemMaterial.CA_FILE;

  public static final String CA_KEY = "ca.key";

  /**
   * How long a CA the operator makes is valid by default: a year, as Strimzi's cluster CA (a CA key
   * read from a backup mints certificates for at most that long); rotated with a third of it left,
   * without a restart ({@link CaRotation}).
   */
  public static final Duration CA_VALIDITY = Duration.ofDays(365);

  /** Keys of the CA Secret holding a rotation's state ({@link CaRotation}). */
  static final String NEXT_CERT = "next.crt";

  static final String NEXT_KEY = "next.key";
  static final String PREVIOUS_CERT = "previous.crt";
  static final String SOURCE = "source";
  static final String PHASE = "rotation.phase";
  static final String SINCE = "rotation.since";
  static final String REASON = "rotation.reason";
  static final String VERSION = "rotation.version";

  /** How long issued certificates are valid; renewed with a third of it left. */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(90);

  /** The roles whose certificates pods mount from the database-wide TLS Secret. */
  public static final List<TlsRole> POD_ROLES = List.of(TlsRole.ROUTER);

  private final SecureRandom random;
  private final Duration leafValidity;
  private final Duration caValidity;

  public TlsSecrets(SecureRandom random) {
    this(random, LEAF_VALIDITY);
  }

  /** With another leaf validity (tests of renewal). */
  public TlsSecrets(SecureRandom random, Duration leafValidity) {
    this(random, leafValidity, CA_VALIDITY);
  }

  /** With other leaf and CA validities (setting {@code shardeddb.tls.ca-validity}; tests). */
  public TlsSecrets(SecureRandom random, Duration leafValidity, Duration caValidity) {
    this.random = random;
    this.leafValidity = leafValidity;
    this.caValidity = caValidity;
  }

  /** The randomness keys are made with. */
  SecureRandom random() {
    return random;
  }

  /** How long the certificates this issues are valid. */
  public Duration leafValidity() {
    return leafValidity;
  }

  /** The key of {@code role}'s certificate in the TLS Secret. */
  public static String certKey(TlsRole role) {
    return role.label() + ".crt";
  }

  /** The key of {@code role}'s private key in the TLS Secret. */
  public static String keyKey(TlsRole role) {
    return role.label() + ".key";
  }

  /** The CA stored in {@code stored} (the CA Secret), or a new one when there is none usable. */
  public CertificateAuthority authority(String db, Secret stored, Instant now) {
    String cert = text(stored, CA_CERT);
    String key = text(stored, CA_KEY);
    if (cert != null && key != null) {
      try {
        return CertificateAuthority.of(
            PemMaterial.certificates(cert).get(0), PemMaterial.privateKey(key), random);
      } catch (IllegalArgumentException unusable) {
        // Replaced below; every certificate is issued again from the new CA.
      }
    }
    return CertificateAuthority.create("shardeddb-" + db + "-ca", now, caValidity, random);
  }

  /** A new CA for database {@code db}, valid from {@code now}. */
  public CaRotation.Ca fresh(String db, Instant now) {
    CertificateAuthority ca =
        CertificateAuthority.create(
            "shardeddb-" + db + "-ca-" + now.getEpochSecond(), now, caValidity, random);
    return new CaRotation.Ca(ca.certificate(), ca.key());
  }

  /**
   * The rotation state stored in {@code stored} (the CA Secret), or null when it holds no usable
   * CA. A Secret written before rotation existed (only {@code ca.crt}, {@code ca.key}) is a steady
   * state of a generated CA.
   */
  public static CaRotation.State state(Secret stored) {
    String cert = text(stored, CA_CERT);
    if (cert == null) {
      return null;
    }
    try {
      CaRotation.Source source =
          "User".equals(text(stored, SOURCE))
              ? CaRotation.Source.User
              : CaRotation.Source.Generated;
      CaRotation.Ca active = ca(cert, text(stored, CA_KEY));
      if (active.key() == null && source == CaRotation.Source.Generated) {
        return null;
      }
      String phaseText = text(stored, PHASE);
      CaRotation.Phase phase =
          phaseText == null ? CaRotation.Phase.Steady : CaRotation.Phase.valueOf(phaseText);
      String nextCert = text(stored, NEXT_CERT);
      CaRotation.Ca next = nextCert == null ? null : ca(nextCert, text(stored, NEXT_KEY));
      String previousCert = text(stored, PREVIOUS_CERT);
      X509Certificate previous =
          previousCert == null ? null : PemMaterial.certificates(previousCert).get(0);
      if ((phase == CaRotation.Phase.Trusting && next == null)
          || (phase == CaRotation.Phase.Reissuing && previous == null)) {
        phase = CaRotation.Phase.Steady;
      }
      String since = text(stored, SINCE);
      String version = text(stored, VERSION);
      return new CaRotation.State(
          source,
          active,
          phase == CaRotation.Phase.Trusting ? next : null,
          phase == CaRotation.Phase.Reissuing ? previous : null,
          phase,
          since == null ? Instant.EPOCH : Instant.parse(since.trim()),
          text(stored, REASON),
          version == null ? 0 : Long.parseLong(version.trim()));
    } catch (RuntimeException unusable) {
      return null;
    }
  }

  private static CaRotation.Ca ca(String certPem, String keyPem) {
    return new CaRotation.Ca(
        PemMaterial.certificates(certPem).get(0),
        keyPem == null ? null : PemMaterial.privateKey(keyPem));
  }

  /**
   * The CA the user's Secret {@code name} ({@code secret}; null: not found) holds, in
   * cert-manager's layout: {@code tls.crt} (the CA certificate, then any intermediates), {@code
   * tls.key} (its key: PKCS#8, PKCS#1 or SEC 1), optionally {@code ca.crt} (the chain up to the
   * root). Unusable, with the reason, when the Secret or a key is missing, the certificate is not a
   * CA, is not valid at {@code now} or does not match the key.
   */
  public static CaRotation.UserCa userCa(String name, Secret secret, Instant now) {
    if (secret == null) {
      return CaRotation.UserCa.unusable(name, "Secret not found");
    }
    String cert = text(secret, PemMaterial.CERT_FILE);
    String key = text(secret, PemMaterial.KEY_FILE);
    if (cert == null || key == null) {
      return CaRotation.UserCa.unusable(
          name, "the Secret needs tls.crt and tls.key (the CA's certificate and private key)");
    }
    List<X509Certificate> certs;
    PrivateKey privateKey;
    try {
      certs = PemMaterial.certificates(cert);
      privateKey = anyPrivateKey(key);
    } catch (IllegalArgumentException e) {
      return CaRotation.UserCa.unusable(
          name, "tls.crt or tls.key cannot be read: " + e.getMessage());
    }
    X509Certificate ca = certs.get(0);
    boolean[] usage = ca.getKeyUsage();
    if (ca.getBasicConstraints() < 0 || (usage != null && (usage.length < 6 || !usage[5]))) {
      return CaRotation.UserCa.unusable(
          name,
          "tls.crt is not a CA certificate (it needs basicConstraints CA:TRUE and keyCertSign): "
              + ca.getSubjectX500Principal().getName());
    }
    if (now.isBefore(ca.getNotBefore().toInstant())
        || !now.isBefore(ca.getNotAfter().toInstant())) {
      return CaRotation.UserCa.unusable(
          name,
          "the CA certificate is not valid now (from "
              + ca.getNotBefore().toInstant()
              + " to "
              + ca.getNotAfter().toInstant()
              + ")");
    }
    if (!CertificateAuthority.matches(ca, privateKey)) {
      return CaRotation.UserCa.unusable(
          name, "tls.key is not the key of the certificate in tls.crt");
    }
    List<X509Certificate> chain = new ArrayList<>();
    List<X509Certificate> more = new ArrayList<>(certs.subList(1, certs.size()));
    String caChain = text(secret, CA_CERT);
    if (caChain != null) {
      try {
        more.addAll(PemMaterial.certificates(caChain));
      } catch (IllegalArgumentException e) {
        return CaRotation.UserCa.unusable(name, "ca.crt cannot be read: " + e.getMessage());
      }
    }
    for (X509Certificate c : more) {
      if (!c.equals(ca) && !chain.contains(c) && !Authorities.selfSigned(c)) {
        chain.add(c);
      }
    }
    return CaRotation.UserCa.of(name, new CaRotation.Ca(ca, privateKey), chain);
  }

  /**
   * A private key in PKCS#8 ({@code PRIVATE KEY}) or, as cert-manager writes by default, PKCS#1
   * ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}).
   */
  static PrivateKey anyPrivateKey(String pem) {
    try (org.bouncycastle.openssl.PEMParser parser =
        new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
      org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter converter =
          new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no PRIVATE KEY block (PKCS#8, PKCS#1 or SEC 1)");
  }

  /**
   * Whether TLS Secret {@code secret} already holds what {@code authorities} publish: their bundle
   * as {@code ca.crt}, and only certificates of an accepted CA.
   */
  public static boolean publishes(Secret secret, Authorities authorities) {
    if (!authorities.bundlePem().equals(text(secret, CA_CERT))) {
      return false;
    }
    for (String key : secret.getData().keySet()) {
      if (key.endsWith(".crt") && !key.equals(CA_CERT)) {
        try {
          if (!authorities.acceptedIssuerOf(PemMaterial.certificates(text(secret, key)).get(0))) {
            return false;
          }
        } catch (RuntimeException unreadable) {
          return false;
        }
      }
    }
    return true;
  }

  /** The CA Secret for {@code ca}. */
  public Secret caSecret(DatabaseModel db, CertificateAuthority ca) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(PemMaterial.pem(List.of(ca.certificate()))));
    data.put(CA_KEY, encode(PemMaterial.pem(ca.key())));
    return secret(db, ShardedDatabaseResources.caSecretName(db.name()), Labels.COMPONENT_CA, data);
  }

  /**
   * The CA Secret holding {@code state}: the CA in force ({@code ca.crt}, and {@code ca.key} when
   * the operator made it: a user's key stays in the user's Secret), the next CA while trusting, the
   * previous one while re-issuing, and the phase, since when, why and the state's version.
   */
  public Secret caSecret(DatabaseModel db, CaRotation.State state) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(PemMaterial.pem(List.of(state.active().certificate()))));
    if (state.active().key() != null) {
      data.put(CA_KEY, encode(PemMaterial.pem(state.active().key())));
    }
    if (state.next() != null) {
      data.put(NEXT_CERT, encode(PemMaterial.pem(List.of(state.next().certificate()))));
      if (state.next().key() != null) {
        data.put(NEXT_KEY, encode(PemMaterial.pem(state.next().key())));
      }
    }
    if (state.previous() != null) {
      data.put(PREVIOUS_CERT, encode(PemMaterial.pem(List.of(state.previous()))));
    }
    data.put(SOURCE, encode(state.source().name()));
    data.put(PHASE, encode(state.phase().name()));
    data.put(SINCE, encode(state.since().toString()));
    if (state.reason() != null) {
      data.put(REASON, encode(state.reason()));
    }
    data.put(VERSION, encode(Long.toString(state.version())));
    return secret(db, ShardedDatabaseResources.caSecretName(db.name()), Labels.COMPONENT_CA, data);
  }

  /**
   * The TLS Secret: {@code ca.crt} and the router's pair, kept from {@code existing} when good. The
   * shard-servers' shared pair an operator before per-pod certificates stored here ({@code
   * shard-server.crt/.key}, wildcard names) is kept as it is (pods not rolled yet still mount it)
   * until it expires or stops chaining to the CA, never renewed, then dropped.
   */
  public Secret tlsSecret(DatabaseModel db, CertificateAuthority ca, Secret existing, Instant now) {
    return tlsSecret(db, Authorities.of(ca), existing, now);
  }

  /**
   * As {@link #tlsSecret(DatabaseModel, CertificateAuthority, Secret, Instant)}, for a pass's CAs.
   */
  public Secret tlsSecret(DatabaseModel db, Authorities ca, Secret existing, Instant now) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(ca.bundlePem()));
    for (TlsRole role : POD_ROLES) {
      putPair(
          data,
          existing,
          certKey(role),
          keyKey(role),
          ca,
          TlsIdentity.component(db.namespace(), db.name(), role),
          db.name() + "-" + role.label(),
          dnsNames(db, role),
          now);
    }
    String sharedCert = text(existing, certKey(TlsRole.SHARD_SERVER));
    String sharedKey = text(existing, keyKey(TlsRole.SHARD_SERVER));
    if (sharedCert != null && sharedKey != null && stillValid(sharedCert, ca, now)) {
      data.put(certKey(TlsRole.SHARD_SERVER), encode(sharedCert));
      data.put(keyKey(TlsRole.SHARD_SERVER), encode(sharedKey));
    }
    return secret(
        db, ShardedDatabaseResources.tlsSecretName(db.name()), Labels.COMPONENT_TLS, data);
  }

  /**
   * The Secret of {@code shard}'s pods: {@code ca.crt} and a pair per pod ordinal of its
   * StatefulSet ({@code <pod>.crt/.key}), each kept from {@code existing} when good.
   */
  public Secret shardTlsSecret(
      DatabaseModel db, DesiredShard shard, CertificateAuthority ca, Secret existing, Instant now) {
    return shardTlsSecret(db, shard, Authorities.of(ca), existing, now);
  }

  /**
   * As {@link #shardTlsSecret(DatabaseModel, DesiredShard, CertificateAuthority, Secret, Instant)},
   * for a pass's CAs.
   */
  public Secret shardTlsSecret(
      DatabaseModel db, DesiredShard shard, Authorities ca, Secret existing, Instant now) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(ca.bundlePem()));
    for (int ordinal = 0; ordinal < shard.pods(); ordinal++) {
      String pod = ShardedDatabaseResources.shardPodName(db.name(), shard.id(), ordinal);
      putPair(
          data,
          existing,
          pod + ".crt",
          pod + ".key",
          ca,
          TlsIdentity.pod(db.namespace(), db.name(), shard.id(), pod),
          pod,
          podDnsNames(db, shard.id(), pod),
          now);
    }
    Map<String, String> labels = Labels.component(db.name(), Labels.COMPONENT_SHARD_TLS);
    labels.put(Labels.SHARD, shard.id());
    Secret secret =
        secret(
            db,
            ShardedDatabaseResources.shardTlsSecretName(db.name(), shard.id()),
            Labels.COMPONENT_SHARD_TLS,
            data);
    secret.getMetadata().setLabels(labels);
    return secret;
  }

  /**
   * The DNS names of shard-server pod {@code pod}: its headless-Service name, short and with the
   * cluster domain (what {@link PeerNames#podHost} expects; local mode dials pod IPs and expects
   * the same names); and the shard's Service name {@code <db>-<shard>.<ns>.svc} ({@link
   * #shardServerName}), which every pod of the shard carries, so that a scraper that takes one
   * server name for the whole shard (a PodMonitor endpoint: Prometheus cannot set it per target,
   * prometheus/prometheus#4827) verifies each pod. Peers still check the pod's own name ({@link
   * PeerNames#check}), which no other pod of the shard carries.
   */
  public static List<String> podDnsNames(DatabaseModel db, String shardId, String pod) {
    String host =
        PeerNames.podHost(
            pod, ShardedDatabaseResources.shardServiceName(db.name(), shardId), db.namespace());
    return List.of(host, host + ".cluster.local", shardServerName(db, shardId));
  }

  /**
   * The name every pod certificate of shard {@code shardId} carries: {@code <db>-<shard>.<ns>.svc}.
   */
  public static String shardServerName(DatabaseModel db, String shardId) {
    return ShardedDatabaseResources.shardServiceName(db.name(), shardId)
        + "."
        + db.namespace()
        + ".svc";
  }

  /**
   * The name the routers' certificate carries that a scraper verifies: {@code
   * <db>-router.<ns>.svc}.
   */
  public static String routerServerName(DatabaseModel db) {
    return ShardedDatabaseResources.routerName(db.name()) + "." + db.namespace() + ".svc";
  }

  private void putPair(
      Map<String, String> data,
      Secret existing,
      String certKey,
      String keyKey,
      Authorities ca,
      TlsIdentity identity,
      String commonName,
      List<String> names,
      Instant now) {
    String cert = text(existing, certKey);
    String key = text(existing, keyKey);
    if (cert != null
        && key != null
        && (!ca.issuing() || current(cert, key, ca, identity, names, now))) {
      // Kept while good; and kept as it is while nothing can be issued (the user's CA unusable).
      data.put(certKey, encode(cert));
      data.put(keyKey, encode(key));
    } else if (ca.issuing()) {
      CertificateAuthority.Issued issued =
          ca.signer().issue(identity, commonName, names, List.of(), now, leafValidity);
      data.put(
          certKey,
          encode(
              ca.chain().isEmpty()
                  ? issued.certificatePem()
                  : issued.certificatePem() + PemMaterial.pem(ca.chain())));
      data.put(keyKey, encode(issued.keyPem()));
    }
  }

  private static boolean stillValid(String certPem, Authorities ca, Instant now) {
    try {
      X509Certificate cert = PemMaterial.certificates(certPem).get(0);
      return ca.acceptedIssuerOf(cert) && now.isBefore(cert.getNotAfter().toInstant());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The DNS names the router's certificate carries (for clients that check host names): the router
   * Service in its short and long forms, and localhost.
   */
  public static List<String> dnsNames(DatabaseModel db, TlsRole role) {
    Set<String> names = new TreeSet<>();
    String ns = db.namespace();
    if (role == TlsRole.ROUTER) {
      String svc = ShardedDatabaseResources.routerName(db.name());
      names.add(svc);
      names.add(svc + "." + ns);
      names.add(svc + "." + ns + ".svc");
      names.add(svc + "." + ns + ".svc.cluster.local");
      names.add("localhost");
    }
    return new ArrayList<>(names);
  }

  /**
   * Whether a stored pair is still good: chains to {@code ca}, carries {@code identity} (so a
   * certificate issued before identities is issued again), names {@code names}, not due.
   */
  boolean current(
      String certPem,
      String keyPem,
      Authorities ca,
      TlsIdentity identity,
      List<String> names,
      Instant now) {
    try {
      X509Certificate cert = PemMaterial.certificates(certPem).get(0);
      PrivateKey key = PemMaterial.privateKey(keyPem);
      if (!ca.acceptedIssuerOf(cert)) {
        return false;
      }
      if (!TlsRole.of(cert).equals(java.util.Optional.of(identity.role()))
          || !TlsIdentity.of(cert).identity().equals(java.util.Optional.of(identity))) {
        return false;
      }
      if (!new TreeSet<>(dnsNamesOf(cert)).equals(new TreeSet<>(names))) {
        return false;
      }
      if (key == null) {
        return false;
      }
      return !renewalDue(cert, now);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether less than a third of {@code cert}'s validity is left at {@code now}. */
  public static boolean renewalDue(X509Certificate cert, Instant now) {
    Instant start = cert.getNotBefore().toInstant();
    Instant end = cert.getNotAfter().toInstant();
    Duration third = Duration.between(start, end).dividedBy(3);
    return !now.isBefore(end.minus(third));
  }

  private static List<String> dnsNamesOf(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
            out.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return out;
  }

  private static Secret secret(
      DatabaseModel db, String name, String component, Map<String, String> data) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(db.namespace())
                .withLabels(Labels.component(db.name(), component))
                .build())
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** The decoded text of {@code key} in {@code secret}, or null. */
  static String text(Secret secret, String key) {
    if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    try {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
