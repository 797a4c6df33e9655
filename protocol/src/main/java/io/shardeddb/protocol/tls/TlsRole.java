package io.shardeddb.protocol.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Who a certificate of a database's CA speaks for. The role is written into the certificate as a
 * URI subject alternative name ({@code urn:shardeddb:role:<name>}); shard-servers decide which
 * endpoints a caller may use by it, and clients check that the server they reached holds the role
 * they meant to call.
 */
public enum TlsRole {
  /** A shard-server: serves 8081, calls its peers (replication). */
  SHARD_SERVER("shard-server"),
  /** A router: serves clients on 8080, calls shard-servers' data endpoints. */
  ROUTER("router"),
  /** The operator: calls shard-servers' control endpoints. */
  OPERATOR("operator");

  /** The prefix of the role's URI subject alternative name. */
  public static final String URI_PREFIX = "urn:shardeddb:role:";

  private static final int SAN_URI = 6;

  private final String label;

  TlsRole(String label) {
    this.label = label;
  }

  /** The role's name as written in certificates and docs. */
  public String label() {
    return label;
  }

  /** The URI subject alternative name that carries this role. */
  public String uri() {
    return URI_PREFIX + label;
  }

  /** The role a certificate carries, if it carries exactly one known role. */
  public static Optional<TlsRole> of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    TlsRole found = null;
    for (List<?> name : names) {
      if (name.size() < 2 || !(name.get(0) instanceof Integer type) || type != SAN_URI) {
        continue;
      }
      for (TlsRole role : values()) {
        if (role.uri().equals(name.get(1))) {
          if (found != null && found != role) {
            return Optional.empty();
          }
          found = role;
        }
      }
    }
    return Optional.ofNullable(found);
  }
}
