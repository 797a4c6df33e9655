package io.shardeddb.operator.cert;

import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * The operator's side of each database's TLS, kept across passes: the CA state ({@link CaRotation}:
 * the stored one; until what a pass decided is read back, that decision, so every pass issues from
 * the same CA and a new CA is made once), and the operator's own client identity (role operator,
 * held in memory only, renewed with a third of its validity left or when the issuing CA changes; it
 * trusts every CA of the bundle), as the context its shard-server calls use, and the pod it expects
 * at each shard-server address ({@link PeerNames}: a certificate naming another pod is refused).
 */
public final class OperatorTls {

  /**
   * How long each step of a CA rotation waits by default: the kubelet syncs a mounted Secret within
   * its sync period (a minute by default) plus its cache's delay, and servers read their files
   * again every {@link TlsMaterialSource#DEFAULT_REFRESH}; five minutes covers both with a margin.
   */
  public static final Duration CA_OVERLAP = Duration.ofMinutes(5);

  private final TlsSecrets secrets;
  private final Duration overlap;
  private final Map<String, CaRotation.State> pending = new ConcurrentHashMap<>();
  private final Map<String, Identity> identities = new ConcurrentHashMap<>();
  private final Map<String, PeerNames> peerNames = new ConcurrentHashMap<>();

  private record Identity(
      X509Certificate authority, String bundle, X509Certificate certificate, SSLContext context) {}

  /**
   * What a pass decided about a database's CAs: the state to store, the CAs to issue from and
   * publish, the Event to record for a step of a rotation (null: none), the answer to {@code
   * shardeddb.io/rotate-ca} (null: none asked), and the user's CA as read (null: not asked for).
   */
  public record CaPass(
      CaRotation.State state,
      Authorities authorities,
      String event,
      CaRotation.Request request,
      CaRotation.UserCa user) {}

  public OperatorTls(TlsSecrets secrets) {
    this(secrets, CA_OVERLAP);
  }

  /** With another wait between the steps of a CA rotation (setting shardeddb.tls.ca-overlap). */
  public OperatorTls(TlsSecrets secrets, Duration overlap) {
    this.secrets = secrets;
    this.overlap = overlap;
  }

  /** How long each step of a CA rotation waits. */
  public Duration overlap() {
    return overlap;
  }

  /**
   * This pass's CAs of database {@code sdb}, from its CA Secret among {@code stored} (with its TLS
   * Secrets, to see what is published), {@code user} (the CA of spec.tls.caSecret as read, null
   * when not set) and whether a rotation is asked for.
   */
  public CaPass pass(
      ShardedDatabase sdb,
      List<Secret> stored,
      CaRotation.UserCa user,
      boolean requested,
      Instant now) {
    String db = sdb.getMetadata().getName();
    String key = key(sdb);
    String caName = ShardedDatabaseResources.caSecretName(db);
    CaRotation.State saved =
        TlsSecrets.state(
            stored.stream()
                .filter(s -> caName.equals(s.getMetadata().getName()))
                .findFirst()
                .orElse(null));
    CaRotation.State decidedBefore = pending.get(key);
    CaRotation.State base = saved;
    if (decidedBefore != null && (saved == null || saved.version() < decidedBefore.version())) {
      base = decidedBefore;
    } else {
      pending.remove(key);
    }
    boolean published =
        base != null && publishes(db, stored, Authorities.of(base, user, secrets.random()));
    CaRotation.Decision decision =
        CaRotation.decide(
            base,
            new CaRotation.Inputs(
                now, overlap, requested, published, user, () -> secrets.fresh(db, now)));
    if (decision.state() != null && decision.state() != saved) {
      pending.put(key, decision.state());
    }
    Authorities authorities =
        decision.state() == null
            ? new Authorities(null, List.of(), List.of(), List.of())
            : Authorities.of(decision.state(), user, secrets.random());
    return new CaPass(decision.state(), authorities, decision.event(), decision.request(), user);
  }

