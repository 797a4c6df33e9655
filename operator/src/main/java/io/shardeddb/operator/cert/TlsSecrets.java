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
import io.shardeddb.protocol.tls.TlsRole;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
 * certificate and key and is never mounted. {@code <db>-tls} holds {@code ca.crt} and the router's
 * pair ({@code router.crt/.key}), projected as {@code tls.crt}/{@code tls.key}. Each shard has
 * {@code <db>-<shard>-tls}: {@code ca.crt} and one pair per pod ordinal of its StatefulSet ({@code
 * <pod>.crt/.key}), each naming exactly that pod by its headless-Service names; the shard-server
 * picks its own pair by its pod name. A certificate is kept while it chains to the CA, names what
 * it should and has more than a third of its validity left; otherwise it is issued again, and the
 * pods' files follow (no restart). Pairs of ordinals the StatefulSet no longer has are dropped.
 */
public final class TlsSecrets {

  /** Keys of the CA Secret and of the CA bundle in the TLS Secret. */
  public static final String CA_CERT = PemMaterial.CA_FILE;

  public static final String CA_KEY = "ca.key";

  /** How long the CA is valid (it is not rotated by the operator; docs/security.md). */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** How long issued certificates are valid; renewed with a third of it left. */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(90);

  /** The roles whose certificates pods mount from the database-wide TLS Secret. */
  public static final List<TlsRole> POD_ROLES = List.of(TlsRole.ROUTER);

  private final SecureRandom random;
  private final Duration leafValidity;

  public TlsSecrets(SecureRandom random) {
    this(random, LEAF_VALIDITY);
  }

  /** With another leaf validity (tests of renewal). */
  public TlsSecrets(SecureRandom random, Duration leafValidity) {
    this.random = random;
    this.leafValidity = leafValidity;
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
    return CertificateAuthority.create("shardeddb-" + db + "-ca", now, CA_VALIDITY, random);
  }

  /** The CA Secret for {@code ca}. */
  public Secret caSecret(DatabaseModel db, CertificateAuthority ca) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(PemMaterial.pem(List.of(ca.certificate()))));
    data.put(CA_KEY, encode(PemMaterial.pem(ca.key())));
    return secret(db, ShardedDatabaseResources.caSecretName(db.name()), Labels.COMPONENT_CA, data);
  }

  /**
   * The TLS Secret: {@code ca.crt} and the router's pair, kept from {@code existing} when good. The
   * shard-servers' shared pair an operator before per-pod certificates stored here ({@code
   * shard-server.crt/.key}, wildcard names) is kept as it is (pods not rolled yet still mount it)
   * until it expires or stops chaining to the CA, never renewed, then dropped.
   */
  public Secret tlsSecret(DatabaseModel db, CertificateAuthority ca, Secret existing, Instant now) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(PemMaterial.pem(List.of(ca.certificate()))));
    for (TlsRole role : POD_ROLES) {
      putPair(
          data,
          existing,
          certKey(role),
          keyKey(role),
          ca,
          role,
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
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, encode(PemMaterial.pem(List.of(ca.certificate()))));
    for (int ordinal = 0; ordinal < shard.pods(); ordinal++) {
      String pod = ShardedDatabaseResources.shardPodName(db.name(), shard.id(), ordinal);
      putPair(
          data,
          existing,
          pod + ".crt",
          pod + ".key",
          ca,
          TlsRole.SHARD_SERVER,
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
   * the same names).
   */
  public static List<String> podDnsNames(DatabaseModel db, String shardId, String pod) {
    String host =
        PeerNames.podHost(
            pod, ShardedDatabaseResources.shardServiceName(db.name(), shardId), db.namespace());
    return List.of(host, host + ".cluster.local");
  }

  private void putPair(
      Map<String, String> data,
      Secret existing,
      String certKey,
      String keyKey,
      CertificateAuthority ca,
      TlsRole role,
      String commonName,
      List<String> names,
      Instant now) {
    String cert = text(existing, certKey);
    String key = text(existing, keyKey);
    if (cert != null && key != null && current(cert, key, ca, role, names, now)) {
      data.put(certKey, encode(cert));
      data.put(keyKey, encode(key));
    } else {
      CertificateAuthority.Issued issued =
          ca.issue(role, commonName, names, List.of(), now, leafValidity);
      data.put(certKey, encode(issued.certificatePem()));
      data.put(keyKey, encode(issued.keyPem()));
    }
  }

  private static boolean stillValid(String certPem, CertificateAuthority ca, Instant now) {
    try {
      X509Certificate cert = PemMaterial.certificates(certPem).get(0);
      cert.verify(ca.certificate().getPublicKey());
      return now.isBefore(cert.getNotAfter().toInstant());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
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

  /** Whether a stored pair is still good: chains to {@code ca}, names {@code names}, not due. */
  boolean current(
      String certPem,
      String keyPem,
      CertificateAuthority ca,
      TlsRole role,
      List<String> names,
      Instant now) {
    try {
      X509Certificate cert = PemMaterial.certificates(certPem).get(0);
      PrivateKey key = PemMaterial.privateKey(keyPem);
      cert.verify(ca.certificate().getPublicKey());
      if (!TlsRole.of(cert).equals(java.util.Optional.of(role))) {
        return false;
      }
      if (!new TreeSet<>(dnsNamesOf(cert)).equals(new TreeSet<>(names))) {
        return false;
      }
      if (key == null) {
        return false;
      }
      return !renewalDue(cert, now);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
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
