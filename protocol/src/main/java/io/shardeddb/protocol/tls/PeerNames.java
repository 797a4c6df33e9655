package io.shardeddb.protocol.tls;

import java.lang.ref.WeakReference;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * Which shard-server pod a caller means to reach at an address, and the check that the certificate
 * it got names that pod. Shard-servers are dialled by pod IP, so the caller registers, per address
 * ({@code host:port} as it dials it), the pod's headless-Service name ({@link #podHost}); {@link
 * RoleTrustManager} looks the name up by the handshake's peer address and refuses a certificate
 * that does not name it (a reused IP answered by another pod). An address nobody registered is
 * checked by chain and role only, as before per-pod certificates.
 *
 * <p>Upgrade window ({@link #sharedBefore}): pods started before per-pod certificates present the
 * shard's shared certificate, whose DNS names are wildcards {@code *.<db>-<shard>.<ns>.svc}; a
 * wildcard that covers the expected pod's name is accepted, so a StatefulSet roll never makes a
 * caller refuse the pods not rolled yet. {@link #strict()} turns the window off.
 */
public final class PeerNames {

  private static final int SAN_DNS = 2;

  private final Map<String, String> expected = new ConcurrentHashMap<>();
  // Weakly: a context replaced (renewed identity) is dropped with its sessions.
  private final List<WeakReference<SSLSessionContext>> sessions = new CopyOnWriteArrayList<>();
  private final boolean acceptShared;
  // Per address, the sessions of handshakes checked there (weakly: a session nobody holds is gone).
  private final Map<String, List<WeakReference<SSLSession>>> handshakes = new ConcurrentHashMap<>();

  /** Expected names with the upgrade window open (shared wildcard certificates accepted). */
  public PeerNames() {
    this(true);
  }

  private PeerNames(boolean acceptShared) {
    this.acceptShared = acceptShared;
  }

  /** Expected names that accept only per-pod certificates. */
  public static PeerNames strict() {
    return new PeerNames(false);
  }

  /** The host name of pod {@code pod} behind headless Service {@code service} in {@code ns}. */
  public static String podHost(String pod, String service, String ns) {
    return pod + "." + service + "." + ns + ".svc";
  }

  /**
   * The host name {@code cert} gives pod {@code pod}: its DNS name {@code
   * <pod>.<service>.<ns>.svc}, as the operator issues it ({@link #podHost}). Empty when it has none
   * (the shard's shared wildcard certificate, or one issued outside the operator). A shard-server
   * reads its peers' names off its own: they sit behind the same Service in the same namespace.
   */
  public static Optional<String> hostOf(X509Certificate cert, String pod) {
    if (pod == null || pod.isBlank()) {
      return Optional.empty();
    }
    String prefix = pod.toLowerCase(Locale.ROOT) + ".";
    return dnsNames(cert).stream()
        .map(d -> d.toLowerCase(Locale.ROOT))
        .filter(d -> d.startsWith(prefix) && d.endsWith(".svc"))
        .filter(d -> d.substring(prefix.length()).split("\\.").length == 3)
        .findFirst();
  }

  /** The {@code host:port} key of base URL {@code url} (its scheme's port when it names none). */
  public static String address(String url) {
    java.net.URI uri = java.net.URI.create(url);
    int port = uri.getPort();
    if (port < 0) {
      port = "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    }
    return normalize(uri.getHost() + ":" + port);
  }

  /** From now on the server at {@code host:port} must be {@code podHost}. */
  public void expect(String host, int port, String podHost) {
    put(key(host, port), podHost);
  }

  /**
   * Forgets the TLS sessions of {@code context}'s clients to an address when the pod expected there
   * changes, so the next call makes a full handshake and is checked (a resumed session is not).
   */
  void watch(SSLSessionContext context) {
    if (context == null) {
      return;
    }
    for (WeakReference<SSLSessionContext> ref : sessions) {
      if (ref.get() == context) {
        return;
      }
    }
    synchronized (sessions) {
      sessions.removeIf(ref -> ref.get() == null || ref.get() == context);
      sessions.add(new WeakReference<>(context));
    }
  }

  /**
   * A handshake with {@code host:port} was checked against what is expected there: its session is
   * dropped when that changes. This reaches the sessions of clients whose {@link
   * javax.net.ssl.SSLContext} was built elsewhere (Micronaut's Netty client builds its own from the
   * trust manager factory), where {@link #watch} sees no context: a session resumed later skips the
   * check, so it must not outlive the expectation it was checked against.
   */
  void checked(SSLSession handshake, String host, int port) {
    if (handshake == null || host == null) {
      return;
    }
    handshakes.compute(
        key(host, port),
        (address, list) -> {
          List<WeakReference<SSLSession>> kept = new java.util.ArrayList<>();
          if (list != null) {
            for (WeakReference<SSLSession> ref : list) {
              SSLSession s = ref.get();
              if (s != null && s.isValid() && s != handshake) {
                kept.add(ref);
              }
            }
          }
          kept.add(new WeakReference<>(handshake));
          return kept;
        });
  }

  private void put(String address, String podHost) {
    String host = podHost.toLowerCase(Locale.ROOT);
    if (!host.equals(expected.put(address, host))) {
      forgetSessions(address);
    }
  }

  private void forgetSessions(String address) {
    List<WeakReference<SSLSession>> checkedThere = handshakes.remove(address);
    if (checkedThere != null) {
      for (WeakReference<SSLSession> ref : checkedThere) {
        SSLSession session = ref.get();
        if (session != null) {
          session.invalidate();
        }
      }
    }
    for (WeakReference<SSLSessionContext> ref : sessions) {
      SSLSessionContext context = ref.get();
      if (context == null) {
        continue;
      }
      for (byte[] id : Collections.list(context.getIds())) {
        SSLSession session = context.getSession(id);
        if (session != null
            && session.getPeerHost() != null
            && key(session.getPeerHost(), session.getPeerPort()).equals(address)) {
          session.invalidate();
        }
      }
    }
  }

  /**
   * Replaces every expectation with {@code byAddress} ({@code host:port} → pod host name), so
   * addresses no longer known are checked no more.
   */
  public void replaceAll(Map<String, String> byAddress) {
    java.util.Set<String> keep = new java.util.HashSet<>();
    byAddress.keySet().forEach(a -> keep.add(normalize(a)));
    for (String address : List.copyOf(expected.keySet())) {
      if (!keep.contains(address)) {
        expected.remove(address);
        forgetSessions(address);
      }
    }
    byAddress.forEach((address, host) -> put(normalize(address), host));
  }

  /** The pod name expected at {@code host:port}, if any. */
  public Optional<String> expected(String host, int port) {
    return Optional.ofNullable(expected.get(key(host, port)));
  }

  /** Checks {@code cert} against the name expected at {@code host:port} (none: passes). */
  public void check(X509Certificate cert, String host, int port) throws CertificateException {
    Optional<String> name = host == null ? Optional.empty() : expected(host, port);
    if (name.isEmpty()) {
      return;
    }
    if (names(cert, name.get()) || (acceptShared && sharedBefore(cert, name.get()))) {
      return;
    }
    throw refusal(cert, name.get(), host + ":" + port);
  }

  /**
   * Checks that {@code cert} names {@code podHost}, exactly or (upgrade window) by the shared
   * wildcard of its shard.
   */
  public static void check(X509Certificate cert, String podHost) throws CertificateException {
    if (!names(cert, podHost) && !sharedBefore(cert, podHost)) {
      throw refusal(cert, podHost, podHost);
    }
  }

  /** Whether {@code cert} carries {@code host} as a DNS name (exactly, ignoring case). */
  public static boolean names(X509Certificate cert, String host) {
    return dnsNames(cert).stream().anyMatch(d -> d.equalsIgnoreCase(host));
  }

  /**
   * Whether {@code cert} is a shard's shared certificate from before per-pod certificates: a
   * wildcard DNS name {@code *.<rest>} where {@code host} is {@code <one label>.<rest>}.
   */
  public static boolean sharedBefore(X509Certificate cert, String host) {
    int dot = host.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    String parent = host.substring(dot + 1);
    return dnsNames(cert).stream()
        .anyMatch(d -> d.startsWith("*.") && d.substring(2).equalsIgnoreCase(parent));
  }

  private static CertificateException refusal(X509Certificate cert, String host, String where) {
    return new CertificateException(
        "the server at "
            + where
            + " is not "
            + host
            + " (its certificate names "
            + dnsNames(cert)
            + ")");
  }

  private static List<String> dnsNames(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (sans == null) {
      return List.of();
    }
    return sans.stream()
        .filter(s -> s.size() >= 2 && Integer.valueOf(SAN_DNS).equals(s.get(0)))
        .map(s -> String.valueOf(s.get(1)))
        .toList();
  }

  private static String key(String host, int port) {
    return normalize(host + ":" + port);
  }

  private static String normalize(String address) {
    return address.replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
  }
}