  /**
   * Whether every TLS Secret of database {@code db} among {@code stored} holds what {@code
   * authorities} publish (and there is at least the database-wide one).
   */
  private static boolean publishes(String db, List<Secret> stored, Authorities authorities) {
    String tls = ShardedDatabaseResources.tlsSecretName(db);
    boolean any = false;
    for (Secret s : stored) {
      Map<String, String> labels = s.getMetadata().getLabels();
      boolean shardTls =
          labels != null
              && db.equals(labels.get(io.shardeddb.api.Labels.INSTANCE))
              && io.shardeddb.api.Labels.COMPONENT_SHARD_TLS.equals(
                  labels.get(io.shardeddb.api.Labels.COMPONENT));
      if (tls.equals(s.getMetadata().getName()) || shardTls) {
        any |= tls.equals(s.getMetadata().getName());
        if (s.getData() == null || !TlsSecrets.publishes(s, authorities)) {
          return false;
        }
      }
    }
    return any;
  }

  /**
   * The CA of database {@code key} (namespace/name) named {@code db}: the one in {@code stored}
   * (its CA Secret; null while it does not exist), else the one generated for it earlier.
   */
  public CertificateAuthority authority(String key, String db, Secret stored, Instant now) {
    CaRotation.State saved = TlsSecrets.state(stored);
    if (saved != null && saved.active().key() != null) {
      pending.remove(key);
      return CertificateAuthority.of(
          saved.active().certificate(), saved.active().key(), secrets.random());
    }
    CaRotation.State state =
        pending.computeIfAbsent(
            key,
            k ->
                CaRotation.State.steady(
                    CaRotation.Source.Generated, secrets.fresh(db, now), now, 1));
    return CertificateAuthority.of(
        state.active().certificate(), state.active().key(), secrets.random());
  }

  /** The context for calling database {@code key}'s shard-servers as the operator. */
  public SSLContext operatorContext(String key, String db, CertificateAuthority ca, Instant now) {
    return operatorContext(key, db, Authorities.of(ca), now);
  }

  /**
   * The context for calling database {@code key}'s shard-servers as the operator: its identity from
   * the issuing CA, trusting every CA of the bundle; the last one while nothing can be issued (null
   * when there was none).
   */
  public SSLContext operatorContext(String key, String db, Authorities ca, Instant now) {
    Identity id = identities.get(key);
    String bundle = ca.bundlePem();
    if (id != null
        && (!ca.issuing()
            || (id.authority().equals(ca.signer().certificate())
                && id.bundle().equals(bundle)
                && !TlsSecrets.renewalDue(id.certificate(), now)))) {
      return id.context();
    }
    if (!ca.issuing()) {
      return null;
    }
    CertificateAuthority.Issued issued =
        ca.signer()
            .issue(
                operatorIdentity(key, db),
                db + "-operator",
                List.of(),
                List.of(),
                now,
                secrets.leafValidity());
    PemMaterial material = PemMaterial.parse(bundle, issued.certificatePem(), issued.keyPem());
    SSLContext context =
        Tls.clientContext(TlsMaterialSource.fixed(material), TlsRole.SHARD_SERVER, peerNames(key));
    identities.put(
        key, new Identity(ca.signer().certificate(), bundle, issued.certificate(), context));
    return context;
  }

  /**
   * The operator's identity in database {@code key} ({@code <ns>/<name>}; a key without a
   * namespace, as some tests use, stands for namespace {@code default}).
   */
  static TlsIdentity operatorIdentity(String key, String db) {
    int slash = key.indexOf('/');
    String ns = slash > 0 ? key.substring(0, slash) : "default";
    return TlsIdentity.component(ns, db, TlsRole.OPERATOR);
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
    return clientContext(sdb, Authorities.of(ca), now);
  }

  /** The operator's context for {@code sdb}'s shard-servers, or null while its TLS is off. */
  public SSLContext clientContext(ShardedDatabase sdb, Authorities ca, Instant now) {
    return ShardedDatabaseResources.tlsEnabled(sdb)
        ? operatorContext(key(sdb), sdb.getMetadata().getName(), ca, now)
        : null;
  }

  private static String key(ShardedDatabase sdb) {
    return sdb.getMetadata().getNamespace() + "/" + sdb.getMetadata().getName();
  }

  /** Forgets database {@code key} (deleted). */
  public void forget(String key) {
    pending.remove(key);
    identities.remove(key);
    peerNames.remove(key);
  }
}
