package io.shardeddb.operator.cert;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * The operator's side of each database's TLS, kept across passes: the CA (the stored one; until it
 * is stored, the one generated for it, so every pass issues from the same CA), and the operator's
 * own client identity (role operator, held in memory only, renewed with a third of its validity
 * left), as the context its shard-server calls use.
 */
public final class OperatorTls {

  private final TlsSecrets secrets;
  private final Map<String, CertificateAuthority> generated = new ConcurrentHashMap<>();
  private final Map<String, Identity> identities = new ConcurrentHashMap<>();

  private record Identity(
      X509Certificate authority, X509Certificate certificate, SSLContext context) {}

  public OperatorTls(TlsSecrets secrets) {
    this.secrets = secrets;
  }

  /**
   * The CA of database {@code key} (namespace/name) named {@code db}: the one in {@code stored}
   * (its CA Secret; null while it does not exist), else the one generated for it earlier.
   */
  public CertificateAuthority authority(String key, String db, Secret stored, Instant now) {
    if (TlsSecrets.text(stored, TlsSecrets.CA_CERT) != null) {
      CertificateAuthority ca = secrets.authority(db, stored, now);
      if (TlsSecrets.text(stored, TlsSecrets.CA_CERT)
          .equals(PemMaterial.pem(List.of(ca.certificate())))) {
        generated.remove(key);
        return ca;
      }
    }
    return generated.computeIfAbsent(key, k -> secrets.authority(db, null, now));
  }

  /** The context for calling database {@code key}'s shard-servers as the operator. */
  public SSLContext operatorContext(String key, String db, CertificateAuthority ca, Instant now) {
    Identity id = identities.get(key);
    if (id != null
        && id.authority().equals(ca.certificate())
        && !TlsSecrets.renewalDue(id.certificate(), now)) {
      return id.context();
    }
    CertificateAuthority.Issued issued =
        ca.issue(
            TlsRole.OPERATOR, db + "-operator", List.of(), List.of(), now, secrets.leafValidity());
    PemMaterial material =
        PemMaterial.parse(
            PemMaterial.pem(List.of(ca.certificate())), issued.certificatePem(), issued.keyPem());
    SSLContext context = Tls.clientContext(TlsMaterialSource.fixed(material), TlsRole.SHARD_SERVER);
    identities.put(key, new Identity(ca.certificate(), issued.certificate(), context));
    return context;
  }

  /** The CA of {@code sdb} this pass, from its CA Secret among {@code secrets} when stored. */
  public CertificateAuthority authority(ShardedDatabase sdb, Stream<Secret> secrets, Instant now) {
    String name = sdb.getMetadata().getName();
    String caSecret = ShardedDatabaseResources.caSecretName(name);
    Secret stored =
        secrets.filter(s -> caSecret.equals(s.getMetadata().getName())).findFirst().orElse(null);
    return authority(key(sdb), name, stored, now);
  }

  /** The operator's context for {@code sdb}'s shard-servers, or null while its TLS is off. */
  public SSLContext clientContext(ShardedDatabase sdb, CertificateAuthority ca, Instant now) {
    return ShardedDatabaseResources.tlsEnabled(sdb)
        ? operatorContext(key(sdb), sdb.getMetadata().getName(), ca, now)
        : null;
  }

  private static String key(ShardedDatabase sdb) {
    return sdb.getMetadata().getNamespace() + "/" + sdb.getMetadata().getName();
  }

  /** Forgets database {@code key} (deleted). */
  public void forget(String key) {
    generated.remove(key);
    identities.remove(key);
  }
}
