package io.shardeddb.protocol.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a peer whose chain leads to the database's CA (PKIX) and whose certificate carries one of
 * the expected {@link TlsRole}s. It does not compare the host name dialled: shard-servers are
 * reached by pod IP, which is not known when their certificate is issued. Instead, a caller that
 * knows which pod it means registers the pod's name for the address ({@link PeerNames}), and the
 * server's certificate must name that pod (per-pod certificates), so a reused IP answered by
 * another pod, even of the same shard, is refused. The CA is taken from {@code source} at each
 * handshake, so a renewed CA bundle applies at once.
 */
public final class RoleTrustManager extends X509ExtendedTrustManager {

  private final TlsMaterialSource source;
  private final Set<TlsRole> roles;
  private final PeerNames peerNames;
  private List<X509Certificate> cachedAuthorities;
  private X509TrustManager cachedPkix;

  /** Trusts peers of {@code source}'s CA that hold one of {@code roles}. */
  public RoleTrustManager(TlsMaterialSource source, Set<TlsRole> roles) {
    this(source, roles, null);
  }

  /**
   * Trusts peers of {@code source}'s CA that hold one of {@code roles} and, as servers, name the
   * pod {@code peerNames} expects at the address dialled (null: no name check).
   */
  public RoleTrustManager(TlsMaterialSource source, Set<TlsRole> roles, PeerNames peerNames) {
    this.source = source;
    this.roles = Set.copyOf(roles);
    this.peerNames = peerNames;
  }

  private synchronized X509TrustManager pkix() throws CertificateException {
    List<X509Certificate> authorities = source.get().authorities();
    if (authorities.isEmpty()) {
      throw new CertificateException("no CA certificate configured to verify the peer with");
    }
    if (!authorities.equals(cachedAuthorities)) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.size(); i++) {
          store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
          if (tm instanceof X509TrustManager x509) {
            cachedPkix = x509;
          }
        }
        cachedAuthorities = authorities;
      } catch (GeneralSecurityException | java.io.IOException e) {
        throw new CertificateException("cannot build the trust store: " + e.getMessage(), e);
      }
    }
    return cachedPkix;
  }

  private void checkRole(X509Certificate[] chain) throws CertificateException {
    TlsRole role =
        TlsRole.of(chain[0])
            .orElseThrow(() -> new CertificateException("the peer certificate names no role"));
    if (!roles.contains(role)) {
      throw new CertificateException(
          "the peer is a " + role.label() + ", expected one of " + labels());
    }
  }

  private String labels() {
    return roles.stream().map(TlsRole::label).sorted().toList().toString();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    // The two-argument PKIX check validates the chain only, without endpoint identification.
    pkix().checkServerTrusted(chain, authType);
    checkRole(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix().checkClientTrusted(chain, authType);
    checkRole(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
    if (peerNames != null && socket != null && socket.getInetAddress() != null) {
      String host = socket.getInetAddress().getHostAddress();
      peerNames.check(chain[0], host, socket.getPort());
      if (socket instanceof SSLSocket ssl) {
        checked(ssl.getHandshakeSession(), host, socket.getPort());
      }
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
    if (peerNames != null && engine != null) {
      // The host the caller dialled (java.net.http and Micronaut's Netty client pass the URI's
      // host, here the pod IP). An engine made without it cannot be checked: refused, not passed.
      if (engine.getPeerHost() == null || engine.getPeerPort() < 0) {
        throw new CertificateException(
            "cannot check which pod the server is: the TLS engine was made without its address");
      }
      peerNames.check(chain[0], engine.getPeerHost(), engine.getPeerPort());
      checked(engine.getHandshakeSession(), engine.getPeerHost(), engine.getPeerPort());
    }
  }

  /**
   * Whichever client made this handshake (an {@link javax.net.ssl.SSLContext} built by {@link Tls}
   * or a Netty one), its session is dropped when the pod expected at the address changes, so a
   * resumed session, which skips this check, never stands in for a checked one.
   */
  private void checked(SSLSession handshake, String host, int port) {
    peerNames.checked(handshake, host, port);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return source.get().authorities().toArray(X509Certificate[]::new);
  }
}
