package io.shardeddb.protocol.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which database (namespace and name), shard and pod a certificate speaks for, beside its {@link
 * TlsRole}: a second URI subject alternative name {@code
 * spiffe://shardeddb.io/ns/<ns>/db/<name>/shard/<shard>/pod/<pod>/role/<role>} on shard-server
 * certificates, {@code spiffe://shardeddb.io/ns/<ns>/db/<name>/role/<role>} on the router's and the
 * operator's. Shard-servers decide by it which pods, shards and databases may call which endpoint
 * (docs/security.md, "Who may call what"), so a certificate of another database from the same CA
 * ({@code spec.tls.caSecret}) or of another shard's pod is refused. The role URN stays in the
 * certificate for peers that read only that (older releases); the two must agree.
 *
 * @param namespace the database's namespace
 * @param database the database's name
 * @param shard the shard id (shard-servers only; null otherwise)
 * @param pod the pod name (shard-servers only; null otherwise)
 * @param role the role, as the role URN says
 */
public record TlsIdentity(
    String namespace, String database, String shard, String pod, TlsRole role) {

  /** The scheme and trust domain every identity URI starts with. */
  public static final String PREFIX = "spiffe://shardeddb.io/";

  private static final int SAN_URI = 6;
  private static final String LABEL = "[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?";
  private static final Pattern URI =
      Pattern.compile(
          "spiffe://shardeddb\\.io/ns/(?<ns>"
              + LABEL
              + ")/db/(?<db>"
              + LABEL
              + ")(?:/shard/(?<shard>"
              + LABEL
              + ")/pod/(?<pod>"
              + LABEL
              + "))?/role/(?<role>[a-z-]+)");

  /** A shard-server pod's identity. */
  public static TlsIdentity pod(String namespace, String database, String shard, String pod) {
    return new TlsIdentity(namespace, database, shard, pod, TlsRole.SHARD_SERVER);
  }

  /** The router's or the operator's identity in a database (no shard, no pod). */
  public static TlsIdentity component(String namespace, String database, TlsRole role) {
    return new TlsIdentity(namespace, database, null, null, role);
  }

  /** The URI subject alternative name that carries this identity. */
  public String uri() {
    String shardPart = shard == null ? "" : "/shard/" + shard + "/pod/" + pod;
    return PREFIX + "ns/" + namespace + "/db/" + database + shardPart + "/role/" + role.label();
  }

  /** {@code <ns>/<name>}: the database, as messages name it. */
  public String databaseKey() {
    return namespace + "/" + database;
  }

  /** Whether this identity is of the same database as {@code other}. */
  public boolean sameDatabase(TlsIdentity other) {
    return namespace.equals(other.namespace) && database.equals(other.database);
  }

  /** The identity {@code uri} names, if it is one. */
  public static Optional<TlsIdentity> parse(String uri) {
    Matcher m = URI.matcher(uri);
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<TlsRole> role =
        java.util.Arrays.stream(TlsRole.values())
            .filter(r -> r.label().equals(m.group("role")))
            .findFirst();
    return role.map(
        r -> new TlsIdentity(m.group("ns"), m.group("db"), m.group("shard"), m.group("pod"), r));
  }

  /**
   * The identity {@code certificate} carries: empty when it carries none (a certificate issued
   * before identities), {@link Read#malformed} when it carries more than one, one that cannot be
   * read, or one whose role differs from the role URN.
   */
  public static Read of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Read.MALFORMED;
    }
    if (names == null) {
      return Read.NONE;
    }
    List<String> uris =
        names.stream()
            .filter(n -> n.size() >= 2 && n.get(0) instanceof Integer t && t == SAN_URI)
            .map(n -> String.valueOf(n.get(1)))
            .filter(u -> u.startsWith(PREFIX))
            .toList();
    if (uris.isEmpty()) {
      return Read.NONE;
    }
    if (uris.size() > 1) {
      return Read.MALFORMED;
    }
    Optional<TlsIdentity> id = parse(uris.get(0));
    if (id.isEmpty() || !TlsRole.of(certificate).equals(Optional.of(id.get().role()))) {
      return Read.MALFORMED;
    }
    return new Read(id, false);
  }

  /**
   * What a certificate says of its identity: {@code identity} when it names one; {@code malformed}
   * when it names something that is not one valid identity agreeing with its role.
   */
  public record Read(Optional<TlsIdentity> identity, boolean malformed) {
    static final Read NONE = new Read(Optional.empty(), false);
    static final Read MALFORMED = new Read(Optional.empty(), true);
  }
}
