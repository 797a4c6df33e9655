package io.shardeddb.operator.cert;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
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
 * left), as the context its shard-server calls use, and the pod it expects at each shard-server
 * address ({@link PeerNames}: a certificate naming another pod is refused).
 */
public final class OperatorTls {

  private final TlsSecrets secrets;
  private final Map<String, CertificateAuthority> generated = new ConcurrentHashMap<>();
  private final Map<String, Identity> identities = new ConcurrentHashMap<>();
  private final Map<String, PeerNames> peerNames = new ConcurrentHashMap<>();

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
    SSLContext context =
        Tls.clientContext(TlsMaterialSource.fixed(material), TlsRole.SHARD_SERVER, peerNames(key));
    identities.put(key, new Identity(ca.certificate(), issued.certificate(), context));
    return context;
  }

  /**
   * The pods the operator's calls to database {@code key} expect, by address: its contexts refuse a
   * shard-server whose certificate does not name the pod expected at the address dialled.
   */
  public PeerNames peerNames(String key) {
    return peerNames.computeIfAbsent(key, k -> new PeerNames());
  }

  /**
   * From now on, a call to shard-server base URL {@code url} of {@code sdb} (a key of {@code pods})
   * expects the pod named by its value (pod name and shard id); URLs left out are no longer
   * expected (their pods are gone).
   */
  public void expect(ShardedDatabase sdb, Map<String, PodName> pods) {
    String db = sdb.getMetadata().getName();
    String ns = sdb.getMetadata().getNamespace();
    Map<String, String> byAddress = new java.util.HashMap<>();
    pods.forEach(
        (url, pod) -> {
          java.net.URI uri = java.net.URI.create(url);
          byAddress.put(
              uri.getHost() + ":" + uri.getPort(),
              PeerNames.podHost(
                  pod.pod(), ShardedDatabaseResources.shardServiceName(db, pod.shard()), ns));
        });
    peerNames(key(sdb)).replaceAll(byAddress);
  }

  /** A shard-server pod: its name and its shard's id. */
  public record PodName(String pod, String shard) {}

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
    peerNames.remove(key);
  }
}
