package io.shardeddb.local;

import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.TlsRole;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The local API's HTTPS identity: a CA made at every start and a server certificate for {@code
 * 127.0.0.1} and {@code localhost}. TLS is there for the token, not for secrecy on loopback:
 * kubectl (client-go) sends a kubeconfig's credentials only over TLS, so over plain HTTP it could
 * never pass the token gate. The CA goes into the kubeconfig ({@code certificate-authority-data}),
 * so kubectl and the router pods verify the server.
 */
record LocalApiTls(String caPem, String certificatePem, String keyPem) {
  private static final Duration VALIDITY = Duration.ofDays(365);

  /** A new CA and a server certificate from it. */
  static LocalApiTls create() {
    Instant now = Instant.now();
    CertificateAuthority ca =
        CertificateAuthority.create("shardeddb-local-api-ca", now, VALIDITY, new SecureRandom());
    // The role URI the issuer adds is for ShardedDB's own peers; API clients do not look at it.
    CertificateAuthority.Issued server =
        ca.issue(
            TlsRole.ROUTER,
            "shardeddb-local-api",
            List.of("localhost"),
            List.of("127.0.0.1"),
            now,
            VALIDITY);
    return new LocalApiTls(
        PemMaterial.pem(List.of(ca.certificate())), server.certificatePem(), server.keyPem());
  }
}
