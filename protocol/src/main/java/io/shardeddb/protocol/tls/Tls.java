package io.shardeddb.protocol.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one place trust is set up: every client and server of a database builds its {@link
 * SSLContext} (or, for Netty, its key and trust manager factories) here, from a {@link
 * TlsMaterialSource}. Peers are verified by chain to the database's CA and by {@link TlsRole}
 * ({@link RoleTrustManager}); identities reload as the mounted files change ({@link
 * ReloadingKeyManager}).
 */
public final class Tls {

  /**
   * The protocol versions between the project's own processes (router and shard-servers,
   * shard-servers among themselves, the operator and its pods; HTTPS and the data and replication
   * streams): TLS 1.3 only. Every context and listener for those hops takes its list from here
   * (docs/security.md, "TLS versions").
   */
  public static final String[] INTERNAL_PROTOCOLS = {"TLSv1.3"};

  /**
   * The protocol versions of the router's client-facing ports (HTTPS and MySQL): TLS 1.3, and 1.2
   * for clients and drivers that have nothing newer.
   */
  public static final String[] CLIENT_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Tls() {}

  /**
   * A context for calling servers that hold one of {@code serverRoles}, presenting {@code source}'s
   * identity when it has one (mTLS).
   */
  public static SSLContext clientContext(TlsMaterialSource source, Set<TlsRole> serverRoles) {
    return internalContext(
        new KeyManager[] {new ReloadingKeyManager(source)},
        new TrustManager[] {new RoleTrustManager(source, serverRoles)});
  }

  /**
   * A context for calling servers of {@code role} that, at the addresses {@code peerNames} knows,
   * must present a certificate naming the expected pod.
   */
  public static SSLContext clientContext(
      TlsMaterialSource source, TlsRole role, PeerNames peerNames) {
    SSLContext context =
        internalContext(
            new KeyManager[] {new ReloadingKeyManager(source)},
            new TrustManager[] {new RoleTrustManager(source, Set.of(role), peerNames)});
    if (peerNames != null) {
      peerNames.watch(context.getClientSessionContext());
    }
    return context;
  }

  /** A context for calling a server of {@code role}. */
  public static SSLContext clientContext(TlsMaterialSource source, TlsRole role) {
    return clientContext(source, Set.of(role));
  }

  /**
   * A server context presenting {@code source}'s identity and verifying client certificates (when
   * the caller presents one) against the CA and {@code clientRoles}.
   */
  public static SSLContext serverContext(TlsMaterialSource source, Set<TlsRole> clientRoles) {
    return internalContext(
        new KeyManager[] {new ReloadingKeyManager(source)},
        new TrustManager[] {new RoleTrustManager(source, clientRoles)});
  }

  /**
   * A context for a client of the router (CLI, tests, bench): trusts routers of the CA in {@code
   * caPem} (the database's {@code ca.crt}), presents nothing.
   */
  public static SSLContext routerClientContext(String caPem) {
    TlsMaterialSource source = TlsMaterialSource.fixed(PemMaterial.parse(caPem, null, null));
    // A client of a client-facing port: the JDK's versions (1.3 first), no internal limit.
    return context(
        new KeyManager[] {new ReloadingKeyManager(source)},
        new TrustManager[] {new RoleTrustManager(source, Set.of(TlsRole.ROUTER))});
  }

  /**
   * A context that accepts any server certificate: only for what the kubelet does (probes, which
   * carry no credential and read nothing secret), never for a call that sends a credential.
   */
  public static SSLContext probeContext() {
    return context(null, new TrustManager[] {new TrustAll()});
  }

  /** A key manager factory presenting {@code source}'s identity (for Netty/Micronaut builders). */
  public static KeyManagerFactory keyManagerFactory(TlsMaterialSource source) {
    KeyManager manager = new ReloadingKeyManager(source);
    return new KeyManagerFactory(
        new KeyManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks, char[] password) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected KeyManager[] engineGetKeyManagers() {
            return new KeyManager[] {manager};
          }
        },
        PROVIDER,
        "ShardedDB") {};
  }

  /**
   * A trust manager factory accepting peers of {@code source}'s CA holding one of {@code roles}.
   */
  public static TrustManagerFactory trustManagerFactory(
      TlsMaterialSource source, Set<TlsRole> roles) {
    return trustManagerFactory(source, roles, null);
  }

  /**
   * As {@link #trustManagerFactory(TlsMaterialSource, Set)}, and a server at an address {@code
   * peerNames} knows must present a certificate naming the pod expected there (null: no name
   * check). For clients built elsewhere (Micronaut's Netty client): the SSL engine must be created
   * with the peer's host and port, which is how the expected name is looked up.
   */
  public static TrustManagerFactory trustManagerFactory(
      TlsMaterialSource source, Set<TlsRole> roles, PeerNames peerNames) {
    TrustManager manager = new RoleTrustManager(source, roles, peerNames);
    return new TrustManagerFactory(
        new TrustManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {manager};
          }
        },
        PROVIDER,
        "ShardedDB") {};
  }

  /** A context for a hop between the project's processes: {@link #INTERNAL_PROTOCOLS} only. */
  private static SSLContext internalContext(KeyManager[] keys, TrustManager[] trust) {
    return ProtocolLimitedContext.of(context(keys, trust), INTERNAL_PROTOCOLS);
  }

  private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static final Provider PROVIDER =
      new Provider("ShardedDB", "1", "the project's key and trust managers") {};

  // Extended, so JSSE does not wrap it with its own host name check.
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
