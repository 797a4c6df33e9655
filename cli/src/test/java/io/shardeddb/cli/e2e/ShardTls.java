package io.shardeddb.cli.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * How a test calls a local database's shard-servers directly over TLS: as one of the roles, with
 * that role's certificate (the pods' from {@code <db>-tls}; the operator's issued from {@code
 * <db>-ca} with the operator's identity in the database, as the operator does in memory), verifying
 * the server as a shard-server of the CA.
 */
final class ShardTls {
  private ShardTls() {}

  /** An HTTP client presenting {@code role}'s certificate of {@code database}. */
  static HttpClient client(LocalCluster cluster, String database, TlsRole role) {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(context(cluster, database, role))
        .build();
  }

  static SSLContext context(LocalCluster cluster, String database, TlsRole role) {
    PemMaterial material;
    if (role == TlsRole.OPERATOR) {
      String caSecret = ShardedDatabaseResources.caSecretName(database);
      CertificateAuthority ca =
          CertificateAuthority.of(
              PemMaterial.certificates(value(cluster, caSecret, "ca.crt")).get(0),
              PemMaterial.privateKey(value(cluster, caSecret, "ca.key")),
              new SecureRandom());
      CertificateAuthority.Issued issued =
          ca.issue(
              TlsIdentity.component(cluster.namespace(), database, role),
              "test-operator",
              List.of(),
              List.of(),
              Instant.now(),
              Duration.ofHours(1));
      material =
          PemMaterial.parse(
              PemMaterial.pem(List.of(ca.certificate())), issued.certificatePem(), issued.keyPem());
    } else {
      String tls = ShardedDatabaseResources.tlsSecretName(database);
      material =
          PemMaterial.parse(
              value(cluster, tls, "ca.crt"),
              value(cluster, tls, role.label() + ".crt"),
              value(cluster, tls, role.label() + ".key"));
    }
    return Tls.clientContext(TlsMaterialSource.fixed(material), TlsRole.SHARD_SERVER);
  }

  private static String value(LocalCluster cluster, String secret, String key) {
    Secret s = cluster.client().secrets().inNamespace(cluster.namespace()).withName(secret).get();
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
